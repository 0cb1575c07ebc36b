// Screenshots of the result page, running and finished, at desktop width and at 375 px (a phone),
// each in the light and the dark colour scheme, saved as test artifacts; at 375 px nothing may
// push the page wider than the screen.
import { VERDICT_LABELS } from '@relayprobe/contracts';
import { expect, test } from './support/fixtures.js';
import { startProbeFromForm } from './support/probe-form.js';
import { expectStatus, transcriptLog } from './support/result-page.js';
import { DESKTOP, PHONE, horizontalOverflow, shootSchemes } from './support/layouts.js';

test('result page screenshots: running and finished, 1280 px and 375 px, light and dark', async ({ page, targets }, testInfo) => {
  const target = await targets.profile('postfix-closed', { latencyMs: 150 });
  await page.setViewportSize(DESKTOP);
  await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'standard' });
  await expectStatus(page, 'Running');
  await expect(transcriptLog(page)).toContainText('ESMTP Postfix');
  await shootSchemes(page, testInfo, 'running-desktop');
  await page.setViewportSize(PHONE);
  await shootSchemes(page, testInfo, 'running-375');
  expect(await horizontalOverflow(page), 'page wider than a 375 px screen while running').toBeLessThanOrEqual(0);

  await expectStatus(page, VERDICT_LABELS.closed);
  await shootSchemes(page, testInfo, 'finished-375');
  expect(await horizontalOverflow(page), 'page wider than a 375 px screen when finished').toBeLessThanOrEqual(0);
  await page.setViewportSize(DESKTOP);
  await shootSchemes(page, testInfo, 'finished-desktop');
});
