// The connection lifecycle, one SMTP connection after another: connect, hand each reply to the
// dialogue (smtp-dialogue.ts), and carry out every way a connection ends (QUIT, 421, close,
// timeouts, protocol violations, TLS that cannot be had) with the reconnect and next-address rules
// (targets.ts), up to the end of the probe. The state is session-state.ts's. No I/O: actions only.
//
// Invariants:
// - A reply in a chunk beyond the commands outstanding when that chunk arrived is unsolicited and
//   recorded, never taken as the answer to a later command (RFC 2920 §3).
// - A connection is dropped in one place (drop()), which hands back the attempt that was on it;
//   the probe stops in one place (end(), then finish()).
import type { SessionFacts, TlsDetails } from '@relayprobe/contracts';
import type { EngineInput, EngineOptions, TimerName } from './engine-io.js';
import type { EngineOutput } from './engine-output.js';
import type { Attempt } from './attempt.js';
import { connectFailed, connectTimeoutText, type ConnectFailureCode } from './connect-failure.js';
import { SNIFF_TEXT, TlsSniff, usesImplicitTls } from './implicit-tls-sniff.js';
import { inconclusive, type CauseFlag, type Ending, type Stop } from './session-end.js';
import { SessionRecord } from './session-facts.js';
import { attemptOf, SessionMachine } from './session-state.js';
import { SmtpDialogue } from './smtp-dialogue.js';
import { SmtpSetup } from './smtp-setup.js';
import { SmtpWire } from './smtp-wire.js';
import type { SuiteRunner } from './suite-runner.js';
import { Targets } from './targets.js';
import { duration } from './transcript.js';
import type { SessionFailure } from './verdict.js';

export class SmtpConnection {
  private readonly machine = new SessionMachine();
  /** The current connection's wire; a new one for every connection. */
  private wire: SmtpWire;
  private readonly targets: Targets;
  private readonly record: SessionRecord;
  private readonly setup: SmtpSetup;
  private readonly sniff: TlsSniff;
  private readonly dialogue: SmtpDialogue;

  constructor(
    private readonly options: EngineOptions,
    private readonly out: EngineOutput,
    private readonly runner: SuiteRunner,
  ) {
    this.targets = new Targets(options);
    this.record = new SessionRecord(options);
    this.setup = new SmtpSetup(options, out, this.record);
    this.sniff = new TlsSniff(options, out);
    this.wire = new SmtpWire(out, options);
    this.dialogue = new SmtpDialogue({ options, out, machine: this.machine, record: this.record, setup: this.setup, sniff: this.sniff, targets: this.targets, runner });
  }

  get finished(): boolean {
    return this.machine.state.phase === 'done';
  }

  /** What the probe learned of the server's session. */
  facts(): SessionFacts {
    return this.record.snapshot(this.targets.opened);
  }

  start(now: number): void {
    this.out.setTimer('probe', this.options.probeDeadlineMs);
    this.connect(now);
  }

  handle(input: EngineInput): void {
    if (this.finished) return;
    const now = input.now;
    switch (input.type) {
      case 'connected':
        return this.onConnected(input, now);
      case 'connect-failed':
        return this.onConnectFailed(input.code, input.message, now);
      case 'data':
        return this.onData(input.bytes, now);
      case 'tls-ready':
        return this.onTlsReady(input.details, now);
      case 'tls-failed':
        return this.onTlsFailed(input.message, now);
      case 'timer':
        return this.onTimer(input.timer, now);
      case 'closed':
        return this.onClosed(input.reset === true, input.message, now);
      case 'abort':
        return this.stop('probe-aborted', input.message, now);
      case 'sniff-connected':
        return this.onSniffConnected(input, now);
      case 'sniff-failed':
        return this.sniff.failed(input.message, now);
    }
  }

  private get phase() {
    return this.machine.state.phase;
  }

  // ---- opening connections -------------------------------------------------------------------

  private connect(now: number): void {
    const refused = this.targets.open(this.runner.settled);
    if (refused) {
      this.out.error('connection-budget', refused.text, now, this.machine.state);
      return this.end({ abort: { flag: refused.flag, note: refused.note } }, now);
    }
    this.wire = new SmtpWire(this.out, this.options);
    const implicitTls = usesImplicitTls(this.options, this.sniff.detected);
    const { address, family, host } = this.targets.current;
    const where = family === 6 ? `[${address}]:${this.options.port}` : `${address}:${this.options.port}`;
    this.out.info('connecting', `Trying ${where}${host ? ` (${host})` : ''}${implicitTls ? ' with implicit TLS' : ''}...`, now);
    this.machine.move({ type: 'connect' });
    this.out.push({ type: 'connect', address, family, port: this.options.port, implicitTls, servername: host });
    this.out.setTimer('connect', this.options.connectTimeoutMs);
  }

