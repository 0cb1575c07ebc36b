// The timeline (src/features/result/timeline/timeline-rows.ts): rows on a time axis; pipelined
// commands are one round trip; waits (greylist, very slow replies, timeouts) are rows of their own
// kind; accepted relay attempts are marked; the axis has round ticks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProbeEvent } from '@relayprobe/contracts';
import { axisStep, tickText, timeline } from '../src/features/result/timeline/timeline-rows.js';
import { command, info, openRelayTranscript, reply, vectorResult, vectorStart } from './helpers/events.js';

type Body = ReturnType<typeof reply>;

/** Events at the given times (ms since the start), numbered in order. */
const timed = (...items: [number, Body][]): ProbeEvent[] => items.map(([ms, body], i) => ({ ...body, seq: i + 1, ms }) as ProbeEvent);

test('pipelined commands are one round trip; replies are matched to commands in order', () => {
  const { rows } = timeline(openRelayTranscript().events);
  assert.deepEqual(
    rows.map((r) => [r.kind, r.label, r.commands, r.codes.join(' ')]),
    [
      ['connect', 'Connect', 0, ''],
      ['round-trip', 'Greeting', 0, '220'],
      ['round-trip', 'EHLO prober.example.net', 1, '250'],
      ['round-trip', 'MAIL FROM + RCPT TO:<postmaster@mx.example.com>', 2, '250 250'],
      ['round-trip', 'RSET + MAIL FROM + RCPT TO:<r@example.com>', 3, '250 250 250'],
      ['round-trip', 'QUIT', 1, '221'],
    ],
  );
  assert.equal(rows[4]?.vector, 'R01');
});

test("a round trip runs from its first command to its last reply, on the probe's clock", () => {
  const events = timed(
    [100, command('RSET', 'vector', 'R01')],
    [100, command('MAIL FROM:<x@example.com>', 'vector', 'R01')],
    [101, command('RCPT TO:<r@example.com>', 'vector', 'R01')],
    [140, reply(['250 Ok'], { vector: 'R01' })],
    [141, reply(['250 Ok'], { vector: 'R01' })],
    [190, reply(['554 5.7.1 Relay access denied'], { vector: 'R01' })],
    [200, command('RSET', 'vector', 'R02')],
    [230, reply(['250 Ok'], { vector: 'R02' })],
  );
  const { rows } = timeline(events);
  assert.deepEqual(
    rows.map((r) => [r.startMs, r.endMs, r.commands]),
    [
      [100, 190, 3],
      [200, 230, 1],
    ],
  );
});

test("only an accepted relay test's accepted RCPT is marked; controls and refusals are not", () => {
  const { rows } = timeline(openRelayTranscript().events);
  assert.deepEqual(
    rows.filter((r) => r.accepted).map((r) => r.vector),
    ['R01'],
    'C1 (a control) was accepted too, but is no relay',
  );
  const refused = timed(
    [0, vectorStart('R02', 'percent hack', 1, 1)],
    [1, command('RCPT TO:<r%example.com@mx>', 'vector', 'R02')],
    [9, reply(['550 5.7.1 No'], { vector: 'R02' })],
    [10, vectorResult('R02', 'relay-denied')],
  );
  assert.deepEqual(
    timeline(refused).rows.map((r) => r.accepted),
    [false],
  );
});

test("a greylister's wait is a row of its own, until the probe connects again", () => {
  const events = timed(
    [0, command('RCPT TO:<r@example.com>', 'vector', 'R01')],
    [20, reply(['450 4.7.1 Greylisted'], { vector: 'R01' })],
    [30, { type: 'info', phase: 'vector', code: 'greylist-wait', text: 'Waiting 4 s', waitMs: 4000 } as Body],
    [3900, info('connecting', 'Trying 192.0.2.1:25...')],
    [3910, info('connected', 'Connected to 192.0.2.1.')],
  );
  const wait = timeline(events).rows.find((r) => r.kind === 'wait');
  assert.deepEqual([wait?.wait, wait?.label, wait?.startMs, wait?.endMs], ['greylist', 'Greylist wait', 30, 3900]);
  const running = timeline(events.slice(0, 3));
  assert.equal(running.rows.at(-1)?.endMs, 4030, 'while the probe waits, the wait is drawn to its planned end');
  assert.ok(running.totalMs >= 4030);
});

