// The probe state machine against scripted in-memory peers: session rules (RELAY-TESTS.md §3),
// judging (§4) and the verdict (§5), with no sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultOptions, runAgainst, type Run } from './scripted-peer.js';
import { acceptAll, authRequired, domainlessOnly, greylisting, openRelay, percentHackOnly, postfixClosed, postfixDefault, rcptPolicy, testDomainRefused } from './peer-policies.js';
import { SUITE_VECTORS } from '../src/relay-vectors.js';

const keys = (run: Run) => run.result.vectors.map((v) => v.key);
const outcome = (run: Run, key: string) => run.result.vectors.find((v) => v.key === key)?.outcome;
const reasonCodes = (run: Run) => run.result.verdict.reasons.map((r) => r.code);
const allLines = (run: Run) => run.written.flat();

test('a Postfix that denies relaying is "closed", with every planned test judged once', () => {
  const run = runAgainst(postfixClosed());
  assert.equal(run.result.verdict.code, 'closed');
  assert.equal(run.result.verdict.label, 'Not an open relay');
  assert.deepEqual(keys(run), ['C1', 'C2', 'C3', ...SUITE_VECTORS.standard]);
  for (const id of SUITE_VECTORS.standard) assert.equal(outcome(run, id), 'relay-denied', id);
  assert.equal(outcome(run, 'C1'), 'accepted');
  assert.equal(outcome(run, 'C2'), 'denied');
  assert.equal(outcome(run, 'C3'), 'relay-denied'); // real closed Postfix: reject_unauth_destination before any domain check
  assert.equal(allLines(run).at(-1), 'QUIT');
});

test("Postfix's default 454 4.7.1 Relay access denied is a refusal by policy, not a deferral", () => {
  const run = runAgainst(postfixDefault());
  assert.equal(run.result.verdict.code, 'closed');
  assert.equal(outcome(run, 'R01'), 'relay-denied');
});

test('an open relay whose controls discriminate is "open", naming the accepted vectors', () => {
  const run = runAgainst(openRelay());
  assert.equal(run.result.verdict.code, 'open');
  assert.equal(outcome(run, 'R01'), 'accepted');
  const strong = run.result.verdict.reasons.find((r) => r.code === 'strong-accepted');
  assert.ok(strong?.vectors?.includes('R01'));
  assert.ok(reasonCodes(run).includes('controls-discriminate'));
});

test('a server that accepts a nonexistent local mailbox (C2) is "accepts-all", not "open"', () => {
  const run = runAgainst(acceptAll());
  assert.equal(run.result.verdict.code, 'accepts-all');
  assert.equal(outcome(run, 'C2'), 'accepted');
  assert.equal(run.result.vectors.find((v) => v.key === 'C2')?.expectationMet, false);
  assert.ok(reasonCodes(run).includes('catch-all'));
});

test('C3 is evidence only: an open relay that accepts a .invalid recipient is still "open" (RELAY-TESTS.md §2)', () => {
  const run = runAgainst(openRelay());
  assert.equal(outcome(run, 'C3'), 'accepted');
  assert.equal(outcome(run, 'C2'), 'denied');
  assert.equal(run.result.vectors.find((v) => v.key === 'C3')?.expectationMet, true);
  assert.equal(run.result.verdict.code, 'open');
  assert.ok(reasonCodes(run).includes('controls-discriminate'));
  assert.ok(reasonCodes(run).includes('no-domain-check'));
});

test('greylisting at RCPT is "inconclusive" with the cause named', () => {
  const run = runAgainst(greylisting());
  assert.equal(run.result.verdict.code, 'inconclusive');
  assert.ok(reasonCodes(run).includes('greylisting'));
  assert.match(run.result.verdict.advice, /again/i);
});

test('authentication required is "closed"', () => {
  const run = runAgainst(authRequired());
  assert.equal(run.result.verdict.code, 'closed');
  assert.equal(outcome(run, 'R01'), 'auth-required');
});