  private onConnected(input: Extract<EngineInput, { type: 'connected' }>, now: number): void {
    if (this.phase !== 'connecting') return;
    this.out.clearTimer('connect');
    const { address } = this.targets.current;
    this.record.internalVantage ||= input.sharedPrivateNetwork === true;
    this.record.facts.address = address;
    if (input.localAddress) this.record.facts.localAddress = input.localAddress;
    this.out.info('connected', `Connected to ${address}${input.localAddress ? ` from ${input.localAddress}${input.localPort ? `:${input.localPort}` : ''}` : ''}.`, now);
    if (input.tls) this.setup.tlsEstablished(input.tls, this.wire, now, 'connect');
    this.machine.move({ type: 'connected' });
    this.wire.awaitGreeting(now);
    if (!input.tls) this.sniff.arm(this.targets.hasSession);
  }

  /** The implicit TLS check's connection speaks TLS: it replaces the plain one, greeting and all. */
  private onSniffConnected(input: Extract<EngineInput, { type: 'sniff-connected' }>, now: number): void {
    if (!this.sniff.adopt(now, this.phase === 'greeting')) return;
    this.drop(); // the plain connection and its greeting deadline
    this.out.push({ type: 'adopt-sniff' });
    this.wire = new SmtpWire(this.out, this.options);
    this.machine.move({ type: 'connect' });
    const { localAddress, localPort, tls, sharedPrivateNetwork } = input;
    this.onConnected({ type: 'connected', now, localAddress, localPort, tls, ...(sharedPrivateNetwork !== undefined ? { sharedPrivateNetwork } : {}) }, now);
  }

  private onConnectFailed(code: ConnectFailureCode, message: string, now: number): void {
    if (this.phase !== 'connecting') return;
    this.out.clearTimer('connect');
    const { options, out, record, targets } = this;
    const ending = connectFailed(code, message, now, { options, out, record, targets, state: this.machine.state });
    this.machine.move({ type: 'drop' });
    this.carryOut(ending, now);
  }

  // ---- replies -------------------------------------------------------------------------------

  private onData(bytes: Uint8Array, now: number): void {
    const { phase } = this;
    if (phase === 'idle' || phase === 'connecting' || phase === 'tls-handshake') return;
    // A greeting that has started arriving is a slow server, never implicit TLS.
    if (phase === 'greeting' && bytes.length > 0) this.sniff.end(now, SNIFF_TEXT.greetingStarted);
    const expected = this.wire.outstanding;
    const { replies, error } = this.wire.reader.push(bytes);
    for (const [i, reply] of replies.entries()) {
      // NOTE, kept as it was: after a reply that led to a reconnect ('connecting'), the rest of the
      // chunk is read on, as unsolicited on the new connection (`this.wire` is read anew each time).
      const unasked = i >= expected || this.wire.outstanding === 0;
      this.carryOut(unasked ? this.dialogue.unsolicited(this.wire, reply, now) : this.dialogue.reply(this.wire, reply, replies.slice(i + 1), now), now);
      // After a reply the connection may be gone, or handed to TLS: the rest of the chunk is not ours to read.
      if (this.phase === 'idle' || this.phase === 'done' || this.phase === 'tls-handshake') return;
    }
    if (error) this.carryOut(this.dialogue.protocolViolation(error.code, error.message, now, error.evidence), now);
  }

  private onTlsReady(details: TlsDetails, now: number): void {
    if (this.phase !== 'tls-handshake') return;
    this.out.clearTimer('tls');
    this.setup.tlsReady(details, this.wire, now);
    this.dialogue.sendEhlo(this.wire, now);
  }

  private onTlsFailed(message: string, now: number): void {
    if (this.phase !== 'tls-handshake') return;
    this.out.clearTimer('tls');
    this.carryOut(this.dialogue.tlsLost('tls-failed', `The TLS handshake failed: ${message}`, now), now);
  }

  private onClosed(reset: boolean, message: string | undefined, now: number): void {
    if (this.phase === 'idle' || this.phase === 'connecting') return;
    this.carryOut(this.phase === 'quit' ? { end: 'after-quit' } : this.dialogue.closed(reset, message, now), now);
  }

  private onTimer(timer: TimerName, now: number): void {
    switch (timer) {
      case 'greylist':
        return this.phase === 'idle' ? this.connect(now) : undefined;
      case 'probe':
        return this.stop('probe-deadline', `The whole-probe deadline (${duration(this.options.probeDeadlineMs)}) passed.`, now);
      case 'connect':
        return this.onConnectFailed('connect-timeout', connectTimeoutText(this.options), now);
      case 'tls':
        if (this.phase !== 'tls-handshake') return;
        return this.carryOut(this.dialogue.tlsLost('tls-timeout', 'The TLS handshake did not finish in time.', now), now);
      case 'reply':
        return this.carryOut(this.dialogue.timedOut(this.wire, now), now);
      case 'tls-sniff':
        return this.sniff.start(now, this.phase === 'greeting', this.targets);
    }
  }

