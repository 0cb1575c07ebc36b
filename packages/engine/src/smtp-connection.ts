// One SMTP connection after another: connect, read the whole greeting, EHLO (HELO fallback),
// STARTTLS, and every way a connection ends (QUIT, 421, close, timeouts, protocol violations),
// with the reconnect and next-address rules. What to do once a session is ready is the subclass's
// (probe-session.ts). No I/O: actions only.
//
// Invariants:
// - Nothing is written before the whole greeting is read (RFC 5321 §4.3.1; postscreen drops early talkers).
// - Replies are matched one to one, in order, with the commands written (RFC 2920 §3); a reply
//   in a chunk beyond the commands outstanding when that chunk arrived is unsolicited and recorded,
//   never taken as the answer to a later command.
// - After STARTTLS everything learned before is discarded and EHLO is sent again (RFC 3207 §4.2).
// - --tls auto checks a port that stays silent for implicit TLS on a second connection, which
//   never outlives the plain connection's wait for its greeting (implicit-tls-sniff.ts).
import type { ReasonCode, TlsDetails } from '@relayprobe/contracts';
import type { EngineInput, EngineOptions, EngineTarget, TimerName } from './engine-io.js';
import type { Phase } from './phases.js';
import { ReplyReader, type ParsedReply, type ReaderError } from './reply-reader.js';
import * as cmd from './smtp-commands.js';
import type { Transcript } from './transcript.js';
import { readEhloReply, hasExtension } from './ehlo-reply.js';
import { mergeLocalNames, nameFromReplyText } from './local-names.js';
import { causeFlags, type JudgedReply } from './reply-judge.js';
import type { SessionFailure } from './verdict.js';
import { encodeBase64 } from './base64.js';
import { MAX_UNSOLICITED, SessionBase, concatBytes, duration, encodeText, replyText, type Pending, type Purpose } from './session-base.js';
import { SNIFF_TEXT, tlsSniffDelayMs, usesImplicitTls, type TlsSniffState } from './implicit-tls-sniff.js';

/** A failed connection in words ("Nothing is listening on 127.0.0.1 port 2600"), not errno names. */
export function connectFailureText(code: string, address: string, port: number, message: string): string {
  const where = address.includes(':') ? `[${address}] port ${port}` : `${address} port ${port}`;
  switch (code) {
    case 'connect-refused':
      return `Nothing is listening on ${where}: the connection was refused.`;
    case 'connect-timeout':
      return message;
    case 'source-address-unavailable':
      return `The source address we were told to use is not an address of this machine, so no connection to ${where} could be opened.`;
    case 'tls-failed':
      return `The TLS handshake with ${where} failed (${message}).`;
    default:
      if (/EHOSTUNREACH|ENETUNREACH/.test(message)) return `There is no route from this machine to ${where}.`;
      return `No connection to ${where} could be opened (${message}).`;
  }
}

export abstract class SmtpConnection extends SessionBase {
  protected target: EngineTarget;
  protected targetIndex = 0;
  protected connections = 0;
  /** Some address gave us an SMTP session: from now on, reconnect to it rather than try the next. */
  protected established = false;
  protected tlsDisabled = false;
  protected errorsOnConnection = 0;
  protected replyTimeouts = 0;
  protected afterQuit: 'reconnect' | 'next-target' | 'finish' | { wait: number } = 'finish';
  protected localNames: string[];
  protected failure: SessionFailure | undefined;
  protected internalVantage = false;
  private unsolicitedOnConnection = 0;
  private stalls = 0;
  private resultsAtConnect = 0;
  /** The implicit TLS check of --tls auto (implicit-tls-sniff.ts): its state, and its delay (undefined: it does not apply). */
  private tlsSniff: TlsSniffState = 'unused';
  private readonly tlsSniffDelay = tlsSniffDelayMs(this.options);

