// --tls auto against a port that speaks TLS from the first byte (Postfix with
// smtpd_tls_wrappermode=yes on a port other than 465): the engine checks a silent port for
// implicit TLS on a second connection (implicit-tls-sniff.ts), with scripted peers and a virtual
// clock, and by feeding inputs by hand where the order of events is the point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InfoEvent } from '@relayprobe/contracts';
import { defaultOptions, PEER_TLS, runAgainst, type PeerPolicy, type Run } from './scripted-peer.js';
import { postfixClosed } from './peer-policies.js';
import { ProbeSession, Transcript, type EngineAction, type EngineOptions } from '../src/index.js';
import { TLS_SNIFF_DELAY_MS } from '../src/implicit-tls-sniff.js';

const PORT = 2465;
const REPLY_TIMEOUT_MS = 30_000;
const options = (overrides: Partial<EngineOptions> = {}) => defaultOptions({ port: PORT, replyTimeoutMs: REPLY_TIMEOUT_MS, ...overrides });

/** A port that only speaks TLS from the first byte: silent in plain text. */
const wrapperMode = (): PeerPolicy =>
  postfixClosed({
    greeting: (_n, tls) => (tls ? ['220 mx.peer.example ESMTP Postfix'] : 'silent'),
    sniff: () => 'tls',
  });
/** A server that never says anything, in plain text or TLS (`sniff` says how its TLS attempt ends). */
const silent = (sniff: 'fail' | 'hang'): PeerPolicy => ({ greeting: () => 'silent', sniff: () => sniff });

const infos = (run: Run) => run.transcript.events.filter((e): e is InfoEvent => e.type === 'info');
const info = (run: Run, code: string) => infos(run).find((e) => e.code === code);
const ofType = <T extends EngineAction['type']>(run: Run, type: T) => run.actions.filter((a): a is Extract<EngineAction, { type: T }> => a.type === type);
const errorCodes = (run: Run) => run.transcript.events.flatMap((e) => (e.type === 'error' ? [e.code] : []));

test('a silent port that speaks implicit TLS: detected after the sniff delay, and the whole probe runs over TLS', () => {
  const run = runAgainst(wrapperMode(), options());
  assert.equal(run.result.verdict.code, 'closed');
  const detected = info(run, 'implicit-tls-detected');
  assert.ok(detected, 'the decision is in the transcript');
  assert.match(detected.text, /^No greeting after 3 s in plain text; this port speaks TLS from the first byte \(implicit TLS\)/);
  assert.ok(detected.ms >= TLS_SNIFF_DELAY_MS && detected.ms < REPLY_TIMEOUT_MS, `detected at ${detected.ms} ms`);
  assert.equal(ofType(run, 'sniff-tls').length, 1, 'one check');
  assert.equal(ofType(run, 'adopt-sniff').length, 1, 'the TLS connection is the one used');
  assert.deepEqual(run.written[0], [], 'nothing was written on the plain connection (RFC 5321 §4.3.1)');
  assert.equal(run.written[1]?.[0], 'EHLO prober.test', 'the adopted TLS connection starts with its greeting, then EHLO');
  // Later reconnects (Postfix-style: after 8 refusals) speak TLS from the first byte too.
  const connects = ofType(run, 'connect');
  assert.ok(connects.length >= 2, `${connects.length} connects`);
  assert.deepEqual(
    connects.map((c) => c.implicitTls),
    [false, ...connects.slice(1).map(() => true)],
  );
  const commands = run.transcript.events.filter((e) => e.type === 'command');
  assert.ok(commands.length > 0 && commands.every((c) => c.type === 'command' && c.tls), 'every command inside TLS');
  assert.deepEqual(run.result.session.tls, PEER_TLS);
  assert.equal(run.result.session.connections, connects.length + 1, "the check's connection is counted");
  assert.ok(!errorCodes(run).includes('greeting-timeout'));
});

