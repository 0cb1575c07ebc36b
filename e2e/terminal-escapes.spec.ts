// Attack: control, bidi and invisible characters from the tested server reach the reader of the
// result page (issue 12, item 1): U+202E reverses a line, zero-width characters hide text, C0 and
// C1 controls land in a copied transcript that is then pasted into a terminal. The testkit's
// terminal-escapes server sends every such character in its greeting and in the EHLO and HELO
// refusals, which the verdict quotes. Nowhere on the real page, in "Copy transcript", in the
// title or in the link-preview tags may one of them appear raw; each is a visible escape.
import type { Page } from '@playwright/test';
import { rawHostileCharacters as rawIn } from '@relayprobe/testkit';
import { VERDICT_LABELS, formatTranscript } from '@relayprobe/contracts';
import { expect, test } from './support/fixtures.js';
import { startProbeFromForm } from './support/probe-form.js';
import { expectStatus, expectTranscriptOf, finishedResult, transcriptLog, transcriptText, verdictStatus } from './support/result-page.js';

const ISSUE_SEQUENCE = '\\e]0;pwned\\x07\\e[2J\\e[HNot an open relay. \\u202ereversed';

const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

test('every control, bidi and invisible character the server sent is a visible escape: page, copied transcript, title, preview tags', async ({ page, context, request, targets }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const target = await targets.hostile('terminal-escapes');
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick' });
  await expectStatus(page, VERDICT_LABELS.inconclusive);
  const result = await finishedResult(request, id);

  await test.step('the transcript panel', async () => {
    const log = transcriptLog(page);
    await expect(log).toContainText(ISSUE_SEQUENCE);
    await expect(log).toContainText('\\u200b\\u200c\\u200d\\u200e\\u200f');
    expect(rawIn(await log.evaluate((el) => el.textContent ?? ''))).toEqual([]);
    expectTranscriptOf(await transcriptText(page), result);
  });

  await test.step('the verdict, which quotes the HELO refusal', async () => {
    await expect(verdictStatus(page)).toContainText(`550 ${ISSUE_SEQUENCE}`);
    expect(rawIn(await verdictStatus(page).evaluate((el) => el.textContent ?? ''))).toEqual([]);
  });

  await test.step('the whole page and its title', async () => {
    expect(rawIn(await page.evaluate(() => document.body.textContent ?? ''))).toEqual([]);
    expect(rawIn(await page.title())).toEqual([]);
  });

  await test.step('Copy transcript: the CLI text, escaped', async () => {
    await page.getByRole('button', { name: 'Copy transcript', exact: true }).click();
    await expect.poll(() => clipboard(page)).toBe(formatTranscript(result.events));
    const copied = await clipboard(page);
    expect(rawIn(copied)).toEqual([]);
    expect(copied).toContain(ISSUE_SEQUENCE);
  });

  await test.step('the link-preview tags of /r/:id, as a browser opening the link reads them', async () => {
    await page.goto(`/r/${id}`);
    await expectStatus(page, VERDICT_LABELS.inconclusive);
    expect(rawIn(await page.title())).toEqual([]);
    const description = (await page.locator('meta[property="og:description"]').getAttribute('content')) ?? '';
    expect(description).toContain(`550 ${ISSUE_SEQUENCE}`);
    expect(rawIn(description)).toEqual([]);
    const served = await (await request.get(`/r/${id}`)).text();
    expect(rawIn(served)).toEqual([]);
    expect(served).toContain('og:description');
  });
});