  constructor(options: EngineOptions, transcript: Transcript) {
    super(options, transcript);
    this.target = options.targets[0] as EngineTarget;
    this.localNames = mergeLocalNames([], options.localNameHints);
  }

  /** The session is ready for tests (after EHLO/HELO and TLS as configured). */
  protected abstract sessionReady(now: number): void;
  /** Put the test in flight back in the queue (once), or record it as not completed. */
  protected abstract requeueCurrent(flag: string, why: string, now: number): void;
  /** Give every test without a result a not-run (or not-completed) result. */
  protected abstract abortRemaining(flag: string, note: string, now: number): void;
  /** Decide the verdict and end the probe. */
  protected abstract finish(now: number): void;
  /** A reply to RSET, MAIL, RCPT, DATA or the message. */
  protected abstract onTransactionReply(purpose: Purpose, reply: JudgedReply, now: number): void;
  /** Whether the relay tests have begun (the plan exists). */
  protected abstract get testsBegun(): boolean;
  /** How many tests have a result (to notice reconnects that settle nothing). */
  protected abstract get settled(): number;
  /** Whether tests (or the delivery stage) remain. */
  protected abstract get workRemains(): boolean;

  protected connect(now: number): void {
    const max = this.options.maxConnections ?? 12;
    if (this.connections >= max) {
      this.error('connection-budget', 'ours', `Opened ${this.connections} connections, the per-probe budget; the remaining tests were not run.`, now);
      this.abortRemaining('not-run', 'The connection budget ran out.', now);
      return this.finish(now);
    }
    if (this.established) {
      // Three connections in a row that settle nothing: the server will not let the suite finish.
      this.stalls = this.settled === this.resultsAtConnect ? this.stalls + 1 : 0;
      this.resultsAtConnect = this.settled;
      if (this.stalls >= 3) {
        this.error('connection-budget', 'ours', 'Three reconnects in a row produced no answer; the remaining tests were not run.', now);
        this.abortRemaining('connection-lost', 'Reconnecting did not help: the server kept ending the session.', now);
        return this.finish(now);
      }
    }
    this.connections++;
    this.facts.connections = this.connections;
    this.resetConnectionState();
    const implicitTls = usesImplicitTls(this.options, this.tlsSniff === 'detected');
    const { address, family, host } = this.target;
    const where = family === 6 ? `[${address}]:${this.options.port}` : `${address}:${this.options.port}`;
    this.info('connecting', `Trying ${where}${host ? ` (${host})` : ''}${implicitTls ? ' with implicit TLS' : ''}...`, now);
    this.go('connecting');
    this.out.push({ type: 'connect', address, family, port: this.options.port, implicitTls, servername: host });
    this.setTimer('connect', this.options.connectTimeoutMs);
  }

  protected onConnected(input: Extract<EngineInput, { type: 'connected' }>, now: number): void {
    if (this.phase !== 'connecting') return;
    this.clearTimer('connect');
    this.internalVantage ||= input.sharedPrivateNetwork === true;
    this.facts.address = this.target.address;
    if (input.localAddress) this.facts.localAddress = input.localAddress;
    this.info('connected', `Connected to ${this.target.address}${input.localAddress ? ` from ${input.localAddress}${input.localPort ? `:${input.localPort}` : ''}` : ''}.`, now);
    if (input.tls) this.recordTls(input.tls, now, 'connect');
    this.go('greeting');
    this.pending = [{ purpose: 'greeting', sentAt: now }];
    this.setTimer('reply', this.options.replyTimeoutMs);
    if (!input.tls) this.armTlsSniff();
  }

  /** A new connection starts: nothing read, nothing outstanding, no TLS yet. */
  private resetConnectionState(): void {
    this.reader = new ReplyReader(this.options.readerLimits);
    this.pending = [];
    this.outbox = [];
    this.tlsActive = false;
    this.errorsOnConnection = 0;
    this.unsolicitedOnConnection = 0;
  }

