// The result page for phones, keyboards and screen readers (issue 13, "The page"): the Evidence
// table fits a 375 px screen with every row's id, outcome and reply and keeps its table semantics
// (the accessibility tree is the same at 1280 and 375 px); vector names are text; Evidence,
// Transcript, Timeline and Session are headings; after "Test" the focus is on the result's heading
// and the transcript is one tab stop whatever its number of status codes; an unreachable server's
// result has no empty Evidence and Timeline; the transcript's group headings do not repeat their
// first line; session facts are words; a 454 refusal says it was temporary.
import { VERDICT_LABELS } from '@relayprobe/contracts';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { RESULT_PATH, fillProbeForm } from './support/probe-form.js';
import { evidenceRow, evidenceTable, expectStatus, finishedResult, transcriptLog } from './support/result-page.js';
import { DESKTOP, PHONE, horizontalOverflow, inEachLayout, shootSchemes } from './support/layouts.js';

/** The result page's main parts as a screen reader meets them; the same at every width. */
const RESULT_PAGE_TREE = `
- main:
  - region /^127\\.0\\.0\\.1 port \\d+, standard suite, TLS auto$/:
    - heading /^127\\.0\\.0\\.1 port/ [level=1]
  - region "Evidence":
    - heading "Evidence" [level=2]
    - table "Evidence":
      - rowgroup:
        - row "ID MAIL FROM RCPT TO Reply Outcome":
          - columnheader "ID"
          - columnheader "MAIL FROM"
          - columnheader "RCPT TO"
          - columnheader "Reply"
          - columnheader "Outcome"
      - rowgroup:
        - row /^R01 plain third-party relay /:
          - rowheader "R01 plain third-party relay"
          - cell /^<.+>$/
          - cell /^<.+>$/
          - cell /^454 4\\.7\\.1 /
          - 'cell "refused: relaying denied (temporary: 454)"'
  - region "Transcript":
    - heading "Transcript" [level=2]
    - log "Transcript":
      - group "Greeting":
        - heading "Greeting" [level=3]
      - group "R01 plain third-party relay":
        - heading "R01 plain third-party relay" [level=3]
  - region "Timeline":
    - heading "Timeline" [level=2]
    - list "Legend"
    - list "Timeline"
  - region "Session":
    - heading "Session" [level=2]
`;

/** Right edges (px) of a row's header, reply and outcome cells. */
const rightEdges = (row: Locator) => row.evaluate((tr) => [...tr.querySelectorAll('th, td.reply, td.outcome-cell')].map((cell) => cell.getBoundingClientRect().right));

test('Evidence fits a phone and keeps its table semantics; headings, words and the 454 as temporary', async ({ page, request, targets }, testInfo) => {
  // Postfix's default: relaying refused with a temporary 454 4.7.1.
  const target = await targets.profile('postfix-default');
  await page.goto('/');
  await fillProbeForm(page, { target: '127.0.0.1', port: target.port, suite: 'standard' });
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(page).toHaveURL(RESULT_PATH);
  await expectStatus(page, VERDICT_LABELS.closed);
  const result = await finishedResult(request, new URL(page.url()).pathname.split('/').at(-1) ?? '');

  // Vector names are text in each row's header, not a tooltip.
  for (const vector of result.vectors) await expect(evidenceTable(page).getByRole('rowheader', { name: `${vector.key} ${vector.name}`, exact: true })).toBeVisible();
  await expect(evidenceRow(page, 'R01').locator('.outcome')).toHaveText('refused: relaying denied (temporary: 454)');

  // Session facts in words; no engine code.
  const session = page.getByRole('heading', { name: 'Session', exact: true }).locator('xpath=..');
  await expect(session).toContainText(`127.0.0.1 port ${target.port}: the tests ran here`);
  await expect(page.getByText('smtp-session')).toHaveCount(0);

  // No group heading of the transcript repeats the line beneath it.
  const pairs = await transcriptLog(page).evaluate((log) => [...log.querySelectorAll('h3')].map((h) => [h.textContent ?? '', h.nextElementSibling?.textContent ?? ''] as const));
  expect(pairs.length).toBeGreaterThan(5);
  const bare = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
  for (const [heading, beneath] of pairs) expect(bare(beneath).startsWith(bare(heading)), `"${heading}" over "${beneath}"`).toBe(false);

  await inEachLayout(page, testInfo, 'evidence', async (layout) => {
    const main = page.getByRole('main');
    await expect(main).toMatchAriaSnapshot(RESULT_PAGE_TREE);
    expect(await horizontalOverflow(page), `${layout.name}: nothing wider than the screen`).toBeLessThanOrEqual(0);
    const table = evidenceTable(page);
    expect(await table.evaluate((el) => el.scrollWidth <= el.clientWidth + 1), `${layout.name}: the table needs no sideways scrolling`).toBe(true);
    for (const vector of result.vectors) {
      const row = evidenceRow(page, vector.key);
      // Id, reply and outcome are all on screen: no cell ends past the right edge.
      for (const right of await rightEdges(row)) expect(right, `${layout.name}: ${vector.key}`).toBeLessThanOrEqual(layout.viewport.width);
      await expect(row.locator('.outcome')).toBeVisible();
    }
  });
});

