// The probe state machine: feed it inputs (engine-io.ts), carry out the actions it returns.
// It owns the whole probe — every connection, the plan of tests, the delivery stage, the
// verdict — and does no I/O (HOUSE-STYLE rule 1).
//
// Invariants:
// - Nothing is written before the whole greeting is read (RFC 5321 §4.3.1; postscreen drops early talkers).
// - Replies are matched one to one, in order, with the commands written (RFC 2920 §3); a reply
//   in a chunk beyond the commands outstanding when that chunk arrived is unsolicited and recorded,
//   never taken as the answer to a later command.
// - Every planned test ends with exactly one result, "not-run" included.
// - After STARTTLS everything learned before is discarded and EHLO is sent again (RFC 3207 §4.2).
import { tlsProblems } from '@relayprobe/contracts';
import type { DeliveryResult, Phase as EventPhase, ReasonCode, SessionFacts, TlsDetails, VectorResult, Verdict } from '@relayprobe/contracts';
import type { EngineAction, EngineInput, EngineOptions, EngineTarget, TimerName } from './engine-io.js';
import { assertTransition, type Phase } from './phases.js';
import { ReplyReader, type ParsedReply, type ReaderError } from './reply-reader.js';
import * as cmd from './smtp-commands.js';
import type { SmtpCommand } from './smtp-commands.js';
import { Transcript } from './transcript.js';
import { readEhloReply, hasExtension } from './ehlo-reply.js';
import { mergeLocalNames, nameFromReplyText } from './local-names.js';
import { addressLiteral } from './relay-vectors.js';
import { buildPlan, notRunResult, type PlannedTest } from './test-plan.js';
import { evaluateAttempt, notCompletedResult, summarize, type Attempt } from './attempt.js';
import { causeFlags, type JudgedReply } from './reply-judge.js';
import { decideVerdict, type SessionFailure } from './verdict.js';
import { queueIdFrom, testMessageLines } from './delivery-message.js';
import { encodeBase64 } from './base64.js';

/** Stray replies tolerated on one connection before it counts as a protocol violation. */
const MAX_UNSOLICITED = 10;

const encodeText = (text: string) => new TextEncoder().encode(text);
const concatBytes = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

type Purpose = 'greeting' | 'ehlo' | 'helo' | 'starttls' | 'rset' | 'mail' | 'rcpt' | 'data' | 'message' | 'quit';

interface Pending {
  purpose: Purpose;
  sentAt: number;
  vector?: string | undefined;
}

/** What the engine knows at the end. */
export interface EngineResult {
  vectors: VectorResult[];
  delivery?: DeliveryResult | undefined;
  verdict: Verdict;
  session: SessionFacts;
}

const PHASE_OF: Record<Purpose, 'greeting' | 'ehlo' | 'starttls' | 'vector' | 'control' | 'delivery' | 'quit'> = {
  greeting: 'greeting', ehlo: 'ehlo', helo: 'ehlo', starttls: 'starttls', rset: 'vector', mail: 'vector', rcpt: 'vector',
  data: 'delivery', message: 'delivery', quit: 'quit',
};

export class ProbeSession {
  readonly transcript: Transcript;
  private phase: Phase = 'idle';
  private out: EngineAction[] = [];
  private reader: ReplyReader;
  private pending: Pending[] = [];
  private outbox: { command: SmtpCommand; purpose: Purpose }[] = [];
  private target: EngineTarget;
  private targetIndex = 0;
  private connections = 0;
  private established = false;
  private tlsActive = false;
  private tlsDisabled = false;
  private errorsOnConnection = 0;
  private replyTimeouts = 0;
  private afterQuit: 'reconnect' | 'next-target' | 'finish' = 'finish';
  private localNames: string[];
  private plan: PlannedTest[] | undefined;
  private queue: PlannedTest[] = [];
  private results = new Map<string, VectorResult>();
  private current: Attempt | undefined;
  private delivery: DeliveryResult | undefined;
  private deliveryDone = false;
  private failure: SessionFailure | undefined;
  private verdict: Verdict | undefined;
  private internalVantage = false;
  private readonly plainSender: string;
  private readonly facts: SessionFacts;

  constructor(private readonly options: EngineOptions, transcript: Transcript) {
    if (options.targets.length === 0) throw new Error('engine bug: no targets');
    this.transcript = transcript;
    this.reader = new ReplyReader(options.readerLimits);
    this.target = options.targets[0] as EngineTarget;
    this.localNames = mergeLocalNames([], options.localNameHints);
    this.plainSender = `<relayprobe-${options.token}@${options.testDomain}>`;
    this.facts = {
      port: options.port, attempts: [], heloFallback: false, extensions: [], pipelining: false, starttlsOffered: false,
      tls: null, localNames: [], connections: 0,
    };
  }