  // ---- the implicit TLS check of --tls auto (implicit-tls-sniff.ts) ----------------------

  /** A plain connection now waits for its greeting: arm the check when it applies. */
  private armTlsSniff(): void {
    if (this.tlsSniffDelay === undefined || this.tlsSniff !== 'unused' || this.established) return;
    this.tlsSniff = 'armed';
    this.setTimer('tls-sniff', this.tlsSniffDelay);
  }

  /** The sniff delay passed without one byte of greeting: open a second connection, TLS from the first byte. */
  private startTlsSniff(now: number): void {
    if (this.tlsSniff !== 'armed') return;
    this.tlsSniff = 'unused';
    if (this.phase !== 'greeting' || this.connections >= (this.options.maxConnections ?? 12)) return;
    this.tlsSniff = 'trying';
    this.connections++;
    this.facts.connections = this.connections;
    this.info('tls-sniff', SNIFF_TEXT.trying(this.tlsSniffDelay ?? 0), now, 'connect');
    const { address, family, host } = this.target;
    this.out.push({ type: 'sniff-tls', address, family, port: this.options.port, servername: host });
  }

  /** The second connection speaks TLS: it becomes the probe's connection, and implicit TLS its mode. */
  protected onSniffConnected(input: Extract<EngineInput, { type: 'sniff-connected' }>, now: number): void {
    if (this.tlsSniff !== 'trying' || this.phase !== 'greeting') return void this.out.push({ type: 'close-sniff' });
    this.tlsSniff = 'detected';
    this.info('implicit-tls-detected', SNIFF_TEXT.detected(this.tlsSniffDelay ?? 0), now, 'connect');
    this.dropConnection(); // the plain connection and its greeting deadline
    this.out.push({ type: 'adopt-sniff' });
    this.resetConnectionState();
    this.go('connecting');
    const { localAddress, localPort, tls, sharedPrivateNetwork } = input;
    this.onConnected({ type: 'connected', now, localAddress, localPort, tls, ...(sharedPrivateNetwork !== undefined ? { sharedPrivateNetwork } : {}) }, now);
  }

  /** The second connection does not speak TLS: keep waiting for the plain greeting, whose deadline still runs. */
  protected onSniffFailed(message: string, now: number): void {
    if (this.tlsSniff !== 'trying') return;
    this.tlsSniff = 'failed';
    this.info('implicit-tls-not-detected', SNIFF_TEXT.failed(message), now, 'greeting');
  }

  /** The plain connection's wait is over (a greeting byte, its deadline, any end): disarm the check, abandon one in flight. */
  private endTlsSniff(now?: number, why?: string): void {
    if (this.tlsSniff === 'armed') {
      this.tlsSniff = 'unused';
      this.clearTimer('tls-sniff');
    } else if (this.tlsSniff === 'trying') {
      this.tlsSniff = 'failed';
      this.out.push({ type: 'close-sniff' });
      if (now !== undefined && why !== undefined) this.info('implicit-tls-not-detected', why, now, 'greeting');
    }
  }

  protected onConnectFailed(code: string, message: string, now: number): void {
    if (this.phase !== 'connecting') return;
    this.clearTimer('connect');
    const words = connectFailureText(code, this.target.address, this.options.port, message);
    this.error(code, code === 'source-address-unavailable' ? 'ours' : 'server', words, now, message !== words ? encodeBase64(encodeText(message)) : undefined);
    this.attempt(code);
    this.go('idle');
    // Outbound port 25 is blocked by many providers, which shows as a timeout, never a refusal.
    if (code === 'connect-timeout' && this.options.port === 25) this.connectTimedOutOn25 = true;
    this.connectionUnusable(code === 'tls-failed' ? 'The TLS handshake failed.' : words, now, 'connect-failed');
  }

  /** A connection to port 25 timed out (the only case where "port 25 is blocked" is advice). */
  protected connectTimedOutOn25 = false;

