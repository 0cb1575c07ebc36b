// Advice worded for the page: the stored verdict keeps the CLI's words ("--send-message --to"),
// the page names its own controls instead (contracts' forPage), and the control it names is there.
import { VERDICT_LABELS, forPage } from '@relayprobe/contracts';
import { expect, test } from './support/fixtures.js';
import { startProbeFromForm } from './support/probe-form.js';
import { expectStatus, finishedResult, verdictStatus } from './support/result-page.js';

test('a server that accepts everything: the advice names "Also send a test message", not --send-message', async ({ page, request, targets }, testInfo) => {
  const target = await targets.profile('accept-all');
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick' });
  await expectStatus(page, VERDICT_LABELS['accepts-all']);
  const result = await finishedResult(request, id);
  const advice = result.verdict?.advice ?? '';
  expect(advice, 'the API keeps the CLI words').toContain('--send-message --to');

  const status = verdictStatus(page);
  await expect(status).toContainText(forPage(advice));
  await expect(status).toContainText('run again with “Also send a test message” ticked and an address you control in its Recipient field', { ignoreCase: true });
  await expect(status).not.toContainText(/--[a-z]/);
  const shot = testInfo.outputPath('advice-accepts-all.png');
  await page.screenshot({ path: shot });
  await testInfo.attach('advice-accepts-all', { path: shot, contentType: 'image/png' });

  // What the advice names is a control of the form, with the recipient field it reveals.
  await page.goto('/');
  const send = page.getByRole('checkbox', { name: 'Also send a test message', exact: true });
  await expect(send).toBeVisible();
  await send.check();
  await expect(page.getByLabel('Recipient (optional)', { exact: true })).toBeVisible();
});
