// The event stream carries everything (issue 8, item 2): folding a probe's events with the
// contracts' foldEvents gives exactly the engine's own result (vectors in plan order, delivery,
// verdict, session facts), whatever the peer did: retries, reconnects, a deadline, tests not run.
// The probe runner's result document, the server and the web page all read results this way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldEvents } from '@relayprobe/contracts';
import { defaultOptions, runAgainst, type PeerPolicy } from './scripted-peer.js';
import { acceptAll, greylisting, openRelay, postfixClosed, rcptPolicy } from './peer-policies.js';
import type { EngineOptions } from '../src/index.js';

/** A closed Postfix whose RCPT replies are changed by `change` (undefined: the usual answer). */
function closedWith(change: (line: string, rcpts: number) => string[] | undefined): PeerPolicy {
  const policy = postfixClosed();
  const base = policy.reply!;
  let rcpts = 0;
  policy.reply = (line, state) => {
    if (line.startsWith('RCPT')) rcpts += 1;
    return (line.startsWith('RCPT') ? change(line, rcpts) : undefined) ?? base(line, state);
  };
  return policy;
}

/** Our sender's domain refused for the controls, another sender taken: C1 and C2 run again at the end. */
function refusesSenderDomain(): PeerPolicy {
  const open = openRelay();
  let sender = '';
  return {
    ...open,
    reply(line, state) {
      if (line.startsWith('MAIL FROM:')) sender = line.slice('MAIL FROM:'.length);
      if (line.startsWith('RCPT TO:') && state.mailAccepted && sender.endsWith('@example.com>')) return [`450 4.1.8 ${sender}: Sender address rejected: Domain not found`];
      return open.reply?.(line, state);
    },
  };
}

const SCENARIOS: [string, PeerPolicy, Partial<EngineOptions>][] = [
  ['a closed Postfix', postfixClosed(), {}],
  ['an open relay, thorough, with a test message', openRelay(), { suite: 'thorough', sendMessage: true }],
  ['accept-all with a test message', acceptAll(), { sendMessage: true }],
  ['greylisting, retried once and deferred again', greylisting(), { greylistWaitMs: 60_000, probeDeadlineMs: 600_000 }],
  ['controls run again with another sender', refusesSenderDomain(), {}],
  ['421 mid-session: reconnects and retries', closedWith((_l, n) => (n % 4 === 0 ? ['421 4.7.0 Service shutting down'] : undefined)), {}],
  ['the probe deadline mid-test', closedWith((_l, n) => (n > 4 ? [] : undefined)), { replyTimeoutMs: 20_000, probeDeadlineMs: 30_000 }],
  [
    'no local name: some tests not run',
    postfixClosed({ greeting: () => ['220 ESMTP ready'], reply: (l) => (l.startsWith('EHLO') ? ['250-ESMTP', '250 PIPELINING'] : undefined) }),
    { targets: [{ address: '192.0.2.10', family: 4 }] },
  ],
  ['thorough with several local names', postfixClosed({ greeting: () => ['220 gw.peer.example ESMTP'] }), { suite: 'thorough', localNameHints: ['peer.example'] }],
  ['a silent server', { greeting: () => 'silent' }, { replyTimeoutMs: 5_000 }],
  ['a refused connection', { greeting: () => 'refuse' }, {}],
  ['every RCPT refused with a 5.1.x about the domain', rcptPolicy((_k, path) => `550 5.1.2 ${path}: Recipient address rejected: Domain not found`), {}],
];

for (const [name, policy, options] of SCENARIOS) {
  test(`the fold of the events is the engine's result: ${name}`, () => {
    const run = runAgainst(policy, defaultOptions(options));
    const view = foldEvents(run.transcript.events);
    assert.deepEqual(view.vectors, run.result.vectors, 'vectors: the latest per test, in plan order');
    assert.deepEqual(view.delivery, run.result.delivery);
    assert.deepEqual(view.verdict, run.result.verdict);
    assert.deepEqual(view.session, run.result.session);
    const types = run.transcript.events.map((e) => e.type);
    assert.deepEqual(types.slice(-2), ['session', 'verdict'], 'the session facts come just before the verdict');
  });
}