test('the TLS check fails: the plain greeting deadline ends the probe as before (tarpit), the failure recorded', () => {
  const run = runAgainst(silent('fail'), options());
  assert.equal(run.result.verdict.code, 'inconclusive');
  assert.ok(run.result.verdict.reasons.some((r) => r.code === 'tarpit'));
  assert.deepEqual(errorCodes(run), ['greeting-timeout']);
  assert.match(info(run, 'tls-sniff')?.text ?? '', /No greeting after 3 s in plain text; checking on a second connection/);
  assert.match(info(run, 'implicit-tls-not-detected')?.text ?? '', /The TLS check failed \(ECONNRESET socket hang up\)/);
  const unchecked = runAgainst(silent('fail'), options({ tlsSniffMs: 0 }));
  assert.equal(run.elapsedMs, unchecked.elapsedMs, 'the failed check neither shortens nor lengthens the greeting wait');
  assert.ok(run.elapsedMs >= REPLY_TIMEOUT_MS);
  assert.deepEqual(run.written.flat(), [], 'never spoke');
  assert.equal(ofType(run, 'adopt-sniff').length, 0);
});

test('the TLS check gets no answer: abandoned at the greeting deadline, its connection closed, said before the timeout', () => {
  const run = runAgainst(silent('hang'), options());
  assert.deepEqual(errorCodes(run), ['greeting-timeout']);
  const abandoned = info(run, 'implicit-tls-not-detected');
  assert.match(abandoned?.text ?? '', /no handshake before the greeting deadline/);
  const timeout = run.transcript.events.find((e) => e.type === 'error');
  assert.ok(abandoned && timeout && abandoned.seq < timeout.seq);
  assert.equal(ofType(run, 'close-sniff').length, 1, 'the second socket is closed');
  assert.equal(run.result.verdict.code, 'inconclusive');
});

test('--tls none, starttls and implicit never check; nor does auto on port 465, nor tlsSniffMs 0', () => {
  for (const overrides of [{ tls: 'none' }, { tls: 'starttls' }, { tls: 'implicit' }, { port: 465 }, { tlsSniffMs: 0 }] as Partial<EngineOptions>[]) {
    const run = runAgainst(silent('fail'), options(overrides));
    assert.equal(ofType(run, 'sniff-tls').length, 0, JSON.stringify(overrides));
    assert.ok(!run.actions.some((a) => a.type === 'set-timer' && a.timer === 'tls-sniff'), JSON.stringify(overrides));
    assert.deepEqual(errorCodes(run), ['greeting-timeout'], JSON.stringify(overrides));
  }
});

test('a greeting that has started arriving (half a reply) is a slow server, never a TLS candidate', () => {
  const run = runAgainst({ greeting: () => ['220-mx.peer.example ESMTP, more to come'], sniff: () => 'tls' }, options());
  assert.equal(ofType(run, 'sniff-tls').length, 0);
  assert.deepEqual(errorCodes(run), ['greeting-timeout']);
  const armed = run.actions.findIndex((a) => a.type === 'set-timer' && a.timer === 'tls-sniff');
  const disarmed = run.actions.findIndex((a) => a.type === 'clear-timer' && a.timer === 'tls-sniff');
  assert.ok(armed >= 0 && disarmed > armed, 'the first byte disarms the check');
});

test('the delay is never more than half the reply timeout', () => {
  const run = runAgainst(silent('fail'), options({ replyTimeoutMs: 2_000 }));
  const armed = run.actions.find((a) => a.type === 'set-timer' && a.timer === 'tls-sniff');
  assert.deepEqual(armed, { type: 'set-timer', timer: 'tls-sniff', ms: 1_000 });
  assert.match(info(run, 'tls-sniff')?.text ?? '', /No greeting after 1 s/);
});