  protected attempt(outcome: string): void {
    this.facts.attempts.push({ address: this.target.address, port: this.options.port, outcome });
  }

  /** Drop the connection without QUIT (it is broken or hostile). */
  protected dropConnection(): void {
    if (this.phase === 'idle' || this.phase === 'done') return;
    this.out.push({ type: 'close' });
    this.clearTimer('reply');
    this.clearTimer('tls');
    this.clearTimer('connect');
    this.endTlsSniff();
    this.pending = [];
    this.outbox = [];
    this.go('idle');
  }

  /**
   * The connection is gone or useless. Before any SMTP session: try the next address. After: put
   * the test in flight back (once), and reconnect when tests remain.
   */
  protected connectionUnusable(why: string, now: number, unreachable: ReasonCode | 'inconclusive', flag = 'connection-lost', inconclusiveReason: ReasonCode = 'connection-lost'): void {
    this.dropConnection();
    if (!this.established) {
      if (this.targetIndex + 1 < this.options.targets.length) {
        this.targetIndex++;
        this.target = this.options.targets[this.targetIndex] as EngineTarget;
        return this.connect(now);
      }
      this.failure ??=
        unreachable === 'inconclusive'
          ? { verdict: 'inconclusive', reason: inconclusiveReason, text: why }
          : { verdict: 'unreachable', reason: unreachable, text: why, ...(this.connectTimedOutOn25 ? { port25TimedOut: true } : {}) };
      this.abortRemaining('not-run', why, now);
      return this.finish(now);
    }
    this.requeueCurrent(flag, why, now);
    if (!this.workRemains) return this.finish(now);
    this.connect(now);
  }

  protected onClosed(reset: boolean, message: string | undefined, now: number): void {
    if (this.phase === 'idle' || this.phase === 'connecting') return;
    if (this.phase === 'quit') {
      this.pending = [];
      return this.afterQuitDone(now);
    }
    const code = reset ? 'connection-reset' : 'connection-closed';
    this.error(code, 'server', `${reset ? 'The server reset the connection' : 'The server closed the connection'}${message ? ` (${message})` : ''} while a reply was expected.`, now);
    if (this.phase === 'greeting') this.attempt(code);
    this.connectionUnusable(reset ? 'The server reset the connection.' : 'The server closed the connection.', now, 'inconclusive');
  }

  protected onTimer(timer: TimerName, now: number): void {
    switch (timer) {
      case 'greylist':
        if (this.phase !== 'idle') return;
        return this.connect(now);
      case 'probe':
        return this.stop('probe-deadline', `The whole-probe deadline (${duration(this.options.probeDeadlineMs)}) passed.`, now);
      case 'connect':
        if (this.phase !== 'connecting') return;
        return this.onConnectFailed(
          'connect-timeout',
          `No TCP connection within ${duration(this.options.connectTimeoutMs)}; outbound port ${this.options.port} may be blocked by your provider or network.`,
          now,
        );
      case 'tls':
        if (this.phase !== 'tls-handshake') return;
        this.error('tls-timeout', 'server', 'The TLS handshake did not finish in time.', now);
        return this.tlsUnavailable('The TLS handshake did not finish in time.', now);
      case 'reply':
        return this.onReplyTimeout(now);
      case 'tls-sniff':
        return this.startTlsSniff(now);
    }
  }

  /** End the probe now: the deadline passed or the caller aborted. */
  protected stop(code: 'probe-deadline' | 'probe-aborted', text: string, now: number): void {
    this.error(code, 'ours', text, now);
    this.dropConnection();
    this.requeueCurrent(code, text, now);
    if (!this.testsBegun) this.failure ??= { verdict: 'inconclusive', reason: code, text: `${text} The relay tests had not begun.` };
    this.abortRemaining(code, text, now);
    this.finish(now);
  }

