// Keyboard only: a person who never touches a mouse can start a probe and reach its result.
import { VERDICT_LABELS } from '@relayprobe/contracts';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { RESULT_PATH } from './support/probe-form.js';
import { expectStatus } from './support/result-page.js';

/** Presses Tab until `target` has focus (at most `limit` presses). */
async function tabTo(page: Page, target: Locator, limit = 25): Promise<void> {
  for (let presses = 0; presses < limit; presses++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target, `reachable with Tab within ${limit} presses`).toBeFocused();
}

test('Tab to "Mail server", type, Tab to "Test", Enter: the result page', async ({ page, targets }) => {
  const target = await targets.profile('postfix-closed');
  await page.goto('/');
  await tabTo(page, page.getByLabel('Mail server', { exact: true }));
  await page.keyboard.type('127.0.0.1');
  // The fake server is not on port 25: the port is typed too.
  await tabTo(page, page.getByLabel('Port', { exact: true }));
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(String(target.port));
  await tabTo(page, page.getByRole('button', { name: 'Test', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(RESULT_PATH);
  await expectStatus(page, VERDICT_LABELS.closed);
});
