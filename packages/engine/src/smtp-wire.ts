// One connection's wire: the reply reader, the commands written and still unanswered (matched one
// to one, in order, RFC 2920 §3), the commands queued behind them when the server does not
// pipeline, and the transcript events of every command and reply. A new connection gets a new
// wire, so nothing read, written or counted survives a reconnect. No protocol decisions here.
import type { Phase as EventPhase } from '@relayprobe/contracts';
import type { EngineOptions } from './engine-io.js';
import type { EngineOutput } from './engine-output.js';
import type { Attempt } from './attempt.js';
import type { JudgedReply } from './reply-judge.js';
import { ReplyReader, type ParsedReply } from './reply-reader.js';
import { attemptPhase } from './session-state.js';
import * as cmd from './smtp-commands.js';

/** Stray replies tolerated on one connection before it counts as a protocol violation. */
export const MAX_UNSOLICITED = 10;

/** Why a reply is expected. */
export type Purpose = 'greeting' | 'ehlo' | 'helo' | 'starttls' | 'rset' | 'mail' | 'rcpt' | 'data' | 'message' | 'quit';

/** A command written and not yet answered (or the greeting, which answers the connection). */
export interface Pending {
  purpose: Purpose;
  sentAt: number;
  /** The transcript phase of the command, and so of its reply. */
  phase: EventPhase;
  vector?: string | undefined;
}

/** A command to write, with the reason its reply is expected. */
export type Outgoing = { command: cmd.SmtpCommand; purpose: Purpose };

const PHASE_OF: Record<Purpose, EventPhase> = {
  greeting: 'greeting',
  ehlo: 'ehlo',
  helo: 'ehlo',
  starttls: 'starttls',
  rset: 'vector',
  mail: 'vector',
  rcpt: 'vector',
  data: 'delivery',
  message: 'delivery',
  quit: 'quit',
};

export const encodeText = (text: string) => new TextEncoder().encode(text);

export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The parts of a reply that judging needs: its codes and its text without them. */
export function judged(reply: ParsedReply): JudgedReply {
  const text = reply.texts
    .map((t) => t.replace(/^[245]\.\d{1,3}\.\d{1,3}(\s+|$)/, ''))
    .join(' ')
    .trim();
  return { code: reply.code, enhanced: reply.enhanced, text };
}

export class SmtpWire {
  /** Inside TLS (implicit, or after STARTTLS). */
  tls = false;
  /** Replies of 400 and above on this connection (servers disconnect after their error limit). */
  refusals = 0;
  /** Replies nobody asked for on this connection. */
  unsolicited = 0;
  private pending: Pending[] = [];
  private queued: Outgoing[] = [];
  private replies: ReplyReader;

  constructor(
    private readonly out: EngineOutput,
    private readonly options: EngineOptions,
  ) {
    this.replies = new ReplyReader(options.readerLimits);
  }

  /** The reader of this connection's replies. */
  get reader(): ReplyReader {
    return this.replies;
  }

  /** After the TLS handshake: a new reader, so nothing read before it is kept (RFC 3207 §4.2). */
  restartReader(): void {
    this.replies = new ReplyReader(this.options.readerLimits);
  }

  /** The reply awaited first, if any. */
  get awaited(): Pending | undefined {
    return this.pending[0];
  }

  /** How many replies are awaited. */
  get outstanding(): number {
    return this.pending.length;
  }

  /** The connection opened: the greeting is awaited, under the reply deadline. */
  awaitGreeting(now: number): void {
    this.pending = [{ purpose: 'greeting', sentAt: now, phase: 'greeting' }];
    this.out.setTimer('reply', this.options.replyTimeoutMs);
  }

  /** Write commands: all at once when pipelining (RFC 2920), else the first, the rest queued. */
  send(commands: Outgoing[], now: number, pipeline: boolean, attempt?: Attempt): void {
    this.queued = pipeline ? [] : commands.slice(1);
    this.write(pipeline ? commands : commands.slice(0, 1), now, attempt);
  }

  /** Without PIPELINING: write the next queued command of the transaction, if any. */
  sendQueued(now: number, attempt: Attempt): void {
    const next = this.queued.shift();
    if (next) this.write([next], now, attempt);
  }

  /** The queued commands will not be sent (MAIL was refused: no RCPT follows). */
  dropQueued(): void {
    this.queued = [];
  }

  /** The message after 354, in one write; only the final "." is answered (RFC 5321 §4.1.1.4). */
  sendMessage(body: readonly cmd.SmtpCommand[], now: number, attempt: Attempt): void {
    const vector = attempt.test.key;
    for (const line of body) this.out.emit({ type: 'command', phase: 'delivery', tls: this.tls, text: line.line, vector }, now);
    this.pending.push({ purpose: 'message', sentAt: now, phase: 'delivery', vector });
    this.out.push({ type: 'write', data: body.map(cmd.toWire).join('') });
    this.out.setTimer('reply', this.options.replyTimeoutMs);
  }

  /** QUIT, whatever was outstanding; its reply gets a short deadline. */
  sendQuit(now: number): void {
    this.forget();
    this.write([{ command: cmd.quit(), purpose: 'quit' }], now);
    this.out.clearTimer('reply');
    this.out.setTimer('reply', Math.min(this.options.replyTimeoutMs, 5000));
  }

  /** Nothing more is awaited or will be sent (the connection is going). */
  forget(): void {
    this.pending = [];
    this.queued = [];
  }

  /** A complete reply to the command awaited first: its event, and the reply deadline moved on. */
  answer(reply: ParsedReply, now: number): Pending {
    const pending = this.pending.shift();
    if (!pending) throw new Error('engine bug: a reply matched to no command');
    this.replyEvent(reply, now, pending.phase, pending);
    if (reply.code >= 400) this.refusals++;
    this.out.clearTimer('reply');
    if (this.pending.length > 0) this.out.setTimer('reply', this.options.replyTimeoutMs);
    return pending;
  }

  /** A reply nobody asked for: recorded, flagged, never taken as the answer to a command. */
  stray(reply: ParsedReply, now: number, phase: EventPhase): void {
    this.replyEvent(reply, now, phase, undefined, ['unsolicited']);
  }

  private write(batch: Outgoing[], now: number, attempt?: Attempt): void {
    const vector = attempt?.test.key;
    for (const { command, purpose } of batch) {
      const phase = PHASE_OF[purpose] === 'vector' && attempt ? attemptPhase(attempt) : PHASE_OF[purpose];
      this.pending.push({ purpose, sentAt: now, phase, vector });
      this.out.emit({ type: 'command', phase, tls: this.tls, text: command.line, ...(vector ? { vector } : {}) }, now);
    }
    this.out.push({ type: 'write', data: batch.map((b) => cmd.toWire(b.command)).join('') });
    this.out.setTimer('reply', this.options.replyTimeoutMs);
  }

  private replyEvent(reply: ParsedReply, now: number, phase: EventPhase, pending: Pending | undefined, extraFlags: 'unsolicited'[] = []): void {
    this.out.emit(
      {
        type: 'reply',
        phase,
        tls: this.tls,
        code: reply.code,
        ...(reply.enhanced ? { enhanced: reply.enhanced } : {}),
        lines: reply.lines,
        ...(reply.raw ? { raw: reply.raw } : {}),
        elapsedMs: Math.max(0, Math.round(now - (pending?.sentAt ?? now))),
        flags: [...reply.flags, ...extraFlags],
        ...(pending?.vector ? { vector: pending.vector } : {}),
      },
      now,
    );
  }
}