  protected onReplyTimeout(now: number): void {
    if (this.pending.length === 0) return;
    const waitedFor = this.pending[0] as Pending;
    if (waitedFor.purpose === 'quit') {
      this.pending = [];
      return this.afterQuitDone(now);
    }
    const seconds = duration(this.options.replyTimeoutMs);
    if (waitedFor.purpose === 'greeting') {
      this.endTlsSniff(now, SNIFF_TEXT.deadline);
      if (this.established) this.replyTimeouts++;
      this.error('greeting-timeout', 'server', `No complete greeting within ${seconds}: possibly a tarpit; RFC 5321 lets servers take 5 minutes (raise --timeout to wait longer).`, now);
      this.attempt('greeting-timeout');
      return this.connectionUnusable('The server did not finish its greeting in time (possible tarpit).', now, 'inconclusive', 'tarpit', 'tarpit');
    }
    this.error('reply-timeout', 'server', `No complete reply to ${waitedFor.purpose.toUpperCase()} within ${seconds}.`, now);
    this.replyTimeouts++;
    if (this.replyTimeouts >= 2 && this.established) {
      // A server this slow twice will eat the whole deadline: stop reconnecting.
      this.dropConnection();
      this.requeueCurrent('tarpit', 'The server stopped answering in time.', now);
      this.abortRemaining('tarpit', 'The server answered too slowly (tarpit).', now);
      return this.finish(now);
    }
    this.connectionUnusable('The server stopped answering in time.', now, 'inconclusive', 'tarpit', 'tarpit');
  }

  // ---- replies --------------------------------------------------------------------------
  protected onData(bytes: Uint8Array, now: number): void {
    if (this.phase === 'idle' || this.phase === 'connecting' || this.phase === 'tls-handshake') return;
    // A greeting that has started arriving is a slow server, never implicit TLS.
    if (this.phase === 'greeting' && bytes.length > 0) this.endTlsSniff(now, SNIFF_TEXT.greetingStarted);
    const expected = this.pending.length;
    const { replies, error } = this.reader.push(bytes);
    for (let i = 0; i < replies.length; i++) {
      const reply = replies[i] as ParsedReply;
      if (i >= expected || this.pending.length === 0) {
        this.unsolicited(reply, now);
        if (this.stoppedReading()) return;
        continue;
      }
      this.onReply(reply, now, replies.slice(i + 1));
      if (this.stoppedReading()) return;
    }
    if (error) this.onReaderError(error, now);
  }

  /** After a reply the connection may be gone, or handed to TLS: the rest of the chunk is not ours to read. */
  protected stoppedReading(): boolean {
    const phase: Phase = this.phase;
    return phase === 'idle' || phase === 'done' || phase === 'tls-handshake';
  }

  private unsolicited(reply: ParsedReply, now: number): void {
    // A flood of stray replies would otherwise become a flood of stored events.
    if (++this.unsolicitedOnConnection > MAX_UNSOLICITED) {
      return this.protocolViolation(
        'unsolicited-data',
        `The server kept sending replies nobody asked for (more than ${MAX_UNSOLICITED}); the session was ended.`,
        now,
        encodeBase64(encodeText(reply.lines.join('\r\n')).subarray(0, 256)),
      );
    }
    this.replyEvent(reply, now, undefined, ['unsolicited']);
    this.error('unsolicited-data', 'server', 'The server sent a reply nobody asked for; it was recorded and not taken as the answer to any command.', now);
  }

  protected onReaderError(error: ReaderError, now: number): void {
    this.protocolViolation(error.code, error.message, now, error.evidence);
  }

  /** The server broke the protocol: record it with evidence and end the probe (it would do it again). */
  protected protocolViolation(code: string, message: string, now: number, evidence?: string): void {
    this.error(code, 'server', message, now, evidence);
    if (this.phase === 'greeting') this.attempt(code);
    this.dropConnection();
    if (!this.established) {
      this.failure ??= { verdict: 'inconclusive', reason: 'protocol-error', text: `The server does not speak SMTP correctly: ${message}` };
    }
    this.requeueCurrent('protocol-error', message, now);
    this.abortRemaining('protocol-error', `The session ended on a protocol error: ${message}`, now);
    this.finish(now);
  }

