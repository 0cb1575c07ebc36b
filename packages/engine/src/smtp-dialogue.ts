// The dialogue on an open connection: each complete reply matched to the command it answers, and
// what follows it: the session's opening (smtp-setup.ts), the suite's steps (suite-runner.ts) and
// its transactions (test-transactions.ts) carried out on the wire. When the connection must end
// (a 421, a protocol violation, TLS that cannot be had, QUIT done) it returns the Ending, and the
// lifecycle (smtp-connection.ts) carries it out.
//
// Invariant: a 421 to any command but QUIT ends the session, whatever the command was (RFC 5321
// §3.8: the server is closing the channel).
import type { ErrorCode } from '@relayprobe/contracts';
import type { EngineOptions } from './engine-io.js';
import type { EngineOutput } from './engine-output.js';
import { encodeBase64 } from './base64.js';
import { SNIFF_TEXT, type TlsSniff } from './implicit-tls-sniff.js';
import { causeFlags, type JudgedReply } from './reply-judge.js';
import type { ParsedReply } from './reply-reader.js';
import { inconclusive, protocolStop, type Ending } from './session-end.js';
import type { SessionRecord } from './session-facts.js';
import { attemptOf, eventPhase, type Move, type QuitThen, type SessionMachine } from './session-state.js';
import * as cmd from './smtp-commands.js';
import type { SetupStep, SmtpSetup } from './smtp-setup.js';
import { MAX_UNSOLICITED, encodeText, judged, type Purpose, type SmtpWire } from './smtp-wire.js';
import type { AttemptStep, SessionContext, SuiteRunner, SuiteStep } from './suite-runner.js';
import type { Targets } from './targets.js';
import { transactionCommands, transactionReply } from './test-transactions.js';
import { duration } from './transcript.js';
import type { SessionFailure } from './verdict.js';

/** The pieces of the probe the dialogue works with (owned by the connection). */
export interface DialogueParts {
  options: EngineOptions;
  out: EngineOutput;
  machine: SessionMachine;
  record: SessionRecord;
  setup: SmtpSetup;
  sniff: TlsSniff;
  targets: Targets;
  runner: SuiteRunner;
}

export class SmtpDialogue {
  /** Replies that did not come in time, over the whole probe (twice, once established: a tarpit). */
  private replyTimeouts = 0;

  constructor(private readonly parts: DialogueParts) {}

  /** A complete reply to the command awaited first; `rest`: the replies after it in the same chunk. */
  reply(wire: SmtpWire, reply: ParsedReply, rest: readonly ParsedReply[], now: number): Ending | void {
    const { setup, machine, targets } = this.parts;
    const pending = wire.answer(reply, now);
    if (reply.code === 421 && pending.purpose !== 'quit') return this.serviceUnavailable(judged(reply), now);
    switch (pending.purpose) {
      case 'greeting':
        return this.setupStep(wire, setup.greeting(reply, machine.state, targets, now), now);
      case 'ehlo':
        return this.setupStep(wire, setup.ehlo(reply, wire, machine.state, now), now);
      case 'helo':
        return this.setupStep(wire, setup.helo(reply, wire, machine.state, now), now);
      case 'starttls':
        return this.setupStep(wire, setup.starttlsReply(reply, rest, wire, machine.state, now), now);
      case 'quit':
        return { end: 'after-quit' };
      default:
        return this.transactionReply(wire, pending.purpose, judged(reply), now);
    }
  }

  /** A reply nobody asked for: recorded and flagged; past MAX_UNSOLICITED on one connection, a protocol violation. */
  unsolicited(wire: SmtpWire, reply: ParsedReply, now: number): Ending | void {
    // A flood of stray replies would otherwise become a flood of stored events.
    if (++wire.unsolicited > MAX_UNSOLICITED) {
      const evidence = encodeBase64(encodeText(reply.lines.join('\r\n')).subarray(0, 256));
      return this.protocolViolation('unsolicited-data', `The server kept sending replies nobody asked for (more than ${MAX_UNSOLICITED}); the session was ended.`, now, evidence);
    }
    const { out, machine } = this.parts;
    wire.stray(reply, now, eventPhase(machine.state));
    out.error('unsolicited-data', 'The server sent a reply nobody asked for; it was recorded and not taken as the answer to any command.', now, machine.state);
  }