test('a relay that only falls for the percent hack is "open", and the vector is named', () => {
  const run = runAgainst(percentHackOnly());
  assert.equal(run.result.verdict.code, 'open');
  assert.equal(outcome(run, 'R01'), 'relay-denied');
  assert.equal(outcome(run, 'R11'), 'accepted');
  assert.equal(outcome(run, 'R12'), 'accepted');
  assert.deepEqual(run.result.verdict.reasons[0]?.vectors, ['R11', 'R12']);
});

test('a server that only accepts domain-less forms is "suspicious"', () => {
  const run = runAgainst(domainlessOnly());
  assert.equal(run.result.verdict.code, 'suspicious');
  assert.equal(outcome(run, 'R19'), 'accepted');
  assert.equal(outcome(run, 'R01'), 'relay-denied');
});

test('a refused test domain is "inconclusive" and says to change --test-domain', () => {
  const run = runAgainst(testDomainRefused());
  assert.equal(run.result.verdict.code, 'inconclusive');
  const reason = run.result.verdict.reasons.find((r) => r.code === 'test-domain-refused');
  assert.match(reason?.text ?? '', /example\.com.*--test-domain/);
});

test('with PIPELINING, RSET/MAIL/RCPT go in one write; without it, one command per write', () => {
  const piped = runAgainst(postfixClosed());
  const plain = runAgainst(postfixClosed({ extensions: ['8BITMIME'] }));
  const writes = (run: Run) => run.actions.filter((a) => a.type === 'write');
  const multi = writes(piped).filter((a) => a.type === 'write' && a.data.split('\r\n').length > 2);
  assert.ok(multi.length >= SUITE_VECTORS.standard.length, 'vectors pipelined');
  assert.ok(
    writes(plain).every((a) => a.type === 'write' && a.data.split('\r\n').length === 2),
    'one command per write',
  );
  assert.equal(plain.result.verdict.code, 'closed');
});

test('every written line is CRLF-terminated, printable ASCII and at most 510 octets', () => {
  const run = runAgainst(openRelay(), defaultOptions({ suite: 'thorough', sendMessage: true }));
  for (const line of allLines(run)) {
    assert.match(line, /^[\x20-\x7e]*$/);
    assert.ok(line.length <= 510, line);
  }
});

test('reconnects before a Postfix-like error limit, so no vector is lost to the 421', () => {
  let errors = 0;
  const policy = postfixClosed({
    reply(line) {
      if (line.startsWith('EHLO')) errors = 0;
      return undefined;
    },
  });
  const base = policy.reply!;
  policy.reply = (line, state) => {
    const r = base(line, state);
    const code = Array.isArray(r) ? r[0] : undefined;
    if (state.commands === 1) errors = 0;
    if (code && /^[45]/.test(code)) errors++;
    if (errors > 20) return ['421 4.7.0 mx.peer.example Error: too many errors'];
    return r;
  };
  const run = runAgainst(policy, defaultOptions({ suite: 'thorough' }));
  assert.equal(run.result.verdict.code, 'closed');
  assert.ok(run.result.session.connections > 1, 'reconnected');
  assert.ok(run.result.vectors.every((v) => v.outcome !== 'not-run' && v.outcome !== 'not-completed'));
  assert.ok(!run.transcript.events.some((e) => e.type === 'reply' && e.code === 421));
});

test('421 mid-session: reconnects and retries, so every test still gets an outcome', () => {
  const policy = postfixClosed();
  const base = policy.reply!;
  let rcpts = 0;
  policy.reply = (line, state) => {
    if (line.startsWith('RCPT') && ++rcpts % 4 === 0) return ['421 4.7.0 Service shutting down'];
    return base(line, state);
  };
  const run = runAgainst(policy);
  assert.equal(run.result.vectors.length, 3 + SUITE_VECTORS.standard.length);
  assert.ok(run.result.session.connections > 1);
  assert.equal(run.result.verdict.code, 'closed');
});