  /** Start the probe at monotonic time `now`. */
  start(now: number): EngineAction[] {
    this.setTimer('probe', this.options.probeDeadlineMs);
    this.connect(now);
    return this.flush();
  }

  /** Feed one input; returns the actions to carry out, in order. */
  handle(input: EngineInput): EngineAction[] {
    if (this.phase === 'done') return [];
    const now = input.now;
    switch (input.type) {
      case 'connected': return this.onConnected(input, now), this.flush();
      case 'connect-failed': return this.onConnectFailed(input.code, input.message, now), this.flush();
      case 'data': return this.onData(input.bytes, now), this.flush();
      case 'tls-ready': return this.onTlsReady(input.details, now), this.flush();
      case 'tls-failed': return this.onTlsFailed(input.message, now), this.flush();
      case 'timer': return this.onTimer(input.timer, now), this.flush();
      case 'closed': return this.onClosed(input.reset === true, input.message, now), this.flush();
      case 'abort': return this.stop('probe-aborted', input.message, now), this.flush();
    }
  }

  get finished(): boolean {
    return this.phase === 'done';
  }

  /** The final result; only valid once finished. */
  result(): EngineResult {
    if (!this.verdict) throw new Error('engine bug: result() before the probe finished');
    const order = this.plan?.map((t) => this.results.get(t.key)).filter((r): r is VectorResult => r !== undefined) ?? [];
    return { vectors: order, delivery: this.delivery, verdict: this.verdict, session: { ...this.facts, localNames: [...this.localNames] } };
  }

  // ---- plumbing -------------------------------------------------------------------------

  private flush(): EngineAction[] {
    const actions = this.out;
    this.out = [];
    return actions;
  }

  private go(next: Phase): void {
    assertTransition(this.phase, next);
    this.phase = next;
  }

  private emit(body: Parameters<Transcript['add']>[0], now: number): void {
    this.out.push({ type: 'event', event: this.transcript.add(body, now) });
  }

  private info(code: string, text: string, now: number, phase: EventPhase = 'connect'): void {
    this.emit({ type: 'info', phase, code, text }, now);
  }

  private error(code: string, side: 'ours' | 'server', text: string, now: number, evidence?: string): void {
    this.emit({ type: 'error', phase: this.eventPhase(), code, side, text, ...(evidence ? { evidence } : {}), ...(this.current ? { vector: this.current.test.key } : {}) }, now);
  }

  private eventPhase(): EventPhase {
    if (this.current) return this.current.kind === 'delivery' ? 'delivery' : this.current.test.vector.weight === 'control' ? 'control' : 'vector';
    switch (this.phase) {
      case 'greeting': return 'greeting';
      case 'ehlo': case 'helo': return 'ehlo';
      case 'starttls': case 'tls-handshake': return 'starttls';
      case 'quit': return 'quit';
      default: return 'connect';
    }
  }

  private setTimer(timer: TimerName, ms: number): void {
    this.out.push({ type: 'set-timer', timer, ms });
  }

  private clearTimer(timer: TimerName): void {
    this.out.push({ type: 'clear-timer', timer });
  }

  /** Write commands: all at once when pipelining (RFC 2920), else the first and queue the rest. */
  private send(commands: { command: SmtpCommand; purpose: Purpose }[], now: number, pipeline: boolean): void {
    const batch = pipeline ? commands : commands.slice(0, 1);
    this.outbox = pipeline ? [] : commands.slice(1);
    this.write(batch, now);
  }

  private write(batch: { command: SmtpCommand; purpose: Purpose }[], now: number): void {
    const vector = this.current?.test.key;
    for (const { command, purpose } of batch) {
      this.pending.push({ purpose, sentAt: now, vector });
      this.emit({ type: 'command', phase: this.commandPhase(purpose), tls: this.tlsActive, text: command.line, ...(vector ? { vector } : {}) }, now);
    }
    this.out.push({ type: 'write', data: batch.map((b) => cmd.toWire(b.command)).join('') });
    this.setTimer('reply', this.options.replyTimeoutMs);
  }

  private commandPhase(purpose: Purpose): EventPhase {
    const phase = PHASE_OF[purpose];
    if (phase === 'vector' && this.current) return this.eventPhase();
    return phase;
  }

  // ---- connections ----------------------------------------------------------------------