  /** The server broke the protocol: recorded with its evidence, and the probe stops (it would do it again). */
  protocolViolation(code: ErrorCode, message: string, now: number, evidence?: string): Ending {
    const { out, machine, record, targets } = this.parts;
    out.error(code, message, now, machine.state, evidence);
    if (machine.state.phase === 'greeting') record.attempt(targets.current.address, code);
    return { end: 'stop', stop: protocolStop(message) };
  }

  /** The reply awaited first did not come within the reply timeout. */
  timedOut(wire: SmtpWire, now: number): Ending | void {
    const waitedFor = wire.awaited;
    if (!waitedFor) return;
    if (waitedFor.purpose === 'quit') return { end: 'after-quit' };
    const { options, out, machine, record, sniff, targets } = this.parts;
    const seconds = duration(options.replyTimeoutMs);
    if (waitedFor.purpose === 'greeting') {
      sniff.end(now, SNIFF_TEXT.deadline);
      if (targets.hasSession) this.replyTimeouts++;
      out.error('greeting-timeout', `No complete greeting within ${seconds}: possibly a tarpit; RFC 5321 lets servers take 5 minutes (raise --timeout to wait longer).`, now, machine.state);
      record.attempt(targets.current.address, 'greeting-timeout');
      const why = 'The server did not finish its greeting in time (possible tarpit).';
      return { end: 'lost', why, failure: inconclusive('tarpit', why), flag: 'tarpit' };
    }
    out.error('reply-timeout', `No complete reply to ${waitedFor.purpose.toUpperCase()} within ${seconds}.`, now, machine.state);
    this.replyTimeouts++;
    const why = 'The server stopped answering in time.';
    // A server this slow twice will eat the whole deadline: stop reconnecting.
    if (this.replyTimeouts >= 2 && targets.hasSession) return { end: 'stop', stop: { requeue: { flag: 'tarpit', why }, abort: { flag: 'tarpit', note: 'The server answered too slowly (tarpit).' } } };
    return { end: 'lost', why, failure: inconclusive('tarpit', why), flag: 'tarpit' };
  }

  /** The server closed or reset the connection while a reply was expected. */
  closed(reset: boolean, message: string | undefined, now: number): Ending {
    const { out, machine, record, targets } = this.parts;
    const code = reset ? 'connection-reset' : 'connection-closed';
    out.error(code, `${reset ? 'The server reset the connection' : 'The server closed the connection'}${message ? ` (${message})` : ''} while a reply was expected.`, now, machine.state);
    if (machine.state.phase === 'greeting') record.attempt(targets.current.address, code);
    const why = reset ? 'The server reset the connection.' : 'The server closed the connection.';
    return { end: 'lost', why, failure: inconclusive('connection-lost', why) };
  }

  /** The STARTTLS handshake failed or did not finish in time. */
  tlsLost(code: 'tls-failed' | 'tls-timeout', text: string, now: number): Ending {
    this.parts.out.error(code, text, now, this.parts.machine.state);
    return { end: 'no-tls', why: text };
  }

  /** EHLO: after the greeting, and again inside TLS (RFC 3207 §4.2). */
  sendEhlo(wire: SmtpWire, now: number): void {
    this.send(wire, { type: 'ehlo' }, cmd.ehlo(this.parts.options.helo), 'ehlo', now);
  }

  sendQuit(wire: SmtpWire, then: QuitThen, now: number, failure?: SessionFailure): void {
    this.parts.machine.move({ type: 'quit', then, failure });
    wire.sendQuit(now);
  }

  private serviceUnavailable(reply: JudgedReply, now: number): Ending {
    const { out, machine, record, targets } = this.parts;
    const atGreeting = machine.state.phase === 'greeting';
    out.error('service-unavailable', `The server said 421 (${reply.text || 'service not available'}) and is closing the session.`, now, machine.state);
    if (atGreeting) record.attempt(targets.current.address, '421');
    const flags = causeFlags(reply);
    const flag = flags.includes('error-limit') ? 'error-limit' : flags.includes('rate-limited') ? 'rate-limited' : 'connection-lost';
    if (flag === 'rate-limited' && atGreeting) {
      // A connection limit (Postfix anvil: "421 4.7.0 host Error: too many connections from
      // 127.0.0.2") answers every new connection the same way until its time unit passes:
      // reconnecting at once only repeats it. Stop, and name the limit.
      const why = `The server limits connections per client and refused this one: ${reply.code} ${reply.text}`;
      return { end: 'stop', stop: { failure: inconclusive('rate-limited', why), requeue: { flag, why }, abort: { flag, note: why } } };
    }
    const why = `The server closed the session with 421: ${reply.text}`;
    return { end: 'lost', why, failure: inconclusive(flag, why), flag };
  }

