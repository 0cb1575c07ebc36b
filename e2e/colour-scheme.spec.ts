// Light and dark (prefers-color-scheme): a smoke check that the finished result page is legible
// in both: the page background follows the scheme, and text contrasts strongly with what it sits on.
import { VERDICT_LABELS } from '@relayprobe/contracts';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { startProbeFromForm } from './support/probe-form.js';
import { expectStatus, transcriptLog, verdictStatus } from './support/result-page.js';
import { contrastRatio, luminance, textColours } from './support/colours.js';

/** WCAG AA for body text. */
const MIN_CONTRAST = 4.5;

function legibleParts(page: Page): [string, Locator][] {
  return [
    ['verdict status', verdictStatus(page)],
    ['transcript', transcriptLog(page)],
    ['Session heading', page.getByRole('heading', { name: 'Session', exact: true })],
    ['Evidence heading', page.getByRole('heading', { name: 'Evidence', exact: true })],
  ];
}

for (const scheme of ['dark', 'light'] as const) {
  test.describe(`${scheme} colour scheme`, () => {
    test.use({ colorScheme: scheme });

    test(`the result page is legible in ${scheme} mode`, async ({ page, targets }, testInfo) => {
      const target = await targets.profile('open-relay');
      await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick' });
      await expectStatus(page, VERDICT_LABELS.open);

      const body = await textColours(page.locator('body'));
      const backgroundLuminance = luminance(body.background);
      if (scheme === 'dark') expect(backgroundLuminance, 'dark page background').toBeLessThan(0.1);
      else expect(backgroundLuminance, 'light page background').toBeGreaterThan(0.6);

      for (const [what, part] of legibleParts(page)) {
        const { foreground, background } = await textColours(part);
        expect(contrastRatio(foreground, background), `${what}: text ${foreground} on ${background}`).toBeGreaterThanOrEqual(MIN_CONTRAST);
      }
      const path = testInfo.outputPath(`finished-${scheme}.png`);
      await page.screenshot({ path, fullPage: true });
      await testInfo.attach(`finished-${scheme}`, { path, contentType: 'image/png' });
    });
  });
}