test('EHLO refused: falls back to HELO and runs without extensions', () => {
  const run = runAgainst(postfixClosed({ reply: (line) => (line.startsWith('EHLO') ? ['502 5.5.2 Error: command not recognized'] : undefined) }));
  assert.ok(allLines(run).some((l) => l === 'HELO prober.test'));
  assert.equal(run.result.session.heloFallback, true);
  assert.equal(run.result.verdict.code, 'closed');
});

test('STARTTLS when offered: EHLO again after the handshake, and tests run inside TLS', () => {
  const run = runAgainst(postfixClosed());
  const lines = allLines(run);
  assert.deepEqual(lines.slice(0, 3), ['EHLO prober.test', 'STARTTLS', 'EHLO prober.test']);
  const commands = run.transcript.events.filter((e) => e.type === 'command');
  assert.ok(commands.filter((e) => e.text.startsWith('RCPT')).every((e) => e.type === 'command' && e.tls));
  assert.equal(run.result.session.tls?.protocol, 'TLSv1.3');
});

test('STARTTLS reply injection: bytes after the 220 abort the session (CVE-2011-0411 twin)', () => {
  const run = runAgainst(postfixClosed({ after: (line) => (line === 'STARTTLS' ? '250 injected\r\n' : undefined) }));
  assert.ok(run.transcript.events.some((e) => e.type === 'error' && e.code === 'starttls-injection'));
  assert.ok(!run.actions.some((a) => a.type === 'start-tls'));
  assert.equal(run.result.verdict.code, 'inconclusive');
});

test('--tls starttls against a server without STARTTLS: inconclusive, cause named', () => {
  const run = runAgainst(postfixClosed({ extensions: ['PIPELINING'] }), defaultOptions({ tls: 'starttls' }));
  assert.equal(run.result.verdict.code, 'inconclusive');
  assert.ok(run.transcript.events.some((e) => e.type === 'error' && e.code === 'starttls-not-offered'));
});

test('a server that wants STARTTLS first and relays after TLS is "open" (--tls auto)', () => {
  const policy = openRelay();
  const base = policy.reply!;
  policy.reply = (line, state) => (!state.tls && line.startsWith('MAIL') ? ['530 5.7.0 Must issue a STARTTLS command first'] : base(line, state));
  const run = runAgainst(policy);
  assert.equal(run.result.verdict.code, 'open');
});

test('an unsolicited reply is recorded and never taken as the answer to the next command', () => {
  const run = runAgainst(postfixClosed({ greeting: () => ['220 mx.peer.example ESMTP', '250 unsolicited'] }));
  const unsolicited = run.transcript.events.filter((e) => e.type === 'reply' && e.flags.includes('unsolicited'));
  assert.equal(unsolicited.length, run.result.session.connections, 'one per greeting');
  assert.equal(run.result.verdict.code, 'closed');
  assert.equal(outcome(run, 'C1'), 'accepted');
});

test('MAIL refused: the vector is retried with the plain sender so the RCPT trick is still tested', () => {
  const run = runAgainst(postfixClosed({ mail: (path) => (path === '<>' ? '550 5.7.1 Null sender not allowed' : undefined) }));
  const r03 = run.result.vectors.find((v) => v.key === 'R03');
  assert.equal(r03?.outcome, 'relay-denied');
  assert.equal(r03?.senderRetry?.refusedMailFrom, '<>');
  assert.equal(r03?.mailFrom, '<relayprobe-tok123@example.com>');
});

test('a greeting of 554 means no service: unreachable', () => {
  const run = runAgainst(postfixClosed({ greeting: () => ['554 5.7.1 No SMTP service here'] }));
  assert.equal(run.result.verdict.code, 'unreachable');
  assert.deepEqual(allLines(run), ['QUIT']);
});

test('connection refused on every address: unreachable, said in words, no port-25 advice (a refusal is not a blocked port)', () => {
  const run = runAgainst({ greeting: () => 'refuse' });
  assert.equal(run.result.verdict.code, 'unreachable');
  assert.ok(!reasonCodes(run).includes('port-25-blocked'));
  assert.doesNotMatch(run.result.verdict.advice, /port 25/i);
  assert.match(run.result.verdict.summary, /Nothing is listening on 192\.0\.2\.10 port 25/);
  assert.doesNotMatch(run.result.verdict.summary, /ECONNREFUSED/);
});

