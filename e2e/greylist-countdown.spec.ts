// While the probe waits for a greylister, the page counts down to the retry ("Greylisted: the
// server asked us to come back later. Retrying in 0:03…"), and the line goes once the wait is over.
// The run's servers turn the retry off (RELAYPROBE_GREYLIST_WAIT=0, support/servers.ts), so this
// spec starts a server of its own with a 4 s wait: the testkit's greylister announces no delay, so
// the probe waits exactly that long, then retries (and is deferred again: "Inconclusive"). Only this
// spec pays the 4 s; it waits for states (the clock showing one second less, the line gone), never
// for fixed times.
import { VERDICT_LABELS } from '@relayprobe/contracts';
import { expect } from './support/fixtures.js';
import { testWithOwnServer } from './support/own-server.js';
import { startProbeFromForm } from './support/probe-form.js';
import { expectStatus, finishedResult, transcriptLog } from './support/result-page.js';
import { inEachLayout } from './support/layouts.js';

/** The retry's wait, in seconds: long enough to watch the clock tick, short enough not to slow the run. */
const GREYLIST_WAIT_S = 4;

// One relayprobe server for this spec, with the greylist retry on.
const test = testWithOwnServer('greylist-wait', { RELAYPROBE_GREYLIST_WAIT: String(GREYLIST_WAIT_S) });

const clockSeconds = (text: string | undefined): number | undefined => {
  const m = text === undefined ? null : /^(\d+):(\d\d)$/.exec(text.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
};

test('a greylisting server: a countdown to the retry that ticks each second and goes when the wait is over', async ({ page, request, targets }, testInfo) => {
  const target = await targets.profile('greylisting');
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick' });

  const countdown = page.getByRole('status').filter({ has: page.getByRole('timer') });
  await expect(countdown).toHaveText(/^\s*Greylisted: the server asked us to come back later\. Retrying in 0:0[1-4]…\s*$/);
  const timer = countdown.getByRole('timer');
  // allTextContents does not wait: undefined once the line is gone.
  const shown = async () => clockSeconds((await timer.allTextContents())[0]);
  const first = await shown();
  expect(first).toBeGreaterThanOrEqual(1);
  expect(first).toBeLessThanOrEqual(GREYLIST_WAIT_S);
  if (first !== undefined && first > 1) await expect.poll(shown, { intervals: [100] }).toBe(first - 1);
  const shot = testInfo.outputPath('greylist-countdown.png');
  await page.screenshot({ path: shot });
  await testInfo.attach('greylist-countdown', { path: shot, contentType: 'image/png' });

  // The wait ends: the line goes (its live region stays, empty), and the retry runs.
  await expect(page.getByText('Greylisted: the server asked us to come back later.')).toHaveCount(0);
  await expectStatus(page, VERDICT_LABELS.inconclusive);
  await expect(page.getByRole('timer')).toHaveCount(0);
  const result = await finishedResult(request, id);
  const wait = result.events.find((e) => e.type === 'info' && e.code === 'greylist-wait');
  expect(wait?.type === 'info' ? wait.waitMs : undefined).toBe(GREYLIST_WAIT_S * 1000);
  await expect(transcriptLog(page)).toContainText(`Waiting ${GREYLIST_WAIT_S} s`);

  // The timeline shows the wait as a bar of its own, from the wait to the reconnect, in words too.
  const waitRow = page.getByRole('list', { name: 'Timeline', exact: true }).getByRole('listitem').filter({ hasText: 'Greylist wait' });
  await expect(waitRow).toHaveCount(1);
  await expect(waitRow).toContainText(/\d(\.\d)? s · until the retry/);
  await inEachLayout(page, testInfo, 'timeline-greylist-wait', async () => {
    await waitRow.scrollIntoViewIfNeeded();
    await expect(waitRow).toBeVisible();
    const bar = await waitRow.locator('.bar-wait').boundingBox();
    expect(bar?.width ?? 0, 'the wait bar has a length').toBeGreaterThan(10);
  });
});
