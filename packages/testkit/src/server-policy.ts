// What makes one fake server differ from another. The session engine (smtp-fake-server.ts) owns
// the protocol; a policy only answers the questions a real server's configuration answers:
// what to greet with, what to advertise, which recipients to take, how it words its own replies
// (Postfix's unless it says otherwise), and a few hostile hooks.
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
  /** First lines of the RCPT replies refused in the open transaction, in order. */
  refused: string[];
  /** RCPT commands answered on this connection. */
  rcptCommands: number;
  /** Replies with a 4xx/5xx code sent on this connection. */
  errors: number;
  /** The client's address as the server sees it (Exim repeats it in its HELO/EHLO reply). */
  readonly clientAddress: string;
  /** Replies counted by the policy's `syntaxErrorLimit` on this connection. */
  syntaxErrors: number;
  /** The command answered last: its verb, its reply's first line, and whether that counted as a syntax error. */
  previous: { verb: string; reply: string; syntaxError: boolean } | null;
}

/** A reply: one line, or the lines of a multi-line reply (each with its code, no line endings). */
export type ReplyLines = string | readonly string[];

/**
 * The replies the engine gives by itself (sequence, syntax, successes), Postfix's by default
 * (`POSTFIX_TEXTS` in postfix-defaults.ts). `{host}`, `{helo}` (the HELO/EHLO argument),
 * `{client}` (the client's address) and `{id}` (the queue id) are filled in.
 */
export interface EngineTexts {
  /** HELO accepted. */
  helo: string;
  /** First line of the EHLO reply, after `250-`. */
  ehloHello: string;
  /** NOOP. */
  ok: string;
  /** RSET. */
  reset: string;
  /** MAIL accepted. */
  senderOk: string;
  /** QUIT. */
  bye: string;
  /** A verb the server does not know. */
  unknownCommand: string;
  /** MAIL before HELO/EHLO. */
  sendHeloFirst: string;
  /** RCPT without MAIL. */
  needMail: string;
  /** A second MAIL in one transaction. */
  nestedMail: string;
  /** DATA without MAIL. */
  dataWithoutMail: string;
  /** DATA when no recipient was accepted. */
  noValidRecipients: string;
  /** EHLO / HELO without a name. */
  ehloSyntax: string;
  heloSyntax: string;
  /** MAIL not followed by FROM:, RCPT not followed by TO:. */
  mailSyntax: string;
  rcptSyntax: string;
  /** RCPT TO:<> (an empty recipient). */
  badRecipientSyntax: string;
  /** MAIL SIZE= or a message over the size limit. */
  messageTooBig: string;
  /** DATA accepted. */
  startData: string;
  /** End of data accepted. */
  queuedAs: string;
  /** VRFY. */
  cannotVerify: string;
  /** STARTTLS accepted; STARTTLS inside TLS; STARTTLS when not offered. */
  readyToStartTls: string;
  tlsAlreadyActive: string;
  starttlsNotOffered: string;
  /** AUTH on a server that offers none. */
  authNotOffered: string;
}

/**
 * A limit on syntax and protocol errors in the manner of Exim (smtp_max_synprot_errors): the
 * error past `max` gets `lastReply` instead of its reply, and the server closes.
 */
export interface SyntaxErrorLimit {
  /** Errors tolerated on one connection. */
  max: number;
  /** Whether this reply (its first line) to this verb is a syntax or protocol error. */
  counts(verb: string, reply: string, ctx: SessionContext): boolean;
  /** The lines sent instead of the reply of the error past `max`. */
  lastReply(verb: string, lines: readonly string[]): string[];
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
   * The EHLO keywords in order, replacing Postfix's list. `SIZE` gets the size limit appended;
   * `PIPELINING`, `STARTTLS` and `AUTH ...` appear only when they are on.
   */
  ehloKeywords?: readonly string[];
  /** Advertised and enforced message size limit; default MESSAGE_SIZE_LIMIT (Postfix's). */
  sizeLimit?: number;
  /** The server's wording of the engine's own replies, where it is not Postfix's. */
  texts?: Partial<EngineTexts>;
  /**
   * STARTTLS: 'never' offered; offered 'when-configured' (a `tls` option was given); or always
   * offered and 'required' before MAIL/RCPT/DATA.
   */
  starttls: 'never' | 'when-configured' | 'required';
  /** Advertise `AUTH PLAIN LOGIN` (any AUTH attempt fails: the kit knows no accounts). */
  auth?: boolean;
  /**
   * The MAIL reply for a sender path (the engine has checked sequence and `FROM:`): a refusal, or
   * null to accept it. Default: every sender is accepted.
   */
  mailFrom?(path: string, ctx: SessionContext): ReplyLines | null;
  /**
   * The RCPT reply for a classified recipient (the engine has checked sequence and syntax);
   * `path` is the recipient as sent (`<r@ext>`, or without brackets).
   */
  rcpt(intent: RelayIntent, ctx: SessionContext, path: string): ReplyLines;
  /** A queue id to report for every message (a mail catcher's); default: the server's counter. */
  fixedQueueId?: string;
  /** Refused-command limits, when the server has them (Postfix's). */
  errorLimit?: ErrorLimit;
  /** A syntax/protocol error limit, when the server has one (Exim's). */
  syntaxErrorLimit?: SyntaxErrorLimit;
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