  // ---- how connections end -------------------------------------------------------------------

  /** Carry out how the dialogue says the connection ends (nothing: it goes on). */
  private carryOut(ending: Ending | void, now: number): void {
    switch (ending?.end) {
      case 'lost':
        return this.lost(ending.why, now, ending.failure, ending.flag);
      case 'stop':
        return this.end(ending.stop, now);
      case 'no-tls':
        return this.tlsUnavailable(ending.why, now);
      case 'after-quit':
        return this.afterQuit(now);
    }
  }

  /** Drop the connection without QUIT (it is broken or hostile, or QUIT is done); returns the attempt that was on it. */
  private drop(): Attempt | undefined {
    if (this.phase === 'idle' || this.phase === 'done') return undefined;
    const attempt = attemptOf(this.machine.state);
    this.out.push({ type: 'close' });
    this.out.clearTimer('reply');
    this.out.clearTimer('tls');
    this.out.clearTimer('connect');
    this.sniff.end();
    this.wire.forget();
    this.machine.move({ type: 'drop' });
    return attempt;
  }

  /** The connection is gone or useless. Before any session: the next address, or the end with `failure`. After: the test in flight goes back (once, else it gets `flag`), and a reconnect while tests remain. */
  private lost(why: string, now: number, failure: SessionFailure, flag: CauseFlag = 'connection-lost'): void {
    const attempt = this.drop();
    if (!this.targets.hasSession) {
      if (!this.targets.hasNext) return this.end({ failure, abort: { flag: 'not-run', note: why } }, now);
      this.targets.advance();
      return this.connect(now);
    }
    this.runner.requeue(attempt, flag, why, now);
    if (!this.runner.workRemains) return this.finish(now);
    this.connect(now);
  }

  /** TLS could not be had: go on in plain text when allowed (auto), else end the probe. */
  private tlsUnavailable(why: string, now: number): void {
    if (!this.setup.fallBackToPlain()) {
      return this.end({ failure: inconclusive('starttls-unavailable', why), requeue: { flag: 'starttls-unavailable', why }, abort: { flag: 'starttls-unavailable', note: why } }, now);
    }
    // Opportunistic TLS (RFC 3207 §4.1 leaves it to the client): same server, plain text.
    this.out.info('tls-fallback', 'Reconnecting in plain text (--tls auto).', now, 'starttls');
    this.runner.requeue(this.drop(), 'starttls-unavailable', why, now);
    this.connect(now);
  }

  /** QUIT is answered, or the connection closed, or its reply deadline passed: do what was planned. */
  private afterQuit(now: number): void {
    const { state } = this.machine;
    if (state.phase !== 'quit') throw new Error(`engine bug: after QUIT in phase ${state.phase}`);
    this.drop();
    if (state.then === 'reconnect') return this.connect(now);
    if (typeof state.then === 'object') return this.out.setTimer('greylist', state.then.greylistWaitMs); // it reconnects when it fires
    if (state.then === 'next-target') return this.lost('No SMTP service.', now, state.failure ?? this.targets.unreachable('no-service', 'No SMTP service.'));
    this.finish(now, state.failure);
  }

  /** The deadline passed or the caller aborted. */
  private stop(code: 'probe-deadline' | 'probe-aborted', text: string, now: number): void {
    this.out.error(code, text, now, this.machine.state);
    this.end({ failure: inconclusive(code, `${text} The relay tests had not begun.`), requeue: { flag: code, why: text }, abort: { flag: code, note: text } }, now);
  }

  /** The probe stops (see Stop). A failure decided before the QUIT under way (a refused greeting or HELO) comes first. */
  private end(stop: Stop, now: number): void {
    const { state } = this.machine;
    const failure = (state.phase === 'quit' ? state.failure : undefined) ?? stop.failure;
    const attempt = this.drop();
    if (stop.requeue) this.runner.requeue(attempt, stop.requeue.flag, stop.requeue.why, now);
    this.runner.abortRemaining(stop.abort.flag, stop.abort.note, now);
    this.finish(now, failure);
  }

  /** Decide the verdict and end the probe (`failure`: why no test ran, if none did). */
  private finish(now: number, failure?: SessionFailure): void {
    if (this.finished) return;
    const inFlight = this.drop();
    const conclusion = { failure, internalVantage: this.record.internalVantage, tls: this.record.facts.tls, connections: this.targets.opened, facts: this.facts() };
    this.runner.conclude(conclusion, inFlight, now);
    this.out.clearTimer('probe');
    this.out.clearTimer('greylist');
    this.machine.move({ type: 'finish' });
    this.out.push({ type: 'finish' });
  }
}
