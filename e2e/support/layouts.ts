// The widths and colour schemes the result page is checked in (issue 13: 1280 px and 375 px,
// light and dark), and screenshots of each saved under the test's output directory in
// test-results/ (git-ignored) and attached to the report.
import type { Page, TestInfo } from '@playwright/test';
import { expect } from '@playwright/test';

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 375, height: 812 };
const WIDTHS = [DESKTOP, PHONE] as const;
export const SCHEMES = ['light', 'dark'] as const;

/** One width and one colour scheme. */
export interface Layout {
  viewport: { width: number; height: number };
  scheme: (typeof SCHEMES)[number];
  /** "1280-light", "375-dark": the suffix of its screenshot. */
  name: string;
}

/** Saves a full-page screenshot as `<shot>.png` in the test's output directory and attaches it. */
async function saveScreenshot(page: Page, testInfo: TestInfo, shot: string): Promise<void> {
  const path = testInfo.outputPath(`${shot}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(shot, { path, contentType: 'image/png' });
}

/**
 * Saves a full-page screenshot in each colour scheme (`<name>-light`, `<name>-dark`) at the
 * current width, checking that the dark one really is in another scheme; ends in light.
 */
export async function shootSchemes(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const backgrounds = new Set<string>();
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    backgrounds.add(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
    await saveScreenshot(page, testInfo, `${name}-${colorScheme}`);
  }
  expect(backgrounds.size, `${name}: the dark screenshot really is in another scheme`).toBe(SCHEMES.length);
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * Runs `check` on the page as it is, at 1280 px and 375 px, each in light and dark, and saves a
 * screenshot of each (`<name>-1280-light.png`, ...). Ends at 1280 px in light.
 */
export async function inEachLayout(page: Page, testInfo: TestInfo, name: string, check: (layout: Layout) => Promise<void>): Promise<void> {
  for (const viewport of WIDTHS) {
    await page.setViewportSize(viewport);
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      const layout = { viewport, scheme, name: `${viewport.width}-${scheme}` };
      await check(layout);
      await saveScreenshot(page, testInfo, `${name}-${layout.name}`);
    }
  }
  await page.setViewportSize(DESKTOP);
  await page.emulateMedia({ colorScheme: 'light' });
}

/** How far the document is wider than the viewport (0 when it fits). */
export const horizontalOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