  protected onReply(reply: ParsedReply, now: number, restOfChunk: readonly ParsedReply[]): void {
    const pending = this.pending.shift() as Pending;
    this.replyEvent(reply, now, pending);
    if (reply.code >= 400) this.errorsOnConnection++;
    this.clearTimer('reply');
    if (this.pending.length > 0) this.setTimer('reply', this.options.replyTimeoutMs);
    const judged: JudgedReply = { code: reply.code, enhanced: reply.enhanced, text: replyText(reply) };
    if (reply.code === 421 && pending.purpose !== 'quit') return this.onServiceUnavailable(judged, now);
    switch (pending.purpose) {
      case 'greeting':
        return this.onGreeting(reply, judged, now);
      case 'ehlo':
        return this.onEhlo(reply, judged, now);
      case 'helo':
        return this.onHelo(reply, judged, now);
      case 'starttls':
        return this.onStartTlsReply(judged, now, restOfChunk);
      case 'quit':
        return this.afterQuitDone(now);
      default:
        return this.onTransactionReply(pending.purpose, judged, now);
    }
  }

  protected onServiceUnavailable(reply: JudgedReply, now: number): void {
    const flags = causeFlags(reply);
    this.error('service-unavailable', 'server', `The server said 421 (${reply.text || 'service not available'}) and is closing the session.`, now);
    if (this.phase === 'greeting') this.attempt('421');
    const flag = flags.includes('error-limit') ? 'error-limit' : flags.includes('rate-limited') ? 'rate-limited' : 'connection-lost';
    if (flag === 'rate-limited' && this.phase === 'greeting') {
      // A connection limit (Postfix anvil: "421 4.7.0 host Error: too many connections from
      // 127.0.0.2") answers every new connection the same way until its time unit passes:
      // reconnecting at once only repeats it. Stop, and name the limit.
      const why = `The server limits connections per client and refused this one: ${reply.code} ${reply.text}`;
      this.dropConnection();
      if (!this.testsBegun) this.failure ??= { verdict: 'inconclusive', reason: 'rate-limited', text: why };
      this.requeueCurrent('rate-limited', why, now);
      this.abortRemaining('rate-limited', why, now);
      return this.finish(now);
    }
    this.connectionUnusable(`The server closed the session with 421: ${reply.text}`, now, 'inconclusive', flag, flag as ReasonCode);
  }

  protected onGreeting(reply: ParsedReply, judged: JudgedReply, now: number): void {
    if (reply.code === 220) {
      this.facts.greeting = reply.lines;
      this.localNames = mergeLocalNames(this.localNames, [nameFromReplyText(reply.texts[0])]);
      return this.sendEhlo(now);
    }
    const noService = reply.code === 554 || reply.code === 521;
    this.error(
      noService ? 'no-service' : 'unexpected-greeting',
      'server',
      noService ? `The server greeted with ${reply.code}: it offers no SMTP service to us.` : `The greeting was ${reply.code}, not 220.`,
      now,
    );
    this.attempt(noService ? 'no-service' : 'unexpected-greeting');
    if (!this.established && this.targetIndex + 1 >= this.options.targets.length) {
      this.failure ??= { verdict: 'unreachable', reason: 'no-service', text: `The server greeted with ${reply.code} ${judged.text}: no SMTP service for us.` };
    }
    // RFC 5321 §3.1: after a 554 greeting the client should send QUIT.
    this.afterQuit = this.established ? 'reconnect' : 'next-target';
    this.sendQuit(now);
  }

