// The running state and the timeline, on one probe of a server that holds its greeting until the
// test lets it go (a tarpit on demand): while it runs, an elapsed timer counts and the page says it
// is connected (not "Connecting…") once the connection is open; when it is done, the timeline has
// a legend, a time axis, the slow greeting as a wait, pipelined commands as one round trip, the
// accepted relay attempts marked, and no scroll box of its own. The greeting is let go when the
// page's own timer shows 0:02, a state of the page, so the wait is long enough to count as one.
import { VERDICT_LABELS } from '@relayprobe/contracts';
import type { Locator } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { startProbeFromForm } from './support/probe-form.js';
import { expectStatus } from './support/result-page.js';
import { horizontalOverflow, inEachLayout } from './support/layouts.js';

const clockSeconds = (text: string) => {
  const m = /(\d+):(\d\d)/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : -1;
};

/** The timeline's rows whose text matches. */
const rows = (timeline: Locator, text: RegExp | string) => timeline.getByRole('listitem').filter({ hasText: text });

test('running: an elapsed timer and "connected" once connected; done: a timeline that tells what happened', async ({ page, targets }, testInfo) => {
  let letGreet: () => void = () => undefined;
  const greeting = new Promise<void>((resolve) => (letGreet = resolve));
  const target = await targets.profile('open-relay', { greetAfter: greeting });
  // No TLS: with --tls auto a silent server would get a check for implicit TLS on a second connection.
  await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick', tls: 'none' });
  await expectStatus(page, 'Running');

  const elapsed = page.getByRole('timer', { name: 'Elapsed time' });
  await expect(page.getByText(/^Connected; reading the greeting/)).toBeVisible();
  await expect(page.getByText('Connecting to the mail server…')).toHaveCount(0);
  const firstShown = clockSeconds(await elapsed.innerText());
  await expect.poll(async () => clockSeconds(await elapsed.innerText()), { message: 'the elapsed timer counts' }).toBeGreaterThan(firstShown);
  await inEachLayout(page, testInfo, 'running-held-greeting', async () => {
    await expect(elapsed).toBeVisible();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  });
  await expect.poll(async () => clockSeconds(await elapsed.innerText())).toBeGreaterThanOrEqual(2);
  letGreet();

  await expectStatus(page, VERDICT_LABELS.open);
  await expect(elapsed).toHaveCount(0);
  await expect(page.getByText(/· took \d+(\.\d)? s/)).toBeVisible();

  const timeline = page.getByRole('list', { name: 'Timeline', exact: true });
  const legend = page.getByRole('list', { name: 'Legend', exact: true });
  for (const words of ['one bar per round trip (pipelined commands share one)', 'Refused', 'Relay accepted', 'Wait: greylist retry, very slow reply (tarpit?), timeout']) {
    await expect(legend.getByRole('listitem').filter({ hasText: words })).toHaveCount(1);
  }
  // The held greeting is a wait; R01's RSET, MAIL FROM and RCPT TO went in one round trip and were accepted.
  await expect(rows(timeline, /^\s*Greeting/)).toContainText('slow reply (tarpit?)');
  const r01 = rows(timeline, /R01\s*RSET \+ MAIL FROM \+ RCPT TO:/);
  await expect(r01).toHaveCount(1);
  await expect(r01).toContainText(/relay accepted · 3 pipelined · 250 250 250/);
  // Controls are accepted too, but they are no relay: not marked.
  await expect(rows(timeline, /^\s*C\d/).filter({ hasText: 'relay accepted' })).toHaveCount(0);

  await inEachLayout(page, testInfo, 'timeline', async (layout) => {
    await timeline.scrollIntoViewIfNeeded();
    // A time axis with round ticks, starting at 0.
    const ticks = page.locator('.axis-tick');
    await expect(ticks.first()).toHaveText('0');
    await expect(ticks.filter({ hasText: /^\d+ s$/ }).first()).toBeVisible();
    // No scroll box of its own: the list is as tall as its rows.
    expect(await timeline.evaluate((el) => [getComputedStyle(el).overflowY, el.scrollHeight <= el.clientHeight + 1])).toEqual(['visible', true]);
    await expect(r01.locator('.bar-accepted')).toBeVisible();
    await expect(rows(timeline, /^\s*Greeting/).locator('.bar-wait')).toBeVisible();
    expect(await horizontalOverflow(page), `${layout.name}: nothing wider than the screen`).toBeLessThanOrEqual(0);
  });
});