test('a connection to port 25 that times out: unreachable, and the port-25 advice is given', () => {
  const run = runAgainst({ greeting: () => 'no-connect' });
  assert.equal(run.result.verdict.code, 'unreachable');
  assert.ok(reasonCodes(run).includes('port-25-blocked'));
  assert.match(run.result.verdict.advice, /port 25 is blocked/i);
});

test('a connection to another port that times out gets no port-25 advice', () => {
  const run = runAgainst({ greeting: () => 'no-connect' }, defaultOptions({ port: 587 }));
  assert.equal(run.result.verdict.code, 'unreachable');
  assert.ok(!reasonCodes(run).includes('port-25-blocked'));
  assert.doesNotMatch(run.result.verdict.advice, /port 25/i);
});

test('the first MX refuses the connection, the second is tested', () => {
  const policy = postfixClosed({ greeting: (n) => (n === 1 ? 'refuse' : ['220 mx2.peer.example ESMTP']) });
  const run = runAgainst(
    policy,
    defaultOptions({
      targets: [
        { address: '192.0.2.10', family: 4 },
        { address: '192.0.2.11', family: 4 },
      ],
    }),
  );
  assert.equal(run.result.verdict.code, 'closed');
  assert.deepEqual(
    run.result.session.attempts.map((a) => [a.address, a.outcome]),
    [
      ['192.0.2.10', 'connect-refused'],
      ['192.0.2.11', 'smtp-session'],
    ],
  );
});

test('a silent server: greeting deadline reported as a possible tarpit, inconclusive', () => {
  const run = runAgainst({ greeting: () => 'silent' }, defaultOptions({ replyTimeoutMs: 5_000 }));
  assert.equal(run.result.verdict.code, 'inconclusive');
  assert.ok(reasonCodes(run).includes('tarpit'));
  assert.deepEqual(allLines(run), [], 'never spoke before the greeting');
});

test('the whole-probe deadline ends a slow probe with every test accounted for', () => {
  const policy = postfixClosed();
  const base = policy.reply!;
  let rcpts = 0;
  policy.reply = (line, state) => (line.startsWith('RCPT') && ++rcpts > 4 ? [] : base(line, state));
  const run = runAgainst(policy, defaultOptions({ replyTimeoutMs: 20_000, probeDeadlineMs: 30_000 }));
  assert.equal(run.result.vectors.length, 3 + SUITE_VECTORS.standard.length);
  assert.equal(run.result.verdict.code, 'inconclusive');
  assert.ok(run.result.verdict.reasons.some((r) => r.code === 'probe-deadline'));
  assert.ok(run.elapsedMs <= 30_100);
});

test('thorough suite repeats local-name vectors for every distinct name found', () => {
  const run = runAgainst(postfixClosed({ greeting: () => ['220 gw.peer.example ESMTP'] }), defaultOptions({ suite: 'thorough', localNameHints: ['peer.example'] }));
  assert.deepEqual(run.result.session.localNames, ['peer.example', 'gw.peer.example', 'mx.peer.example']);
  assert.ok(keys(run).includes('R05@gw.peer.example'));
  assert.ok(keys(run).includes('R21@mx.peer.example'));
  assert.equal(run.result.vectors.find((v) => v.key === 'R11@gw.peer.example')?.rcptTo, '<relayprobe-tok123%example.com@gw.peer.example>');
});

test('greeting words that are not host names are never used as local names', () => {
  const run = runAgainst(
    postfixClosed({ greeting: () => ['220 ESMTP ready'], reply: (l) => (l.startsWith('EHLO') ? ['250-ESMTP', '250 PIPELINING'] : undefined) }),
    defaultOptions({ targets: [{ address: '192.0.2.10', family: 4 }] }),
  );
  assert.deepEqual(run.result.session.localNames, []);
  assert.equal(outcome(run, 'R05'), 'not-run');
  assert.equal(run.result.vectors.find((v) => v.key === 'C1')?.rcptTo, '<postmaster>');
  assert.equal(run.result.verdict.code, 'closed');
});

