// Screenshots of the result page, running and finished, at desktop width and at 375 px (a phone),
// saved as test artifacts; at 375 px nothing may push the page wider than the screen.
import { VERDICT_LABELS } from '@relayprobe/contracts';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { startProbeFromForm } from './support/probe-form.js';
import { expectStatus, transcriptLog } from './support/result-page.js';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 812 };

/** Saves a full-page screenshot under the test's output directory and attaches it to the report. */
async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** How far the document is wider than the viewport (0 when it fits). */
const horizontalOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('result page screenshots: running and finished, 1280 px and 375 px', async ({ page, targets }, testInfo) => {
  const target = await targets.profile('postfix-closed', { latencyMs: 150 });
  await page.setViewportSize(DESKTOP);
  await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'standard' });
  await expectStatus(page, 'Running');
  await expect(transcriptLog(page)).toContainText('ESMTP Postfix');
  await shoot(page, testInfo, 'running-desktop');
  await page.setViewportSize(PHONE);
  await shoot(page, testInfo, 'running-375');
  expect(await horizontalOverflow(page), 'page wider than a 375 px screen while running').toBeLessThanOrEqual(0);

  await expectStatus(page, VERDICT_LABELS.closed);
  await shoot(page, testInfo, 'finished-375');
  expect(await horizontalOverflow(page), 'page wider than a 375 px screen when finished').toBeLessThanOrEqual(0);
  await page.setViewportSize(DESKTOP);
  await shoot(page, testInfo, 'finished-desktop');
});