test('no check once the connection budget is spent, nor after an address gave a session', () => {
  const budget = runAgainst(silent('fail'), options({ maxConnections: 1 }));
  assert.equal(ofType(budget, 'sniff-tls').length, 0);
  // Greets in plain text on the first connection only, then stays silent: a tarpit, not TLS.
  const later = runAgainst(postfixClosed({ greeting: (n) => (n === 1 ? ['220 mx.peer.example ESMTP'] : 'silent'), sniff: () => 'tls' }), options({ errorsBeforeReconnect: 2 }));
  assert.equal(ofType(later, 'sniff-tls').length, 0);
  assert.ok(errorCodes(later).includes('greeting-timeout'));
});

/** Feed inputs by hand: the actions of each step. */
function drive(overrides: Partial<EngineOptions> = {}) {
  let now = 1_000;
  const engine = new ProbeSession(options(overrides), new Transcript(now));
  const start = engine.start(now);
  const connected = engine.handle({ type: 'connected', now: (now += 5), localAddress: '198.51.100.7', localPort: 40000 });
  const sniff = engine.handle({ type: 'timer', now: (now += TLS_SNIFF_DELAY_MS), timer: 'tls-sniff' });
  return { engine, start, connected, sniff, at: () => (now += 10) };
}
const types = (actions: EngineAction[]) => actions.filter((a) => a.type !== 'event').map((a) => a.type);

test('the plain greeting arrives while the TLS check runs: the check is abandoned, the session goes on in plain text', () => {
  const { engine, connected, sniff, at } = drive();
  assert.ok(connected.some((a) => a.type === 'set-timer' && a.timer === 'tls-sniff'));
  assert.deepEqual(types(sniff), ['sniff-tls']);
  const greeting = engine.handle({ type: 'data', now: at(), bytes: new TextEncoder().encode('220 mx.peer.example ESMTP\r\n') });
  assert.deepEqual(types(greeting).slice(0, 2), ['close-sniff', 'clear-timer']);
  assert.ok(greeting.some((a) => a.type === 'write' && a.data === 'EHLO prober.test\r\n'));
  const abandoned = greeting.find((a) => a.type === 'event' && a.event.type === 'info' && a.event.code === 'implicit-tls-not-detected');
  assert.ok(abandoned, 'the transcript says so');
  // A late handshake on the abandoned connection changes nothing: it is closed again, never adopted.
  const late = engine.handle({ type: 'sniff-connected', now: at(), tls: PEER_TLS });
  assert.deepEqual(types(late), ['close-sniff']);
});

test('detection closes the plain connection before adopting the TLS one, and clears its timers', () => {
  const { engine, at } = drive();
  const adopted = engine.handle({ type: 'sniff-connected', now: at(), localAddress: '198.51.100.7', localPort: 40001, tls: PEER_TLS });
  const kinds = types(adopted);
  assert.ok(kinds.indexOf('close') < kinds.indexOf('adopt-sniff'), kinds.join(', '));
  assert.ok(
    adopted.some((a) => a.type === 'clear-timer' && a.timer === 'reply'),
    'the plain greeting deadline is cleared',
  );
  assert.deepEqual(
    adopted.filter((a) => a.type === 'set-timer'),
    [{ type: 'set-timer', timer: 'reply', ms: REPLY_TIMEOUT_MS }],
    'a fresh greeting deadline for the TLS connection',
  );
  assert.ok(!adopted.some((a) => a.type === 'write'), 'nothing written before the TLS greeting');
  // Stale input from the plain connection's socket would be dropped by the adapter; the engine
  // now reads the TLS connection's greeting.
  const greeting = engine.handle({ type: 'data', now: at(), bytes: new TextEncoder().encode('220 mx.peer.example ESMTP\r\n') });
  assert.ok(greeting.some((a) => a.type === 'event' && a.event.type === 'command' && a.event.tls && a.event.text === 'EHLO prober.test'));
});

test('stopping the probe during the check closes both connections', () => {
  const { engine, at } = drive();
  const stopped = engine.handle({ type: 'abort', now: at(), message: 'stopped' });
  const kinds = types(stopped);
  assert.ok(kinds.includes('close') && kinds.includes('close-sniff') && kinds.at(-1) === 'finish', kinds.join(', '));
  assert.ok(engine.finished);
});