  private setupStep(wire: SmtpWire, step: SetupStep, now: number): Ending | void {
    const { options, out, machine, targets, runner } = this.parts;
    switch (step.do) {
      case 'ehlo':
        return this.sendEhlo(wire, now);
      case 'helo':
        return this.send(wire, { type: 'helo' }, cmd.helo(options.helo), 'helo', now);
      case 'starttls':
        return this.send(wire, { type: 'starttls' }, cmd.starttls(), 'starttls', now);
      case 'tls-handshake':
        machine.move({ type: 'tls-handshake' });
        out.push({ type: 'start-tls', servername: targets.current.host });
        return out.setTimer('tls', options.replyTimeoutMs);
      case 'ready':
        return this.sessionReady(wire, now);
      case 'quit':
        if (step.abort) runner.abortRemaining(step.abort.flag, step.abort.note, now);
        return this.sendQuit(wire, step.then, now, step.failure);
      case 'end':
        return step.ending;
    }
  }

  /** One command of the session's opening, after its move. */
  private send(wire: SmtpWire, move: Move, command: cmd.SmtpCommand, purpose: Purpose, now: number): void {
    this.parts.machine.move(move);
    wire.send([{ command, purpose }], now, false);
  }

  /** The session is ready (EHLO/HELO done, TLS as configured): the suite says what runs. */
  private sessionReady(wire: SmtpWire, now: number): void {
    const { machine, record, targets, runner } = this.parts;
    if (targets.establish()) {
      record.attempt(targets.current.address, 'smtp-session');
      record.learnReverseNames();
    }
    machine.move({ type: 'session-ready' });
    this.suiteStep(wire, runner.ready(this.context(wire), record.localNames, now), now);
  }

  private context(wire: SmtpWire): SessionContext {
    return { target: this.parts.targets.current, refusals: wire.refusals, canStartTls: this.parts.setup.canStartTls(wire) };
  }

  private suiteStep(wire: SmtpWire, step: SuiteStep, now: number): void {
    const { machine, record } = this.parts;
    if (step.do === 'starttls') return this.send(wire, { type: 'starttls' }, cmd.starttls(), 'starttls', now);
    if (step.do === 'quit') return this.sendQuit(wire, step.then, now);
    const { state } = machine;
    const needsRset = state.phase === 'ready' && state.needsRset;
    machine.move({ type: 'begin-attempt', attempt: step.attempt });
    wire.send(transactionCommands(step.attempt, needsRset), now, record.facts.pipelining, step.attempt);
  }

  /** A reply to RSET, MAIL, RCPT, DATA or the message. */
  private transactionReply(wire: SmtpWire, purpose: 'rset' | 'mail' | 'rcpt' | 'data' | 'message', reply: JudgedReply, now: number): void {
    const { machine, runner } = this.parts;
    const attempt = attemptOf(machine.state);
    if (!attempt) throw new Error(`engine bug: a ${purpose} reply with no attempt in flight`);
    if (purpose === 'data' || purpose === 'message') return this.attemptStep(wire, runner.deliveryReply(attempt, purpose, reply, this.context(wire), now), now);
    const progress = transactionReply(attempt, purpose, reply, wire.outstanding);
    machine.move({ type: 'attempt-reply', attempt: progress.attempt });
    if (progress.next === 'send-queued') return wire.sendQueued(now, progress.attempt);
    wire.dropQueued();
    if (progress.next === 'complete') this.attemptStep(wire, runner.answered(progress.attempt, this.context(wire), now), now);
  }

  private attemptStep(wire: SmtpWire, step: AttemptStep, now: number): void {
    const { machine } = this.parts;
    const attempt = attemptOf(machine.state);
    if (!attempt) throw new Error('engine bug: an attempt step with no attempt in flight');
    switch (step.do) {
      case 'data':
        machine.move({ type: 'data' });
        return wire.send([{ command: cmd.data(), purpose: 'data' }], now, false, attempt);
      case 'message':
        machine.move({ type: 'message' });
        return wire.sendMessage(step.body, now, attempt);
      case 'ended':
        machine.move({ type: 'end-attempt', needsRset: step.needsRset });
        return this.suiteStep(wire, step.next, now);
    }
  }
}