  private connect(now: number): void {
    const max = this.options.maxConnections ?? 12;
    if (this.connections >= max) {
      this.error('connection-budget', 'ours', `Opened ${this.connections} connections, the per-probe budget; the remaining tests were not run.`, now);
      this.abortRemaining('not-run', 'The connection budget ran out.', now);
      return this.finish(now);
    }
    if (this.established) {
      // Three connections in a row that settle nothing: the server will not let the suite finish.
      this.stalls = this.results.size === this.resultsAtConnect ? this.stalls + 1 : 0;
      this.resultsAtConnect = this.results.size;
      if (this.stalls >= 3) {
        this.error('connection-budget', 'ours', 'Three reconnects in a row produced no answer; the remaining tests were not run.', now);
        this.abortRemaining('connection-lost', 'Reconnecting did not help: the server kept ending the session.', now);
        return this.finish(now);
      }
    }
    this.connections++;
    this.facts.connections = this.connections;
    this.reader = new ReplyReader(this.options.readerLimits);
    this.pending = [];
    this.outbox = [];
    this.tlsActive = false;
    this.errorsOnConnection = 0;
    this.unsolicitedOnConnection = 0;
    const implicitTls = this.options.tls === 'implicit' || (this.options.tls === 'auto' && this.options.port === 465);
    const { address, family, host } = this.target;
    const where = family === 6 ? `[${address}]:${this.options.port}` : `${address}:${this.options.port}`;
    this.info('connecting', `Trying ${where}${host ? ` (${host})` : ''}${implicitTls ? ' with implicit TLS' : ''}...`, now);
    this.go('connecting');
    this.out.push({ type: 'connect', address, family, port: this.options.port, implicitTls, servername: host });
    this.setTimer('connect', this.options.connectTimeoutMs);
  }

  private onConnected(input: Extract<EngineInput, { type: 'connected' }>, now: number): void {
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
  }

  private onConnectFailed(code: string, message: string, now: number): void {
    if (this.phase !== 'connecting') return;
    this.clearTimer('connect');
    this.error(code, code === 'source-address-unavailable' ? 'ours' : 'server', message, now);
    this.attempt(code);
    this.go('idle');
    this.connectionUnusable(code === 'tls-failed' ? 'The TLS handshake failed.' : message, now, 'connect-failed');
  }

  private attempt(outcome: string): void {
    this.facts.attempts.push({ address: this.target.address, port: this.options.port, outcome });
  }

  /** Drop the connection without QUIT (it is broken or hostile). */
  private dropConnection(): void {
    if (this.phase === 'idle' || this.phase === 'done') return;
    this.out.push({ type: 'close' });
    this.clearTimer('reply');
    this.clearTimer('tls');
    this.clearTimer('connect');
    this.pending = [];
    this.outbox = [];
    this.go('idle');
  }

  /**
   * The connection is gone or useless. Before any SMTP session: try the next address. After: put
   * the test in flight back (once), and reconnect when tests remain.
   */
  private connectionUnusable(why: string, now: number, unreachable: ReasonCode | 'inconclusive', flag = 'connection-lost', inconclusiveReason: ReasonCode = 'connection-lost'): void {
    this.dropConnection();
    if (!this.established) {
      if (this.targetIndex + 1 < this.options.targets.length) {
        this.targetIndex++;
        this.target = this.options.targets[this.targetIndex] as EngineTarget;
        return this.connect(now);
      }
      this.failure ??= unreachable === 'inconclusive'
        ? { verdict: 'inconclusive', reason: inconclusiveReason, text: why }
        : { verdict: 'unreachable', reason: unreachable, text: why };
      this.abortRemaining('not-run', why, now);
      return this.finish(now);
    }
    this.requeueCurrent(flag, why, now);
    if (this.queue.length === 0 && !this.deliveryWanted()) return this.finish(now);
    this.connect(now);
  }

  private requeueCurrent(flag: string, why: string, now: number): void {
    const attempt = this.current;
    this.current = undefined;
    if (!attempt) return;
    if (attempt.kind === 'delivery') {
      this.delivery = { vector: attempt.test.key, mailFrom: attempt.mailFrom, rcptTo: attempt.rcptTo, outcome: 'not-completed' };
      this.deliveryDone = true;
      this.emit({ type: 'delivery', result: this.delivery }, now);
      return;
    }
    if (attempt.test.attempts < 2) this.queue.unshift(attempt.test);
    else this.record(notCompletedResult(attempt, flag, why), now);
  }