  protected sendEhlo(now: number): void {
    this.go('ehlo');
    this.needsRset = false; // EHLO resets the transaction state (RFC 5321 §4.1.4)
    this.send([{ command: cmd.ehlo(this.options.helo), purpose: 'ehlo' }], now, false);
  }

  protected onEhlo(reply: ParsedReply, judged: JudgedReply, now: number): void {
    if (reply.code !== 250) {
      // RFC 5321 §4.1.4: a server that does not support EHLO answers 500/502; fall back to HELO.
      this.info('helo-fallback', `EHLO refused with ${judged.code}; trying HELO.`, now, 'ehlo');
      this.go('helo');
      this.facts.heloFallback = true;
      return this.send([{ command: cmd.helo(this.options.helo), purpose: 'helo' }], now, false);
    }
    const ehlo = readEhloReply(reply.texts);
    this.facts.ehloName = ehlo.firstLine.split(/\s+/, 1)[0];
    this.facts.extensions = ehlo.extensions;
    this.facts.pipelining = hasExtension(ehlo.extensions, 'PIPELINING');
    if (!this.tlsActive) this.facts.starttlsOffered = hasExtension(ehlo.extensions, 'STARTTLS');
    this.localNames = mergeLocalNames(this.localNames, [nameFromReplyText(ehlo.firstLine)]);
    if (this.wantsStartTls()) return this.sendStartTls(now);
    if (this.options.tls === 'starttls' && !this.tlsActive) {
      this.error('starttls-not-offered', 'server', 'STARTTLS was required (--tls starttls) but the server does not advertise it.', now);
      return this.tlsUnavailable('STARTTLS was required but the server does not offer it.', now);
    }
    this.sessionReady(now);
  }

  protected onHelo(reply: ParsedReply, judged: JudgedReply, now: number): void {
    if (reply.code !== 250) {
      const nameRefused = causeFlags(judged).includes('helo-refused');
      const text = nameRefused
        ? `The server refused our HELO name ${this.options.helo} (to EHLO and HELO): ${judged.code} ${judged.text}`
        : `The server refused both EHLO and HELO: ${judged.code} ${judged.text}`;
      this.error('helo-refused', 'server', `${text}.`, now);
      this.failure ??= this.established ? undefined : { verdict: 'inconclusive', reason: 'helo-refused', text };
      this.afterQuit = 'finish';
      this.abortRemaining('connection-lost', 'The server refused EHLO and HELO.', now);
      return this.sendQuit(now);
    }
    this.facts.extensions = [];
    this.facts.pipelining = false;
    this.localNames = mergeLocalNames(this.localNames, [nameFromReplyText(reply.texts[0])]);
    if (this.options.tls === 'starttls' && !this.tlsActive) {
      this.error('starttls-not-offered', 'server', 'STARTTLS was required but the server does not support EHLO, so it cannot offer it.', now);
      return this.tlsUnavailable('STARTTLS was required but the server does not offer it.', now);
    }
    this.sessionReady(now);
  }

  protected wantsStartTls(): boolean {
    if (this.tlsActive || this.tlsDisabled || !this.facts.starttlsOffered) return false;
    return this.options.tls === 'auto' || this.options.tls === 'starttls';
  }

  protected sendStartTls(now: number): void {
    this.go('starttls');
    this.send([{ command: cmd.starttls(), purpose: 'starttls' }], now, false);
  }

