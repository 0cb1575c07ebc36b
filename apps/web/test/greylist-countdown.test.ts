// The greylist countdown without a clock: the seconds left and how they read (retry-countdown.ts),
// the retry time the store derives from the document's startedAt and the latest greylist-wait
// event (result-state.ts greylistRetryAt), and the live stream accepting the event's waitMs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProbeEvent } from '@relayprobe/contracts';
import { clockText, msUntilNextSecond, secondsLeft } from '../src/features/result/verdict/retry-countdown.js';
import { applyDocument, applyDone, emptyResult, greylistRetryAt, mergeEvents } from '../src/store/result-state.js';
import { isProbeEvent, parseServerMessage } from '../src/live/server-messages.js';
import { EventLog, command, documentOf, info, reply, vectorStart } from './helpers/events.js';

const STARTED = '2026-01-01T00:00:00.000Z';
const START_MS = Date.parse(STARTED);
const WAIT_MS = 272_000;
const WAIT_TEXT = 'The server greylisted 1 test (450 4.7.1 Greylisted). Waiting 272 s, then running it again with the same addresses (--greylist-wait).';

/** A quick suite greylisted at R01, up to the wait (and, with `retried`, the reconnect after it). */
function greylistedTranscript(retried = false): ProbeEvent[] {
  const log = new EventLog();
  log.add(info('connecting', 'Trying 192.0.2.1:25...'));
  log.add(reply(['220 mx.example.com ESMTP'], { phase: 'greeting' }));
  log.add(vectorStart('R01', 'plain third-party relay', 1, 1));
  log.add(command('RCPT TO:<r@example.com>', 'vector', 'R01'));
  log.add(reply(['450 4.7.1 Greylisted'], { vector: 'R01', enhanced: '4.7.1' }));
  log.add({ type: 'info', phase: 'vector', code: 'greylist-wait', text: WAIT_TEXT, waitMs: WAIT_MS });
  log.add(command('QUIT', 'quit'));
  if (retried) log.add(info('connecting', 'Trying 192.0.2.1:25...'));
  return log.events;
}

test('seconds left are whole seconds, rounded up, never below 0', () => {
  assert.equal(secondsLeft(10_000, 0), 10);
  assert.equal(secondsLeft(10_000, 1), 10);
  assert.equal(secondsLeft(10_000, 999), 10);
  assert.equal(secondsLeft(10_000, 1000), 9);
  assert.equal(secondsLeft(10_000, 9_999), 1);
  assert.equal(secondsLeft(10_000, 10_000), 0);
  assert.equal(secondsLeft(10_000, 99_000), 0, 'a page opened after the retry shows nothing');
});

test('the clock reads m:ss, and h:mm:ss past an hour', () => {
  assert.equal(clockText(272), '4:32');
  assert.equal(clockText(7), '0:07');
  assert.equal(clockText(60), '1:00');
  assert.equal(clockText(0), '0:00');
  assert.equal(clockText(3723), '1:02:03');
});

test('the timer wakes when the shown second changes, and stops once the wait is over', () => {
  assert.equal(msUntilNextSecond(10_000, 0), 1000);
  assert.equal(msUntilNextSecond(10_000, 250), 750);
  assert.equal(msUntilNextSecond(10_000, 9_999), 1);
  assert.equal(msUntilNextSecond(10_000, 10_000), undefined);
  assert.equal(msUntilNextSecond(10_000, 12_000), undefined);
  // Waking then shows the next number.
  const now = 250;
  assert.equal(secondsLeft(10_000, now + (msUntilNextSecond(10_000, now) ?? 0)), secondsLeft(10_000, now) - 1);
});

test("the retry time is the document's startedAt plus the event's ms and waitMs", () => {
  const events = greylistedTranscript();
  const wait = events.find((e) => e.type === 'info' && e.code === 'greylist-wait');
  assert.ok(wait);
  const state = applyDocument(emptyResult('a'), documentOf('a', events, 'running', { startedAt: STARTED }));
  assert.equal(state.view.greylistRetryMs, wait.ms + WAIT_MS);
  assert.equal(greylistRetryAt(state), START_MS + wait.ms + WAIT_MS);
  assert.equal(secondsLeft(greylistRetryAt(state) ?? 0, START_MS + wait.ms), 272);
});

test('no countdown before the start time is known, after the probe finished, or once it reconnected', () => {
  const events = greylistedTranscript();
  // Live events before the document: no startedAt yet.
  assert.equal(greylistRetryAt({ ...mergeEvents(emptyResult('a'), events), status: 'running' }), undefined);
  const running = applyDocument(emptyResult('a'), documentOf('a', events, 'running', { startedAt: STARTED }));
  assert.notEqual(greylistRetryAt(running), undefined);
  assert.equal(greylistRetryAt(applyDone(running, { status: 'complete', verdict: { code: 'inconclusive', label: 'Inconclusive' } })), undefined);
  assert.equal(greylistRetryAt(applyDone(running, { status: 'interrupted' })), undefined);
  const reconnected = mergeEvents(running, greylistedTranscript(true));
  assert.equal(reconnected.view.greylistRetryMs, undefined, 'the retry connection ends the wait');
  assert.equal(greylistRetryAt(reconnected), undefined);
  assert.equal(greylistRetryAt({ ...running, startedAt: 'not a date' }), undefined);
});

test('an info event without waitMs, or of another code, starts no countdown', () => {
  const log = new EventLog();
  log.add({ type: 'info', phase: 'vector', code: 'greylist-wait', text: WAIT_TEXT });
  log.add({ type: 'info', phase: 'vector', code: 'something-else', text: 'x', waitMs: 5000 });
  const state = applyDocument(emptyResult('a'), documentOf('a', log.events, 'running', { startedAt: STARTED }));
  assert.equal(greylistRetryAt(state), undefined);
});

test('the latest greylist-wait event decides', () => {
  const log = new EventLog();
  log.add({ type: 'info', phase: 'vector', code: 'greylist-wait', text: WAIT_TEXT, waitMs: 1000 });
  log.add({ type: 'info', phase: 'vector', code: 'greylist-wait', text: WAIT_TEXT, waitMs: 9000 });
  const state = applyDocument(emptyResult('a'), documentOf('a', log.events, 'running', { startedAt: STARTED }));
  assert.equal(state.view.greylistRetryMs, (log.events[1]?.ms ?? 0) + 9000);
});

test('the live stream accepts waitMs on an info event, and refuses a malformed one', () => {
  const wait = greylistedTranscript().find((e) => e.type === 'info' && e.code === 'greylist-wait');
  assert.ok(wait);
  assert.ok(isProbeEvent(wait));
  assert.deepEqual(parseServerMessage(JSON.stringify({ type: 'event', seq: wait.seq, event: wait })), { type: 'event', seq: wait.seq, event: wait });
  for (const waitMs of ['272000', -1, 1.5, null]) {
    const message = parseServerMessage(JSON.stringify({ type: 'event', seq: wait.seq, event: { ...wait, waitMs } }));
    assert.ok(message?.type === 'event');
    assert.equal(message.event.type === 'info' && message.event.code, 'unreadable-event', String(waitMs));
  }
});