  private onClosed(reset: boolean, message: string | undefined, now: number): void {
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

  private onTimer(timer: TimerName, now: number): void {
    switch (timer) {
      case 'probe':
        return this.stop('probe-deadline', `The whole-probe deadline (${duration(this.options.probeDeadlineMs)}) passed.`, now);
      case 'connect':
        if (this.phase !== 'connecting') return;
        return this.onConnectFailed('connect-timeout', `No TCP connection within ${duration(this.options.connectTimeoutMs)}; outbound port ${this.options.port} may be blocked by your provider or network.`, now);
      case 'tls':
        if (this.phase !== 'tls-handshake') return;
        this.error('tls-timeout', 'server', 'The TLS handshake did not finish in time.', now);
        return this.tlsUnavailable('The TLS handshake did not finish in time.', now);
      case 'reply':
        return this.onReplyTimeout(now);
    }
  }

  /** End the probe now: the deadline passed or the caller aborted. */
  private stop(code: 'probe-deadline' | 'probe-aborted', text: string, now: number): void {
    this.error(code, 'ours', text, now);
    this.dropConnection();
    this.requeueCurrent(code, text, now);
    if (!this.plan) this.failure ??= { verdict: 'inconclusive', reason: code, text: `${text} The relay tests had not begun.` };
    this.abortRemaining(code, text, now);
    this.finish(now);
  }

  private onReplyTimeout(now: number): void {
    if (this.pending.length === 0) return;
    const waitedFor = this.pending[0] as Pending;
    if (waitedFor.purpose === 'quit') {
      this.pending = [];
      return this.afterQuitDone(now);
    }
    const seconds = duration(this.options.replyTimeoutMs);
    if (waitedFor.purpose === 'greeting') {
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

  private onData(bytes: Uint8Array, now: number): void {
    if (this.phase === 'idle' || this.phase === 'connecting' || this.phase === 'tls-handshake') return;
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
  private stoppedReading(): boolean {
    const phase: Phase = this.phase;
    return phase === 'idle' || phase === 'done' || phase === 'tls-handshake';
  }

  private replyEvent(reply: ParsedReply, now: number, pending: Pending | undefined, extraFlags: string[] = []): void {
    this.emit({
      type: 'reply',
      phase: pending ? this.commandPhase(pending.purpose) : this.eventPhase(),
      tls: this.tlsActive,
      code: reply.code,
      ...(reply.enhanced ? { enhanced: reply.enhanced } : {}),
      lines: reply.lines,
      ...(reply.raw ? { raw: reply.raw } : {}),
      elapsedMs: Math.max(0, Math.round(now - (pending?.sentAt ?? now))),
      flags: [...reply.flags, ...extraFlags],
      ...(pending?.vector ? { vector: pending.vector } : {}),
    }, now);
  }

  private unsolicited(reply: ParsedReply, now: number): void {
    // A flood of stray replies would otherwise become a flood of stored events.
    if (++this.unsolicitedOnConnection > MAX_UNSOLICITED) {
      return this.protocolViolation('unsolicited-data', `The server kept sending replies nobody asked for (more than ${MAX_UNSOLICITED}); the session was ended.`, now, encodeBase64(encodeText(reply.lines.join('\r\n')).subarray(0, 256)));
    }
    this.replyEvent(reply, now, undefined, ['unsolicited']);
    this.error('unsolicited-data', 'server', 'The server sent a reply nobody asked for; it was recorded and not taken as the answer to any command.', now);
  }

  private onReaderError(error: ReaderError, now: number): void {
    this.protocolViolation(error.code, error.message, now, error.evidence);
  }

  /** The server broke the protocol: record it with evidence and end the probe (it would do it again). */
  private protocolViolation(code: string, message: string, now: number, evidence?: string): void {
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

  private onReply(reply: ParsedReply, now: number, restOfChunk: readonly ParsedReply[]): void {
    const pending = this.pending.shift() as Pending;
    this.replyEvent(reply, now, pending);
    if (reply.code >= 400) this.errorsOnConnection++;
    this.clearTimer('reply');
    if (this.pending.length > 0) this.setTimer('reply', this.options.replyTimeoutMs);
    const judged: JudgedReply = { code: reply.code, enhanced: reply.enhanced, text: replyText(reply) };
    if (reply.code === 421 && pending.purpose !== 'quit') return this.onServiceUnavailable(judged, now);
    switch (pending.purpose) {
      case 'greeting': return this.onGreeting(reply, judged, now);
      case 'ehlo': return this.onEhlo(reply, judged, now);
      case 'helo': return this.onHelo(reply, judged, now);
      case 'starttls': return this.onStartTlsReply(judged, now, restOfChunk);
      case 'rset': return this.sendNextOf(now);
      case 'mail': return this.onMailReply(judged, now);
      case 'rcpt': return this.onRcptReply(judged, now);
      case 'data': return this.onDataReply(judged, now);
      case 'message': return this.onMessageReply(judged, now);
      case 'quit': return this.afterQuitDone(now);
    }
  }

  private onServiceUnavailable(reply: JudgedReply, now: number): void {
    const flags = causeFlags(reply);
    this.error('service-unavailable', 'server', `The server said 421 (${reply.text || 'service not available'}) and is closing the session.`, now);
    if (this.phase === 'greeting') this.attempt('421');
    const flag = flags.includes('error-limit') ? 'error-limit' : flags.includes('rate-limited') ? 'rate-limited' : 'connection-lost';
    this.connectionUnusable(`The server closed the session with 421: ${reply.text}`, now, 'inconclusive', flag, flag as ReasonCode);
  }

  private onGreeting(reply: ParsedReply, judged: JudgedReply, now: number): void {
    if (reply.code === 220) {
      this.facts.greeting = reply.lines;
      this.localNames = mergeLocalNames(this.localNames, [nameFromReplyText(reply.texts[0])]);
      return this.sendEhlo(now);
    }
    const noService = reply.code === 554 || reply.code === 521;
    this.error(noService ? 'no-service' : 'unexpected-greeting', 'server', noService ? `The server greeted with ${reply.code}: it offers no SMTP service to us.` : `The greeting was ${reply.code}, not 220.`, now);
    this.attempt(noService ? 'no-service' : 'unexpected-greeting');
    if (!this.established && this.targetIndex + 1 >= this.options.targets.length) {
      this.failure ??= { verdict: 'unreachable', reason: 'no-service', text: `The server greeted with ${reply.code} ${judged.text}: no SMTP service for us.` };
    }
    // RFC 5321 §3.1: after a 554 greeting the client should send QUIT.
    this.afterQuit = this.established ? 'reconnect' : 'next-target';
    this.sendQuit(now);
  }

  private sendEhlo(now: number): void {
    this.go('ehlo');
    this.needsRset = false; // EHLO resets the transaction state (RFC 5321 §4.1.4)
    this.send([{ command: cmd.ehlo(this.options.helo), purpose: 'ehlo' }], now, false);
  }

  private onEhlo(reply: ParsedReply, judged: JudgedReply, now: number): void {
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

  private onHelo(reply: ParsedReply, judged: JudgedReply, now: number): void {
    if (reply.code !== 250) {
      this.error('helo-refused', 'server', `Both EHLO and HELO were refused (${judged.code} ${judged.text}).`, now);
      this.failure ??= this.established ? undefined : { verdict: 'inconclusive', reason: 'helo-refused', text: `The server refused both EHLO and HELO: ${judged.code} ${judged.text}` };
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

  private wantsStartTls(): boolean {
    if (this.tlsActive || this.tlsDisabled || !this.facts.starttlsOffered) return false;
    return this.options.tls === 'auto' || this.options.tls === 'starttls';
  }

  private sendStartTls(now: number): void {
    this.go('starttls');
    this.send([{ command: cmd.starttls(), purpose: 'starttls' }], now, false);
  }

  private onStartTlsReply(reply: JudgedReply, now: number, restOfChunk: readonly ParsedReply[]): void {
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
      this.error('starttls-injection', 'server', 'Bytes followed the 220 to STARTTLS before the TLS handshake: a plaintext injection attempt; the session was aborted.', now, encodeBase64(injected.subarray(0, 256)));
      this.dropConnection();
      this.failure ??= this.plan ? undefined : { verdict: 'inconclusive', reason: 'starttls-unavailable', text: 'The server injected plaintext after its STARTTLS reply; the session was aborted.' };
      this.requeueCurrent('starttls-unavailable', 'STARTTLS injection', now);
      this.abortRemaining('starttls-unavailable', 'The session was aborted after a STARTTLS injection attempt.', now);
      return this.finish(now);
    }
    this.go('tls-handshake');
    this.out.push({ type: 'start-tls', servername: this.target.host });
    this.setTimer('tls', this.options.replyTimeoutMs);
  }

  private onTlsReady(details: TlsDetails, now: number): void {
    if (this.phase !== 'tls-handshake') return;
    this.clearTimer('tls');
    this.recordTls(details, now, 'starttls');
    // RFC 3207 §4.2: discard all knowledge obtained from the server before TLS and EHLO again.
    this.reader = new ReplyReader(this.options.readerLimits);
    this.facts.extensions = [];
    this.facts.pipelining = false;
    this.sendEhlo(now);
  }

  private recordTls(details: TlsDetails, now: number, phase: 'connect' | 'starttls'): void {
    this.tlsActive = true;
    this.facts.tls = details;
    this.emit({ type: 'tls', phase, details }, now);
  }

  private onTlsFailed(message: string, now: number): void {
    if (this.phase !== 'tls-handshake') return;
    this.clearTimer('tls');
    this.error('tls-failed', 'server', `The TLS handshake failed: ${message}`, now);
    this.tlsUnavailable(`The TLS handshake failed: ${message}`, now);
  }

  /** TLS could not be had: go on in plain text when allowed (auto), else end the probe. */
  private tlsUnavailable(why: string, now: number): void {
    if (this.options.tls === 'auto') {
      // Opportunistic TLS (RFC 3207 §4.1 leaves it to the client): same server, plain text.
      this.tlsDisabled = true;
      this.info('tls-fallback', 'Reconnecting in plain text (--tls auto).', now, 'starttls');
      this.dropConnection();
      this.requeueCurrent('starttls-unavailable', why, now);
      return this.connect(now);
    }
    this.dropConnection();
    this.failure ??= this.plan ? undefined : { verdict: 'inconclusive', reason: 'starttls-unavailable', text: why };
    this.requeueCurrent('starttls-unavailable', why, now);
    this.abortRemaining('starttls-unavailable', why, now);
    this.finish(now);
  }

  // ---- the tests ------------------------------------------------------------------------

  private sessionReady(now: number): void {
    if (!this.established) this.attempt('smtp-session');
    this.established = true;
    this.go('ready');
    if (!this.plan) {
      this.plan = buildPlan({
        suite: this.options.suite,
        values: { x: `relayprobe-${this.options.token}`, r: `relayprobe-${this.options.token}`, ext: this.options.testDomain,
          IP: addressLiteral(this.target.address, this.target.family), invalid: `nonexistent-${this.options.token}.invalid` },
        localNames: this.localNames,
      });
      this.queue = [...this.plan];
      this.info('plan', `Running ${this.plan.length} tests (${this.options.suite} suite)${this.localNames.length ? `; local names: ${this.localNames.join(', ')}` : '; no local host name known'}.`, now, 'ehlo');
    }
    this.next(now);
  }

  private deliveryWanted(): boolean {
    return this.options.sendMessage && !this.deliveryDone && [...this.results.values()].some((r) => r.weight === 'strong' && r.outcome === 'accepted');
  }

  /** Start whatever comes next on a ready session. */
  private next(now: number): void {
    if (this.deliveryWanted()) return this.startDelivery(now);
    const test = this.queue.shift();
    if (!test) {
      this.afterQuit = 'finish';
      return this.sendQuit(now);
    }
    if (test.mailFrom === undefined || test.rcptTo === undefined) {
      this.record(notRunResult(test, 'no-local-name', 'No host name of the server is known, so this form could not be built.'), now);
      return this.next(now);
    }
    if (!fitsCommandLine(test.mailFrom, test.rcptTo)) {
      this.record(notRunResult(test, 'too-long', 'With this server\'s name the command would exceed 512 octets (RFC 5321 §4.5.3.1.4), so it was not sent.'), now);
      return this.next(now);
    }
    if (this.errorsOnConnection >= (this.options.errorsBeforeReconnect ?? 8)) {
      // Postfix sleeps after 10 errors and disconnects after 20 (smtpd_soft/hard_error_limit).
      this.queue.unshift(test);
      this.info('reconnect', `Reconnecting before the server's error limit (${this.errorsOnConnection} refusals on this connection).`, now, 'quit');
      this.afterQuit = 'reconnect';
      return this.sendQuit(now);
    }
    test.attempts++;
    const index = (this.plan?.indexOf(test) ?? 0) + 1;
    this.emit({ type: 'vector-start', vector: test.key, name: test.vector.name, index, total: this.plan?.length ?? index }, now);
    this.startAttempt({ test, kind: 'vector', mailFrom: test.mailFrom, rcptTo: test.rcptTo, stage: 'main' }, now);
  }

  private startAttempt(attempt: Attempt, now: number): void {
    this.current = attempt;
    this.go('transaction');
    const commands: { command: SmtpCommand; purpose: Purpose }[] = [];
    if (this.needsRset) commands.push({ command: cmd.rset(), purpose: 'rset' });
    commands.push({ command: cmd.mailFrom(attempt.mailFrom), purpose: 'mail' }, { command: cmd.rcptTo(attempt.rcptTo), purpose: 'rcpt' });
    this.needsRset = false;
    this.send(commands, now, this.facts.pipelining);
  }

  /** A MAIL was accepted since the last RSET/EHLO: the next transaction starts with RSET. */
  private needsRset = false;
  private unsolicitedOnConnection = 0;
  private stalls = 0;
  private resultsAtConnect = 0;

  private sendNextOf(now: number): void {
    const next = this.outbox.shift();
    if (next) this.write([next], now);
  }

  private onMailReply(reply: JudgedReply, now: number): void {
    const attempt = this.current as Attempt;
    attempt.mailReply = reply;
    if (reply.code >= 200 && reply.code < 300) {
      this.needsRset = true;
      return this.sendNextOf(now);
    }
    // Refused: an un-pipelined RCPT is not sent; a pipelined one gets its (503) reply first.
    this.outbox = [];
    if (this.pending.length === 0) this.finishAttempt(now);
  }

  private onRcptReply(reply: JudgedReply, now: number): void {
    const attempt = this.current as Attempt;
    const mailOk = attempt.mailReply !== undefined && attempt.mailReply.code >= 200 && attempt.mailReply.code < 300;
    if (mailOk) attempt.rcptReply = reply;
    this.finishAttempt(now);
  }

  private finishAttempt(now: number): void {
    const attempt = this.current as Attempt;
    if (attempt.kind === 'delivery') return this.continueDelivery(now);
    const canStartTls = !this.tlsActive && !this.tlsDisabled && this.facts.starttlsOffered && this.options.tls !== 'none';
    const verdict = evaluateAttempt(attempt, this.plainSender, canStartTls);
    switch (verdict.kind) {
      case 'retry-sender':
        this.info('sender-retry', `MAIL FROM ${attempt.mailFrom} was refused; testing the same recipient with ${verdict.mailFrom}.`, now, this.eventPhase());
        this.go('ready');
        return this.startAttempt({ ...attempt, stage: 'retry', mailFrom: verdict.mailFrom, refusedMail: { path: attempt.mailFrom, reply: summarize(attempt.mailReply as JudgedReply) }, mailReply: undefined, rcptReply: undefined }, now);
      case 'needs-starttls':
        this.current = undefined;
        attempt.test.attempts--;
        this.queue.unshift(attempt.test);
        this.info('starttls-first', 'The server wants STARTTLS before mail; upgrading and running the test again.', now, 'starttls');
        this.go('ready');
        return this.sendStartTls(now);
      case 'closing':
        return; // 421 is handled by onServiceUnavailable before we get here
      case 'result':
        this.current = undefined;
        this.record(verdict.result, now);
        this.go('ready');
        return this.next(now);
    }
  }

  private record(result: VectorResult, now: number): void {
    if (this.results.has(result.key)) return;
    this.results.set(result.key, result);
    this.emit({ type: 'vector-result', result }, now);
  }

  /** Every test without a result gets one ("not-run", or "not-completed" when it was on the wire). */
  private abortRemaining(flag: string, note: string, now: number): void {
    for (const test of this.queue.splice(0)) this.record(notRunResult(test, flag, note), now);
    if (this.current) this.requeueCurrent(flag, note, now);
    for (const test of this.queue.splice(0)) this.record(notRunResult(test, flag, note), now);
  }

  // ---- delivery stage (opt-in) ------------------------------------------------------------

  private startDelivery(now: number): void {
    const accepted = [...this.results.values()].find((r) => r.weight === 'strong' && r.outcome === 'accepted') as VectorResult;
    const test = this.plan?.find((t) => t.key === accepted.key) as PlannedTest;
    const to = this.options.to;
    const rcptTo = to ? test.vector.rcptTo
      .replace(/\{r\}/g, to.localPart).replace(/\{ext\}/g, to.domain)
      .replace(/\{T\}/g, test.localName ?? '').replace(/\{IP\}/g, addressLiteral(this.target.address, this.target.family)) : accepted.rcptTo;
    this.deliveryDone = true;
    if (!fitsCommandLine(accepted.mailFrom, rcptTo)) {
      this.info('delivery', `The test message was not sent: RCPT TO:${rcptTo} would exceed 512 octets.`, now, 'delivery');
      this.delivery = { vector: accepted.key, mailFrom: accepted.mailFrom, rcptTo, outcome: 'not-completed' };
      this.emit({ type: 'delivery', result: this.delivery }, now);
      return this.next(now);
    }
    this.info('delivery', `Sending one test message through ${accepted.key} to ${rcptTo} (--send-message).`, now, 'delivery');
    this.startAttempt({ test, kind: 'delivery', mailFrom: accepted.mailFrom, rcptTo, stage: 'main' }, now);
  }

  private continueDelivery(now: number): void {
    const attempt = this.current as Attempt;
    const mailOk = attempt.mailReply && attempt.mailReply.code >= 200 && attempt.mailReply.code < 300;
    const rcptOk = attempt.rcptReply && attempt.rcptReply.code >= 200 && attempt.rcptReply.code < 300;
    if (!mailOk || !rcptOk) return this.endDelivery('recipient-refused', attempt.rcptReply ?? attempt.mailReply, now);
    this.go('data');
    this.send([{ command: cmd.data(), purpose: 'data' }], now, false);
  }

  private onDataReply(reply: JudgedReply, now: number): void {
    if (reply.code !== 354) return this.endDelivery('refused-at-data', reply, now);
    const attempt = this.current as Attempt;
    const lines = testMessageLines({
      runId: this.options.runId, token: this.options.token, helo: this.options.helo, mailFrom: attempt.mailFrom, rcptTo: attempt.rcptTo,
      vector: attempt.test.key, server: this.target.address, epochMs: this.options.wallClockStart + this.transcript.elapsed(now),
    });
    const body = cmd.messageLines(lines);
    this.go('message');
    // The whole message goes in one write; only the final "." is answered (RFC 5321 §4.1.1.4).
    const vector = attempt.test.key;
    for (const line of body) this.emit({ type: 'command', phase: 'delivery', tls: this.tlsActive, text: line.line, vector }, now);
    this.pending.push({ purpose: 'message', sentAt: now, vector });
    this.out.push({ type: 'write', data: body.map(cmd.toWire).join('') });
    this.setTimer('reply', this.options.replyTimeoutMs);
  }

  private onMessageReply(reply: JudgedReply, now: number): void {
    this.endDelivery(reply.code >= 200 && reply.code < 300 ? 'accepted' : 'refused-at-end', reply, now);
  }

  private endDelivery(outcome: DeliveryResult['outcome'], reply: JudgedReply | undefined, now: number): void {
    const attempt = this.current as Attempt;
    const queueId = outcome === 'accepted' && reply ? queueIdFrom(reply.text) : undefined;
    this.delivery = {
      vector: attempt.test.key, mailFrom: attempt.mailFrom, rcptTo: attempt.rcptTo, outcome,
      ...(reply ? { reply: summarize(reply) } : {}), ...(queueId ? { queueId } : {}),
    };
    this.emit({ type: 'delivery', result: this.delivery }, now);
    this.current = undefined;
    this.needsRset = outcome !== 'accepted';
    this.go('ready');
    this.next(now);
  }

  // ---- the end ------------------------------------------------------------------------------

  private sendQuit(now: number): void {
    this.go('quit');
    this.pending = [];
    this.outbox = [];
    this.write([{ command: cmd.quit(), purpose: 'quit' }], now);
    this.clearTimer('reply');
    this.setTimer('reply', Math.min(this.options.replyTimeoutMs, 5000));
  }

  private afterQuitDone(now: number): void {
    const after = this.afterQuit;
    this.afterQuit = 'finish';
    this.dropConnection();
    if (after === 'reconnect') return this.connect(now);
    if (after === 'next-target') return this.connectionUnusable('No SMTP service.', now, 'no-service');
    this.finish(now);
  }

  private finish(now: number): void {
    if (this.phase === 'done') return;
    this.dropConnection();
    this.abortRemaining('not-run', 'The probe ended before this test ran.', now);
    if (this.failure === undefined && !this.plan) {
      this.failure = { verdict: 'inconclusive', reason: 'connection-lost', text: 'The session ended before the relay tests began.' };
    }
    const vectors = this.plan?.map((t) => this.results.get(t.key)).filter((r): r is VectorResult => r !== undefined) ?? [];
    this.verdict = decideVerdict({
      vectors, delivery: this.delivery, failure: this.plan ? undefined : this.failure, causes: [],
      internalVantage: this.internalVantage, testDomain: this.options.testDomain, tlsProblems: this.facts.tls ? tlsProblems(this.facts.tls) : [],
    });
    this.info('closed', `Done: ${this.connections} connection${this.connections === 1 ? '' : 's'}, ${vectors.length} tests.`, now, 'done');
    this.emit({ type: 'verdict', verdict: this.verdict }, now);
    this.clearTimer('probe');
    this.go('done');
    this.out.push({ type: 'finish' });
  }
}

/** Reply text without codes (RFC 3463 enhanced codes stripped from each line), lines joined. */
function replyText(reply: ParsedReply): string {
  return reply.texts.map((t) => t.replace(/^[245]\.\d{1,3}\.\d{1,3}(\s+|$)/, '')).join(' ').trim();
}

/** "30 s", "1.5 s" or "500 ms". */
function duration(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${Math.round(ms)} ms`;
}

/** Whether MAIL FROM and RCPT TO with these paths stay within RFC 5321's 512-octet command line. */
function fitsCommandLine(mailFrom: string, rcptTo: string): boolean {
  return 'MAIL FROM:'.length + mailFrom.length + 2 <= cmd.MAX_COMMAND_LINE_OCTETS && 'RCPT TO:'.length + rcptTo.length + 2 <= cmd.MAX_COMMAND_LINE_OCTETS;
}
