// The timeline (src/features/result/timeline/timeline-bars.ts): one bar per reply, labelled with
// the command it answers (in order, as RFC 2920 pipelining requires), as long as it took.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timelineBars } from '../src/features/result/timeline/timeline-bars.js';
import { EventLog, command, info, openRelayTranscript, reply } from './helpers/events.js';

test('pipelined commands are matched to their replies in order', () => {
  const bars = timelineBars(openRelayTranscript().events);
  assert.deepEqual(bars.map((b) => b.label), [
    'greeting', 'EHLO prober.example.net', 'MAIL FROM:<x@example.com>', 'RCPT TO:<postmaster@mx.example.com>',
    'RSET', 'MAIL FROM:<x@example.com>', 'RCPT TO:<r@example.com>', 'QUIT',
  ]);
  assert.deepEqual(bars.map((b) => b.code), [220, 250, 250, 250, 250, 250, 250, 221]);
  assert.equal(bars[6]?.vector, 'R01');
});

test('bar length is the time taken, relative to the slowest reply; a tarpit stands out', () => {
  const log = new EventLog();
  log.add(reply(['220 slow.example.com'], { phase: 'greeting', elapsedMs: 20_000 }));
  log.add(command('EHLO prober.example.net', 'ehlo'));
  log.add(reply(['250 slow.example.com'], { phase: 'ehlo', elapsedMs: 400 }));
  log.add(command('MAIL FROM:<x@example.com>'));
  log.add(reply(['250 Ok'], { elapsedMs: 0 }));
  log.add(command('RCPT TO:<r@example.com>'));
  log.add(reply(['250 Ok'], { elapsedMs: 50 }));
  const bars = timelineBars(log.events);
  assert.equal(bars[0]?.widthPercent, 100);
  assert.equal(bars[1]?.widthPercent, 2);
  assert.equal(bars[2]?.widthPercent, 0.5, 'a 0 ms reply still shows');
  assert.deepEqual(bars.map((b) => b.slow), [true, false, false, false]);
});

test('evenly slow replies are not flagged as slow', () => {
  const log = new EventLog();
  for (let i = 0; i < 4; i += 1) {
    log.add(command(`NOOP ${i}`, 'ehlo'));
    log.add(reply(['250 Ok'], { phase: 'ehlo', elapsedMs: 1500 }));
  }
  assert.deepEqual(timelineBars(log.events).map((b) => b.slow), [false, false, false, false]);
});

test('a new connection forgets commands left unanswered, and unasked replies are labelled so', () => {
  const log = new EventLog();
  log.add(command('MAIL FROM:<x@example.com>'));
  log.add(info('connecting', 'Trying 192.0.2.1:25...'));
  log.add(reply(['220 mx.example.com'], { phase: 'greeting' }));
  log.add(reply(['250 surprise'], { phase: 'ehlo', flags: ['unsolicited'] }));
  log.add(command('EHLO prober.example.net', 'ehlo'));
  log.add(reply(['250 mx.example.com'], { phase: 'ehlo' }));
  log.add(reply(['250 again'], { phase: 'ehlo' }));
  assert.deepEqual(timelineBars(log.events).map((b) => b.label), ['greeting', '(unasked)', 'EHLO prober.example.net', '(unasked)']);
});

test('command text is escaped for display', () => {
  const log = new EventLog();
  log.add(command('RCPT TO:<r@evil\u202e.example>'));
  log.add(reply(['250 Ok']));
  assert.equal(timelineBars(log.events)[0]?.label, 'RCPT TO:<r@evil\\u202e.example>');
});

test('no replies, no bars', () => {
  assert.deepEqual(timelineBars([]), []);
});
