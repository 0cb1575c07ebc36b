// Greylisting handled for real (RFC 6647): the greylisted tests are retried once, with the same
// addresses, after the delay the server announced (or the --greylist-wait bound), and the verdict
// names greylisting only when the retry is deferred again. The real greylister (Debian's postgrey
// in front of Postfix) is in packages/mta-lab; these are the engine's rules with a scripted peer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { announcedDelayMs, greylistWaitMs } from '../src/greylist.js';
import { classify, rcptPolicy } from './peer-policies.js';
import { defaultOptions, runAgainst } from './scripted-peer.js';

/**
 * An open relay behind a greylister: a recipient first seen on one connection is deferred there,
 * and let through when it comes back on a later connection (postgrey keys on client, sender and
 * recipient and wants the delay to pass; a later connection stands for "later" here).
 */
function greylistedOpenRelay(text = 'Greylisted for 60 seconds', forever = false) {
  const firstSeen = new Map<string, number>();
  let sender = '';
  return rcptPolicy(
    (kind, path, state) => {
      const triple = `${sender} ${path}`;
      if (!firstSeen.has(triple)) firstSeen.set(triple, state.connection);
      if (forever || firstSeen.get(triple) === state.connection) {
        return `450 4.2.0 ${path}: Recipient address rejected: ${text}`;
      }
      if (kind === 'unknown-local') return `550 5.1.1 ${path}: Recipient address rejected: User unknown in local recipient table`;
      return '250 2.1.5 Ok';
    },
    {
      mail: (path) => {
        sender = path;
        return undefined;
      },
    },
  );
}

const WAIT_BOUND = 360_000;

test('greylisted tests are retried once after the announced delay, and the retry decides the verdict', () => {
  const run = runAgainst(greylistedOpenRelay(), defaultOptions({ greylistWaitMs: WAIT_BOUND, probeDeadlineMs: 600_000 }));
  assert.equal(run.result.verdict.code, 'open');
  assert.ok(!run.result.verdict.reasons.some((r) => r.code === 'greylisting'));
  const wait = run.transcript.events.find((e) => e.type === 'info' && e.code === 'greylist-wait');
  assert.ok(wait && wait.type === 'info');
  assert.equal(wait.waitMs, 61_000, 'the announced 60 s plus a margin, not the 360 s bound');
  assert.match(wait.text, /Waiting 61 s/);
  // The same addresses on the retry: every recipient is asked exactly twice (first try, retry).
  const rcpts = run.written.flat().filter((l) => l.startsWith('RCPT TO:'));
  const counts = new Map<string, number>();
  for (const line of rcpts) counts.set(line, (counts.get(line) ?? 0) + 1);
  for (const [line, n] of counts) assert.ok(n >= 2, `${line} was not retried with the same address`);
  assert.ok(run.result.session.connections >= 2);
});

test('a retry that is deferred again ends inconclusive, naming greylisting', () => {
  const run = runAgainst(greylistedOpenRelay('Greylisted for 60 seconds', true), defaultOptions({ greylistWaitMs: WAIT_BOUND, probeDeadlineMs: 600_000 }));
  assert.equal(run.result.verdict.code, 'inconclusive');
  assert.ok(run.result.verdict.reasons.some((r) => r.code === 'greylisting'));
  assert.equal(run.transcript.events.filter((e) => e.type === 'info' && e.code === 'greylist-wait').length, 1, 'one retry only');
});

test('with no delay announced the probe waits the --greylist-wait bound', () => {
  const run = runAgainst(greylistedOpenRelay('Greylisted, see http://postgrey.schweikert.ch/help/example.com.html'), defaultOptions({ greylistWaitMs: 90_000, probeDeadlineMs: 600_000 }));
  const wait = run.transcript.events.find((e) => e.type === 'info' && e.code === 'greylist-wait');
  assert.ok(wait && wait.type === 'info');
  assert.equal(wait.waitMs, 90_000);
  assert.equal(run.result.verdict.code, 'open');
});

test('--greylist-wait 0 turns the retry off: greylisting is named at once', () => {
  const run = runAgainst(greylistedOpenRelay(), defaultOptions({ greylistWaitMs: 0 }));
  assert.equal(run.result.verdict.code, 'inconclusive');
  assert.ok(run.result.verdict.reasons.some((r) => r.code === 'greylisting'));
  assert.ok(!run.transcript.events.some((e) => e.type === 'info' && e.code === 'greylist-wait'));
});

test('announced delays are read from the wordings greylisters use', () => {
  assert.equal(announcedDelayMs('Greylisted for 300 seconds'), 300_000);
  assert.equal(announcedDelayMs('Greylisting in action, please come back in 5 minutes'), 300_000);
  assert.equal(announcedDelayMs('try again in 60s'), 60_000);
  assert.equal(announcedDelayMs('Greylisted, see http://postgrey.schweikert.ch/help/example.com.html'), undefined);
  assert.equal(greylistWaitMs([], 5000), 5000);
  assert.equal(classify('<r@example.com>'), 'foreign');
});
