// A result link is the product's unit of sharing: "Copy link" gives the address, and a colleague
// opening it in a browser that never saw the probe sees the same verdict and transcript.
import { VERDICT_LABELS } from '@relayprobe/contracts';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { startProbeFromForm } from './support/probe-form.js';
import { expectStatus, expectTranscriptOf, finishedResult, transcriptText, verdictStatus } from './support/result-page.js';

/** The clipboard's text, or undefined when headless Chromium will not give it. */
async function readClipboard(page: Page): Promise<string | undefined> {
  return page.evaluate(() => navigator.clipboard.readText()).catch(() => undefined);
}

test('"Copy link" then a fresh browser context shows the same verdict and transcript', async ({ page, context, browser, request, targets }, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const target = await targets.profile('open-relay');
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick' });
  await expectStatus(page, VERDICT_LABELS.open);
  const result = await finishedResult(request, id);

  await page.getByRole('button', { name: 'Copy link', exact: true }).click();
  const copied = await readClipboard(page);
  if (copied === undefined) testInfo.annotations.push({ type: 'note', description: 'clipboard unreadable headless; used the address bar' });
  const link = copied ?? page.url();
  // An absolute link to this result: pasted into a chat it must work as it is.
  expect(link).toBe(`${new URL(page.url()).origin}/r/${id}`);
  const transcript = await transcriptText(page);
  expectTranscriptOf(transcript, result);

  const fresh = await browser.newContext();
  try {
    const colleague = await fresh.newPage();
    await colleague.goto(link);
    await expectStatus(colleague, VERDICT_LABELS.open);
    await expect(verdictStatus(colleague)).toContainText(result.verdict?.summary ?? '');
    await expect.poll(() => transcriptText(colleague)).toBe(transcript);
  } finally {
    await fresh.close();
  }
});
