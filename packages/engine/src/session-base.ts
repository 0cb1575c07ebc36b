// Plumbing shared by every part of the probe state machine: the phase, the actions queued for
// the adapter, transcript events, timers, and writing commands with their expected replies.
// No protocol decisions live here (those are in smtp-connection.ts and probe-session.ts).
import type { Phase as EventPhase, SessionFacts } from '@relayprobe/contracts';
import type { EngineAction, EngineOptions, TimerName } from './engine-io.js';
import { assertTransition, type Phase } from './phases.js';
import { ReplyReader, type ParsedReply } from './reply-reader.js';
import * as cmd from './smtp-commands.js';
import type { SmtpCommand } from './smtp-commands.js';
import type { Transcript } from './transcript.js';
import type { Attempt } from './attempt.js';

/** Stray replies tolerated on one connection before it counts as a protocol violation. */
export const MAX_UNSOLICITED = 10;

export const encodeText = (text: string) => new TextEncoder().encode(text);
export const concatBytes = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

export type Purpose = 'greeting' | 'ehlo' | 'helo' | 'starttls' | 'rset' | 'mail' | 'rcpt' | 'data' | 'message' | 'quit';

export interface Pending {
  purpose: Purpose;
  sentAt: number;
  vector?: string | undefined;
}

export const PHASE_OF: Record<Purpose, 'greeting' | 'ehlo' | 'starttls' | 'vector' | 'control' | 'delivery' | 'quit'> = {
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

/** Commands queued to send, each with the reason a reply is expected. */
export type Outgoing = { command: SmtpCommand; purpose: Purpose };

export abstract class SessionBase {
  protected phase: Phase = 'idle';
  protected out: EngineAction[] = [];
  protected reader: ReplyReader;
  protected pending: Pending[] = [];
  protected outbox: Outgoing[] = [];
  protected tlsActive = false;
  /** The test transaction in flight, if any. */
  protected current: Attempt | undefined;
  /** A MAIL was accepted since the last RSET/EHLO: the next transaction starts with RSET. */
  protected needsRset = false;
  protected readonly facts: SessionFacts;

  constructor(
    protected readonly options: EngineOptions,
    readonly transcript: Transcript,
  ) {
    if (options.targets.length === 0) throw new Error('engine bug: no targets');
    this.reader = new ReplyReader(options.readerLimits);
    this.facts = {
      port: options.port,
      attempts: [],
      heloFallback: false,
      extensions: [],
      pipelining: false,
      starttlsOffered: false,
      tls: null,
      localNames: [],
      connections: 0,
    };
  }

  protected flush(): EngineAction[] {
    const actions = this.out;
    this.out = [];
    return actions;
  }

  protected go(next: Phase): void {
    assertTransition(this.phase, next);
    this.phase = next;
  }

  protected emit(body: Parameters<Transcript['add']>[0], now: number): void {
    this.out.push({ type: 'event', event: this.transcript.add(body, now) });
  }

  protected info(code: string, text: string, now: number, phase: EventPhase = 'connect'): void {
    this.emit({ type: 'info', phase, code, text }, now);
  }

  protected error(code: string, side: 'ours' | 'server', text: string, now: number, evidence?: string): void {
    this.emit({ type: 'error', phase: this.eventPhase(), code, side, text, ...(evidence ? { evidence } : {}), ...(this.current ? { vector: this.current.test.key } : {}) }, now);
  }

  protected eventPhase(): EventPhase {
    if (this.current) return this.current.kind === 'delivery' ? 'delivery' : this.current.test.vector.weight === 'control' ? 'control' : 'vector';
    switch (this.phase) {
      case 'greeting':
        return 'greeting';
      case 'ehlo':
      case 'helo':
        return 'ehlo';
      case 'starttls':
      case 'tls-handshake':
        return 'starttls';
      case 'quit':
        return 'quit';
      default:
        return 'connect';
    }
  }

  protected setTimer(timer: TimerName, ms: number): void {
    this.out.push({ type: 'set-timer', timer, ms });
  }

  protected clearTimer(timer: TimerName): void {
    this.out.push({ type: 'clear-timer', timer });
  }

  /** Write commands: all at once when pipelining (RFC 2920), else the first and queue the rest. */
  protected send(commands: { command: SmtpCommand; purpose: Purpose }[], now: number, pipeline: boolean): void {
    const batch = pipeline ? commands : commands.slice(0, 1);
    this.outbox = pipeline ? [] : commands.slice(1);
    this.write(batch, now);
  }

  protected write(batch: { command: SmtpCommand; purpose: Purpose }[], now: number): void {
    const vector = this.current?.test.key;
    for (const { command, purpose } of batch) {
      this.pending.push({ purpose, sentAt: now, vector });
      this.emit({ type: 'command', phase: this.commandPhase(purpose), tls: this.tlsActive, text: command.line, ...(vector ? { vector } : {}) }, now);
    }
    this.out.push({ type: 'write', data: batch.map((b) => cmd.toWire(b.command)).join('') });
    this.setTimer('reply', this.options.replyTimeoutMs);
  }

  protected commandPhase(purpose: Purpose): EventPhase {
    const phase = PHASE_OF[purpose];
    if (phase === 'vector' && this.current) return this.eventPhase();
    return phase;
  }

  protected replyEvent(reply: ParsedReply, now: number, pending: Pending | undefined, extraFlags: string[] = []): void {
    this.emit(
      {
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
      },
      now,
    );
  }
}

export function replyText(reply: ParsedReply): string {
  return reply.texts
    .map((t) => t.replace(/^[245]\.\d{1,3}\.\d{1,3}(\s+|$)/, ''))
    .join(' ')
    .trim();
}

/** "30 s", "1.5 s" or "500 ms". */
export function duration(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${Math.round(ms)} ms`;
}

/** Whether MAIL FROM and RCPT TO with these paths stay within RFC 5321's 512-octet command line. */
export function fitsCommandLine(mailFrom: string, rcptTo: string): boolean {
  return 'MAIL FROM:'.length + mailFrom.length + 2 <= cmd.MAX_COMMAND_LINE_OCTETS && 'RCPT TO:'.length + rcptTo.length + 2 <= cmd.MAX_COMMAND_LINE_OCTETS;
}