test('--send-message: one dot-stuffed message after the first accepted strong vector; queued on accept-all stays "accepts-all"', () => {
  const run = runAgainst(acceptAll(), defaultOptions({ sendMessage: true }));
  const lines = allLines(run);
  assert.equal(lines.filter((l) => l === 'DATA').length, 1);
  assert.ok(lines.includes('..'), 'lone dot stuffed');
  assert.equal(run.result.delivery?.outcome, 'accepted');
  assert.equal(run.result.delivery?.queueId, 'ABC123');
  // A "250 queued" proves nothing on a server that accepts everything (RELAY-TESTS.md §5).
  assert.equal(run.result.verdict.code, 'accepts-all');
  assert.ok(reasonCodes(run).includes('queued-not-proof'));
});

test("--send-message --to: the recipient is the user's address through the same trick", () => {
  const run = runAgainst(percentHackOnly(), defaultOptions({ sendMessage: true, to: { localPart: 'admin', domain: 'mine.example' } }));
  assert.equal(run.result.delivery?.rcptTo, '<admin%mine.example@mx.peer.example>');
});

test('no DATA in the default run', () => {
  const run = runAgainst(openRelay());
  assert.ok(!allLines(run).includes('DATA'));
  assert.equal(run.result.delivery, undefined);
});

test('events: seq counts from 1 without gaps and ms never decreases', () => {
  const run = runAgainst(postfixClosed());
  run.transcript.events.forEach((e, i) => {
    assert.equal(e.seq, i + 1);
    if (i > 0) assert.ok(e.ms >= (run.transcript.events[i - 1]?.ms ?? 0));
  });
  assert.equal(run.transcript.events.at(-1)?.type, 'verdict');
});

test('reply events carry the enhanced code and the milliseconds each reply took', () => {
  const run = runAgainst(rcptPolicy(() => '554 5.7.1 <x>: Relay access denied'));
  const reply = run.transcript.events.find((e) => e.type === 'reply' && e.code === 554);
  assert.equal(reply?.type === 'reply' && reply.enhanced, '5.7.1');
  // The time from its RCPT being written to the reply's end, on the engine's clock.
  const rcpt = run.transcript.events.find((e) => e.type === 'command' && e.text.startsWith('RCPT') && e.vector === (reply?.type === 'reply' ? reply.vector : ''));
  assert.ok(reply?.type === 'reply' && rcpt);
  assert.equal(reply.elapsedMs, reply.ms - rcpt.ms);
  assert.ok(reply.elapsedMs > 0);
});

test('our sender domain refused for the controls, another sender accepted: C1 and C2 run again with that sender, so C2 still decides', () => {
  // Postfix reject_unknown_sender_domain (seen on the real postfix-sender-domain-check of packages/mta-lab).
  const refusesTestDomain = openRelay();
  let sender = '';
  const policy = {
    ...refusesTestDomain,
    reply(line: string, state: Parameters<NonNullable<typeof refusesTestDomain.reply>>[1]) {
      if (line.startsWith('MAIL FROM:')) sender = line.slice('MAIL FROM:'.length);
      if (line.startsWith('RCPT TO:') && state.mailAccepted && sender.endsWith('@example.com>')) {
        return [`450 4.1.8 ${sender}: Sender address rejected: Domain not found`];
      }
      return refusesTestDomain.reply?.(line, state);
    },
  };
  const run = runAgainst(policy);
  assert.equal(run.result.verdict.code, 'open');
  const c2 = run.result.vectors.find((v) => v.key === 'C2');
  assert.equal(c2?.outcome, 'denied');
  assert.notEqual(c2?.mailFrom, '<relayprobe-tok123@example.com>');
  assert.ok(run.transcript.events.some((e) => e.type === 'info' && e.code === 'control-retry'));
});