/** Presses Tab until focus leaves the page's main region; returns what each stop was ("button Copy link", "log Transcript"). */
async function tabStops(page: Page, limit = 30): Promise<string[]> {
  const stops: string[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body || !el.closest('main')) return undefined;
      return `${el.getAttribute('role') ?? el.tagName.toLowerCase()} ${el.getAttribute('aria-label') ?? (el.textContent ?? '').trim()}`;
    });
    if (stop === undefined) return stops;
    stops.push(stop);
  }
  throw new Error(`focus still in the page after ${limit} presses: ${stops.join(', ')}`);
}

for (const viewport of [DESKTOP, PHONE]) {
  test(`${viewport.width} px: after "Test" the result's heading has the focus; the transcript is one tab stop`, async ({ page, targets }, testInfo) => {
    const target = await targets.profile('postfix-closed');
    await page.setViewportSize(viewport);
    await page.goto('/');
    await fillProbeForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick' });
    await page.getByRole('button', { name: 'Test', exact: true }).focus();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(RESULT_PATH);
    const heading = page.getByRole('heading', { level: 1 });
    await expect(heading).toContainText('127.0.0.1');
    await expect(heading).toBeFocused();
    await expectStatus(page, VERDICT_LABELS.closed);

    // Several enhanced codes in the transcript, and still one stop for all of it.
    expect(await transcriptLog(page).locator('abbr').count()).toBeGreaterThan(3);
    await heading.focus();
    expect(await tabStops(page)).toEqual([
      'button Copy link',
      'button Run again',
      'button Download JSON',
      'button Copy transcript',
      'button Copy as command',
      'button Watch this server',
      'log Transcript',
    ]);
    await shootSchemes(page, testInfo, `tab-stops-${viewport.width}`);
  });
}

test('an unreachable server: no empty Evidence or Timeline, the transcript and the session in words', async ({ page, targets }, testInfo) => {
  const port = await targets.closedPort();
  await page.goto('/');
  await fillProbeForm(page, { target: '127.0.0.1', port, suite: 'quick' });
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  await expectStatus(page, VERDICT_LABELS.unreachable);
  await inEachLayout(page, testInfo, 'unreachable', async () => {
    await expect(page.getByRole('heading', { name: 'Transcript', exact: true })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Session', exact: true })).toBeVisible();
    await expect(page.getByText(`127.0.0.1 port ${port}: connection refused (nothing listens on that port)`)).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Evidence', exact: true })).toHaveCount(0);
    await expect(page.getByRole('heading', { name: 'Timeline', exact: true })).toHaveCount(0);
  });
});