  protected onStartTlsReply(reply: JudgedReply, now: number, restOfChunk: readonly ParsedReply[]): void {
    if (reply.code !== 220) {
      this.error('starttls-refused', 'server', `STARTTLS was answered ${reply.code} ${reply.text}.`, now);
      if (this.options.tls === 'starttls') return this.tlsUnavailable('The server refused STARTTLS.', now);
      this.tlsDisabled = true;
      this.info('tls-skipped', 'Going on in plain text (--tls auto).', now, 'starttls');
      return this.sessionReady(now);
    }
    if (restOfChunk.length > 0 || this.reader.bufferedBytes > 0) {
      // The client twin of CVE-2011-0411: plaintext queued behind the 220 would be read as if it came over TLS.
      const parsed = restOfChunk.map((r) => `${r.lines.join('\r\n')}\r\n`).join('');
      const injected = concatBytes(encodeText(parsed), this.reader.discardBuffered());
      this.error(
        'starttls-injection',
        'server',
        'Bytes followed the 220 to STARTTLS before the TLS handshake: a plaintext injection attempt; the session was aborted.',
        now,
        encodeBase64(injected.subarray(0, 256)),
      );
      this.dropConnection();
      this.failure ??= this.testsBegun
        ? undefined
        : { verdict: 'inconclusive', reason: 'starttls-unavailable', text: 'The server injected plaintext after its STARTTLS reply; the session was aborted.' };
      this.requeueCurrent('starttls-unavailable', 'STARTTLS injection', now);
      this.abortRemaining('starttls-unavailable', 'The session was aborted after a STARTTLS injection attempt.', now);
      return this.finish(now);
    }
    this.go('tls-handshake');
    this.out.push({ type: 'start-tls', servername: this.target.host });
    this.setTimer('tls', this.options.replyTimeoutMs);
  }

  protected onTlsReady(details: TlsDetails, now: number): void {
    if (this.phase !== 'tls-handshake') return;
    this.clearTimer('tls');
    this.recordTls(details, now, 'starttls');
    // RFC 3207 §4.2: discard all knowledge obtained from the server before TLS and EHLO again.
    this.reader = new ReplyReader(this.options.readerLimits);
    this.facts.extensions = [];
    this.facts.pipelining = false;
    this.sendEhlo(now);
  }

  protected recordTls(details: TlsDetails, now: number, phase: 'connect' | 'starttls'): void {
    this.tlsActive = true;
    this.facts.tls = details;
    this.emit({ type: 'tls', phase, details }, now);
  }

  protected onTlsFailed(message: string, now: number): void {
    if (this.phase !== 'tls-handshake') return;
    this.clearTimer('tls');
    this.error('tls-failed', 'server', `The TLS handshake failed: ${message}`, now);
    this.tlsUnavailable(`The TLS handshake failed: ${message}`, now);
  }

  /** TLS could not be had: go on in plain text when allowed (auto), else end the probe. */
  protected tlsUnavailable(why: string, now: number): void {
    if (this.options.tls === 'auto') {
      // Opportunistic TLS (RFC 3207 §4.1 leaves it to the client): same server, plain text.
      this.tlsDisabled = true;
      this.info('tls-fallback', 'Reconnecting in plain text (--tls auto).', now, 'starttls');
      this.dropConnection();
      this.requeueCurrent('starttls-unavailable', why, now);
      return this.connect(now);
    }
    this.dropConnection();
    this.failure ??= this.testsBegun ? undefined : { verdict: 'inconclusive', reason: 'starttls-unavailable', text: why };
    this.requeueCurrent('starttls-unavailable', why, now);
    this.abortRemaining('starttls-unavailable', why, now);
    this.finish(now);
  }

  protected sendQuit(now: number): void {
    this.go('quit');
    this.pending = [];
    this.outbox = [];
    this.write([{ command: cmd.quit(), purpose: 'quit' }], now);
    this.clearTimer('reply');
    this.setTimer('reply', Math.min(this.options.replyTimeoutMs, 5000));
  }

  protected afterQuitDone(now: number): void {
    const after = this.afterQuit;
    this.afterQuit = 'finish';
    this.dropConnection();
    if (after === 'reconnect') return this.connect(now);
    if (typeof after === 'object') return this.setTimer('greylist', after.wait); // reconnects when it fires
    if (after === 'next-target') return this.connectionUnusable('No SMTP service.', now, 'no-service');
    this.finish(now);
  }
}
