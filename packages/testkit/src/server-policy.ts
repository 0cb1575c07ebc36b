// What makes one fake server differ from another. The session engine (smtp-fake-server.ts) owns
// the protocol; a policy only answers the questions a real server's configuration answers:
// what to greet with, what to advertise, which recipients to take, and a few hostile hooks.
import type { RelayIntent } from './relay-intent.js';
import type { RawPeer } from './types.js';

/** The state of one session that policies may look at. */
export interface SessionContext {
  readonly host: string;
  readonly localDomains: readonly string[];
  /** Inside TLS (after STARTTLS, or implicit). */
  tls: boolean;
  /** The verb that greeted (EHLO/HELO), null before it and after STARTTLS (RFC 3207 §4.2). */
  greeted: 'EHLO' | 'HELO' | null;
  /** The MAIL FROM path of the open transaction, as sent. */
  mailFrom: string | null;
  /** RCPT TO paths accepted in the open transaction, as sent. */
  accepted: string[];
  /** RCPT commands answered on this connection. */
  rcptCommands: number;
  /** Replies with a 4xx/5xx code sent on this connection. */
  errors: number;
}

/** What the engine does after an intercepted command's reply. */
export type AfterReply = 'continue' | 'close' | 'go-silent';

/** A reply chosen by a hook, and what happens next. */
export interface InterceptedReply {
  lines: string[];
  then: AfterReply;
}

/** What a STARTTLS hook left behind: a TLS session to go on with, or a connection it finished. */
export type StartTlsOutcome = 'tls' | 'finished';

/** Postfix-style error limits (smtpd_soft_error_limit / smtpd_hard_error_limit). */
export interface ErrorLimit {
  /** From this many errors on, wait `delayMs` before every reply. */
  soft: number;
  /** At this many errors, send 421 and close. */
  hard: number;
  delayMs: number;
}

/** A fake server's behaviour. */
export interface ServerPolicy {
  /** Greeting reply lines (complete lines with code, no line endings). */
  greeting(host: string): string[];
  /** Answer EHLO with 502 (forces HELO), and advertise nothing. */
  ehloRefused?: boolean;
  /** Extension keywords advertised after the standard ones. */
  extraExtensions?: string[];
  /**
   * STARTTLS: 'never' offered; offered 'when-configured' (a `tls` option was given); or always
   * offered and 'required' before MAIL/RCPT/DATA.
   */
  starttls: 'never' | 'when-configured' | 'required';
  /** Advertise `AUTH PLAIN LOGIN` (any AUTH attempt fails: the kit knows no accounts). */
  auth?: boolean;
  /** The RCPT reply for a classified recipient (the engine has checked sequence and syntax). */
  rcpt(intent: RelayIntent, ctx: SessionContext): string;
  /** A queue id to report for every message (a mail catcher's); default: the server's counter. */
  fixedQueueId?: string;
  /** Refused-command limits, when the server has them. */
  errorLimit?: ErrorLimit;
  /** End reply lines with a bare LF instead of CRLF (hostile). */
  bareLf?: boolean;
  /** Cut every reply into tiny writes (split-writes). */
  splitWrites?: boolean;
  /** Lines sent right after the EHLO reply, unasked (early-talker). */
  ehloTrailer?: string[];
  /** Called before every command; a reply returned here replaces the normal handling. */
  intercept?(verb: string, ctx: SessionContext): InterceptedReply | null;
  /** Replaces the normal STARTTLS handling (hostile STARTTLS scenarios). */
  onStartTls?(peer: RawPeer, ctx: SessionContext): Promise<StartTlsOutcome>;
}

/** Session-independent settings of a server, resolved from the options. */
export interface SessionSettings {
  /** Name in the greeting and the EHLO reply. */
  host: string;
  localDomains: readonly string[];
  /** Advertise PIPELINING (RFC 2920). */
  pipelining: boolean;
  /** Delay before each batch of replies, in milliseconds. */
  latencyMs: number;
  /** Whether STARTTLS is advertised outside TLS. */
  offerStarttls: boolean;
  /** Queue id of the next accepted message (one counter per server). */
  nextQueueId(): string;
  /** Observer: each reply's lines, just before they are handed to the socket. */
  onReplyWritten?: (lines: readonly string[]) => void;
}
