// Results in time (issue 13): the result page says when the test ran (a <time> with the exact
// instant, the reader's local time with its zone, "… ago"), how long it took and on which port;
// the page title names the port and the day, as the link preview does; a result older than
// RELAYPROBE_OLD_RESULT_DAYS (30 by default) says so and puts "Run again" first. The browser's
// clock is moved with Playwright's clock (page.clock.setFixedTime), never waited for.
import { VERDICT_LABELS, durationText, resultPageTitle, type ResultDocument } from '@relayprobe/contracts';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { RESULT_PATH, idFromUrl, startProbeFromForm } from './support/probe-form.js';
import { expectStatus, finishedResult } from './support/result-page.js';
import { inEachLayout } from './support/layouts.js';

const ZONE = 'Europe/Berlin';
const DAY_MS = 86_400_000;
test.use({ timezoneId: ZONE, locale: 'en-GB' });

/** "14:05" of `iso` in ZONE. */
const hourMinute = (iso: string) => new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: ZONE }).format(new Date(iso));

/** The line under the heading: "Tested <time>…</time> (… ago) · took …". */
const whenLine = (page: Page) => page.locator('.result-when');

/** Opens the finished result `id` in a new page whose clock says `ageMs` after it started. */
async function openAged(page: Page, result: ResultDocument, ageMs: number): Promise<Page> {
  const reader = await page.context().newPage();
  await reader.clock.setFixedTime(Date.parse(result.startedAt) + ageMs);
  await reader.goto(`/r/${result.id}`);
  await expectStatus(reader, VERDICT_LABELS.closed);
  return reader;
}

test('date and local time with the zone, how long ago, the duration and the port; the title names the port and the day', async ({ page, request, targets }, testInfo) => {
  const target = await targets.profile('postfix-closed');
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick' });
  await expectStatus(page, VERDICT_LABELS.closed);
  const result = await finishedResult(request, id);

  // The exact instant. (A page that followed the probe read the running document, whose startedAt
  // is when the probe was accepted; the finished one has when it began to run, a moment later.)
  const time = whenLine(page).locator('time');
  await expect(time).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  expect(Math.abs(Date.parse((await time.getAttribute('datetime')) ?? '') - Date.parse(result.startedAt))).toBeLessThan(1000);
  await expect(time).toHaveText(new RegExp(`^\\d{1,2} [A-Z][a-z]{2} \\d{4}, ${hourMinute(result.startedAt)} (CET|CEST|GMT\\+[12])$`));
  await expect(whenLine(page)).toContainText('(just now)');
  // A page that followed the probe to its end shows the time of its last event; a reader, the document's duration.
  await expect(whenLine(page)).toContainText(/· took \d+ ms|· took \d\.\d s/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`port ${target.port}`);
  await expect(page).toHaveTitle(resultPageTitle({ target: '127.0.0.1', port: target.port, status: 'complete', verdict: 'closed', startedAt: result.startedAt }));
  expect(await page.title()).toContain(`127.0.0.1:${target.port} · `);

  // Three hours later, a reader sees "3 hours ago" and the document's own duration.
  const reader = await openAged(page, result, 3 * 3_600_000 + 60_000);
  await expect(whenLine(reader)).toContainText(`(3 hours ago) · took ${durationText(result.durationMs ?? -1)}`);
  await inEachLayout(reader, testInfo, 'result-when', async () => {
    await expect(whenLine(reader)).toBeVisible();
    const box = await whenLine(reader).boundingBox();
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(reader.viewportSize()?.width ?? 0);
  });
});

test('a result older than 30 days says how old it is and puts "Run again" first; a younger one does not', async ({ page, request, targets }, testInfo) => {
  const target = await targets.profile('postfix-closed');
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick' });
  await expectStatus(page, VERDICT_LABELS.closed);
  const result = await finishedResult(request, id);

  const young = await openAged(page, result, 29 * DAY_MS + 3_600_000);
  await expect(whenLine(young)).toContainText('(29 days ago)');
  await expect(young.getByText(/This result is \d+ days old/)).toHaveCount(0);
  await expect(young.getByRole('button', { name: 'Run again', exact: true })).toHaveCount(1);
  await young.close();

  const old = await openAged(page, result, 31 * DAY_MS + 3_600_000);
  const notice = old.getByText('This result is 31 days old.');
  const runAgain = old.getByRole('button', { name: 'Run again', exact: true });
  await expect(notice).toBeVisible();
  // One "Run again", in the notice, as the page's primary button, above the verdict.
  await expect(runAgain).toHaveCount(1);
  await expect(runAgain).toHaveClass(/primary/);
  await inEachLayout(old, testInfo, 'old-result', async () => {
    await old.evaluate(() => window.scrollTo(0, 0));
    await expect(runAgain).toBeInViewport();
    const [button, verdict] = await Promise.all([runAgain.boundingBox(), old.getByRole('status').first().boundingBox()]);
    expect(button?.y ?? Infinity, '"Run again" comes before the verdict').toBeLessThan(verdict?.y ?? 0);
  });

  // "Run again" starts the same request; the new result's heading has the focus.
  await runAgain.click();
  await expect(old).toHaveURL((url) => RESULT_PATH.test(url.pathname) && idFromUrl(url.href) !== id);
  await expect(old.getByRole('heading', { level: 1 })).toBeFocused();
  expect((await finishedResult(request, idFromUrl(old.url()))).request).toEqual(result.request);
});
