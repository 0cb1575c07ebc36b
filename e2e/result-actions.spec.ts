// The result page's actions: "Copy transcript" (the CLI's text), "Copy as command" (the CLI
// invocation), "Download JSON" (the result document), "Run again" (a new probe, a new page).
import { readFile } from 'node:fs/promises';
import { VERDICT_LABELS, formatTranscript, type ResultDocument } from '@relayprobe/contracts';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { RESULT_PATH, idFromUrl, startProbeFromForm } from './support/probe-form.js';
import { expectStatus, finishedResult } from './support/result-page.js';

const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

test('Copy transcript, Copy as command, Download JSON and Run again', async ({ page, context, request, targets }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const target = await targets.profile('open-relay');
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick', tls: 'none' });
  await expectStatus(page, VERDICT_LABELS.open);
  const result = await finishedResult(request, id);

  await test.step('Copy transcript: exactly the CLI transcript', async () => {
    await page.getByRole('button', { name: 'Copy transcript', exact: true }).click();
    await expect.poll(() => clipboard(page)).toBe(formatTranscript(result.events));
  });

  await test.step('Copy as command: the equivalent relayprobe invocation', async () => {
    await page.getByRole('button', { name: 'Copy as command', exact: true }).click();
    await expect.poll(() => clipboard(page)).toMatch(/^relayprobe 127\.0\.0\.1 /);
    const command = await clipboard(page);
    expect(command).toContain(`--port ${target.port}`);
    expect(command).toContain('--suite quick');
    expect(command).toContain('--tls none');
    expect(command).not.toContain('--send-message');
  });

  await test.step('Download JSON: the result document', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSON', exact: true }).click()]);
    const document = JSON.parse(await readFile(await download.path(), 'utf8')) as ResultDocument;
    expect(document.id).toBe(id);
    expect(document.verdict?.code).toBe('open');
    expect(document.events).toEqual(result.events);
  });

  await test.step('Run again: the same request, a new result page', async () => {
    await page.getByRole('button', { name: 'Run again', exact: true }).click();
    await expect(page).toHaveURL((url) => RESULT_PATH.test(url.pathname) && idFromUrl(url.href) !== id);
    const again = await finishedResult(request, idFromUrl(page.url()));
    expect(again.request).toEqual(result.request);
    await expectStatus(page, VERDICT_LABELS.open);
  });
});
