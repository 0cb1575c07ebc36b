// Screenshots of the result page, running and finished, at desktop width and at 375 px (a phone),
// each in the light and the dark colour scheme, saved as test artifacts; at 375 px nothing may
// push the page wider than the screen.
import { VERDICT_LABELS } from '@relayprobe/contracts';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { startProbeFromForm } from './support/probe-form.js';
import { expectStatus, transcriptLog } from './support/result-page.js';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 812 };

const SCHEMES = ['light', 'dark'] as const;

/** Saves a full-page screenshot in each colour scheme (`<name>-light`, `<name>-dark`) under the test's output directory, attached to the report. */
async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const backgrounds = new Set<string>();
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    backgrounds.add(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
    const shot = `${name}-${colorScheme}`;
    const path = testInfo.outputPath(`${shot}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(shot, { path, contentType: 'image/png' });
  }
  expect(backgrounds.size, `${name}: the dark screenshot really is in another scheme`).toBe(SCHEMES.length);
  await page.emulateMedia({ colorScheme: 'light' });
}

/** How far the document is wider than the viewport (0 when it fits). */
const horizontalOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('result page screenshots: running and finished, 1280 px and 375 px, light and dark', async ({ page, targets }, testInfo) => {
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