test('a reply far slower than the others is a wait (a tarpit); evenly slow replies are not', () => {
  const tarpit = timed(
    [0, info('connecting', 'Trying 192.0.2.1:25...')],
    [1, info('connected', 'Connected to 192.0.2.1.')],
    [20_001, reply(['220 slow.example.com'], { phase: 'greeting', elapsedMs: 20_000 })],
    [20_002, command('EHLO prober.example.net', 'ehlo')],
    [20_040, reply(['250 slow.example.com'], { phase: 'ehlo' })],
    [20_041, command('QUIT', 'quit')],
    [20_070, reply(['221 Bye'], { phase: 'quit' })],
  );
  assert.deepEqual(
    timeline(tarpit).rows.map((r) => r.wait),
    [undefined, 'tarpit', undefined, undefined],
  );
  const even = timed(
    ...[0, 1, 2, 3].flatMap((i): [number, Body][] => [
      [i * 1600, command(`NOOP ${i}`, 'ehlo')],
      [i * 1600 + 1500, reply(['250 Ok'], { phase: 'ehlo' })],
    ]),
  );
  assert.deepEqual(
    timeline(even).rows.map((r) => r.wait),
    [undefined, undefined, undefined, undefined],
  );
});

test('a reply that never came is a wait ending at the timeout', () => {
  const events = timed([0, command('RCPT TO:<r@example.com>', 'vector', 'R01')], [5000, { type: 'error', phase: 'vector', code: 'reply-timeout', side: 'server', text: 'No reply in 5 s.' } as Body]);
  assert.deepEqual(
    timeline(events).rows.map((r) => [r.kind, r.wait, r.startMs, r.endMs]),
    [['wait', 'timeout', 0, 5000]],
  );
});

test('a new connection forgets commands left unanswered; unasked replies get a row of their own', () => {
  const events = timed(
    [0, command('MAIL FROM:<x@example.com>')],
    [1, info('connecting', 'Trying 192.0.2.1:25...')],
    [2, reply(['220 mx.example.com'], { phase: 'greeting', elapsedMs: 1 })],
    [3, reply(['250 surprise'], { phase: 'ehlo', flags: ['unsolicited'] })],
  );
  assert.deepEqual(
    timeline(events).rows.map((r) => [r.label, r.codes.join()]),
    [
      ['MAIL FROM:<x@example.com>', ''],
      ['Greeting', '220'],
      ['(unasked reply)', '250'],
    ],
  );
});

test('command text is escaped for display', () => {
  const events = timed([0, command('RCPT TO:<r@evil\u202e.example>')], [5, reply(['250 Ok'])]);
  assert.equal(timeline(events).rows[0]?.label, 'RCPT TO:<r@evil\\u202e.example>');
});

test('the axis ends on a round tick and has at most six', () => {
  assert.deepEqual([1, 4, 300, 4300, 12_000, 365_000].map(axisStep), [1, 1, 100, 1000, 5000, 100_000]);
  const { totalMs, ticks } = timeline(timed([0, command('NOOP', 'ehlo')], [4300, reply(['250 Ok'], { phase: 'ehlo' })]));
  assert.equal(totalMs, 5000);
  assert.deepEqual(
    ticks.map((t) => t.label),
    ['0', '1 s', '2 s', '3 s', '4 s', '5 s'],
  );
  assert.deepEqual([0, 500, 1500, 120_000].map(tickText), ['0', '500 ms', '1.5 s', '2 min']);
});

test('no events, no rows', () => {
  assert.deepEqual(timeline([]).rows, []);
});
