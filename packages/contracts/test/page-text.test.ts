// Result page titles (page-text.ts): the server's link preview and the page's document.title are
// one function, so they agree; the title names the port and the UTC day of the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { durationText, resultPageTitle, targetWithPort, utcDayText } from '../src/index.js';

const STARTED = '2026-12-03T23:30:00.000Z';

test('the title names the verdict, the target with its port, and the day', () => {
  assert.equal(resultPageTitle({ target: 'mx.example.com', port: 25, status: 'complete', verdict: 'closed', startedAt: STARTED }), 'Not an open relay: mx.example.com:25 · 3 Dec 2026');
  assert.equal(resultPageTitle({ target: 'mx.example.com', port: 587, status: 'running', startedAt: STARTED }), 'Testing mx.example.com:587 for open relay… · 3 Dec 2026');
  assert.equal(resultPageTitle({ target: 'mx.example.com', port: 25, status: 'interrupted', startedAt: STARTED }), 'mx.example.com:25: test interrupted · 3 Dec 2026');
  assert.equal(
    resultPageTitle({ target: 'mx.example.com', port: 25, status: 'complete', verdict: 'open', startedAt: 'yesterday' }),
    'Open relay: mx.example.com:25',
    'no day when the time is unreadable',
  );
});

test('IPv6 literals get brackets before the port, as in a URL', () => {
  assert.equal(targetWithPort('2001:db8::1', 25), '[2001:db8::1]:25');
  assert.equal(targetWithPort('[2001:db8::1]', 25), '[2001:db8::1]:25');
  assert.equal(targetWithPort('192.0.2.1', 465), '192.0.2.1:465');
  assert.equal(targetWithPort('postmaster@example.com', 25), 'postmaster@example.com:25');
});

test('the day is the UTC day, whatever the zone of the machine', () => {
  assert.equal(utcDayText(STARTED), '3 Dec 2026');
  assert.equal(utcDayText('2027-01-01T00:00:00+01:00'), '31 Dec 2026');
  assert.equal(utcDayText('not a time'), undefined);
});

test('durations read as people say them', () => {
  assert.deepEqual([0, 850, 1000, 4249, 9999, 12_400, 60_000, 365_000].map(durationText), ['0 ms', '850 ms', '1.0 s', '4.2 s', '9.9 s', '12 s', '1 min', '6 min 5 s']);
});
