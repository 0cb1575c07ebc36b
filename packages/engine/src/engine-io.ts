// The engine's whole surface (HOUSE-STYLE rule 1): inputs the adapter feeds in, each stamped
// with `now` (milliseconds on any monotonic clock), and actions it must carry out. The engine
// never touches a socket, a timer or the clock itself.
import type { ProbeEvent, Suite, TlsDetails, TlsMode } from '@relayprobe/contracts';
import type { ReaderLimits } from './reply-reader.js';

/** Named timers the engine sets; at most one of each runs at a time. */
export type TimerName = 'connect' | 'reply' | 'tls' | 'probe' | 'greylist' | 'tls-sniff';

export type EngineInput =
  | { type: 'connected'; now: number; localAddress?: string | undefined; localPort?: number | undefined; tls?: TlsDetails | undefined; sharedPrivateNetwork?: boolean }
  | { type: 'connect-failed'; now: number; code: 'connect-refused' | 'connect-failed' | 'connect-timeout' | 'source-address-unavailable' | 'tls-failed'; message: string }
  | { type: 'data'; now: number; bytes: Uint8Array }
  | { type: 'tls-ready'; now: number; details: TlsDetails }
  | { type: 'tls-failed'; now: number; message: string }
  | { type: 'timer'; now: number; timer: TimerName }
  | { type: 'closed'; now: number; reset?: boolean; message?: string | undefined }
  /** The caller stops the probe (Ctrl-C, server shutdown): remaining tests become not-run. */
  | { type: 'abort'; now: number; message: string }
  /** The second connection of 'sniff-tls' finished its TLS handshake (implicit-tls-sniff.ts). */
  | { type: 'sniff-connected'; now: number; localAddress?: string | undefined; localPort?: number | undefined; tls: TlsDetails; sharedPrivateNetwork?: boolean }
  /** The second connection of 'sniff-tls' failed to open or to finish its TLS handshake. */
  | { type: 'sniff-failed'; now: number; code: string; message: string };

export type EngineAction =
  /** Open a TCP connection (TLS from the first byte when `implicitTls`). */
  | { type: 'connect'; address: string; family: 4 | 6; port: number; implicitTls: boolean; servername?: string | undefined }
  /** Write these bytes (one or more CRLF-terminated lines built by smtp-commands.ts). */
  | { type: 'write'; data: string }
  /** Upgrade the current connection with a TLS client handshake (STARTTLS, RFC 3207). */
  | { type: 'start-tls'; servername?: string | undefined }
  | { type: 'set-timer'; timer: TimerName; ms: number }
  | { type: 'clear-timer'; timer: TimerName }
  /** Close the connection (destroy it: the engine has already said QUIT when it wanted to). */
  | { type: 'close' }
  /**
   * Open a second connection to the same address with TLS from the first byte, alongside the
   * current one, to learn whether the port speaks implicit TLS (implicit-tls-sniff.ts). Nothing
   * is written on it; its outcome comes back as 'sniff-connected' or 'sniff-failed'.
   */
  | { type: 'sniff-tls'; address: string; family: 4 | 6; port: number; servername?: string | undefined }
  /** The second connection becomes the current one (the engine closed the current one just before). */
  | { type: 'adopt-sniff' }
  /** Destroy the second connection; no input from it follows. */
  | { type: 'close-sniff' }
  | { type: 'event'; event: ProbeEvent }
  /** The probe is over: clear every timer; result() is final. */
  | { type: 'finish' };

/** One checked address to try, in order (the adapter resolved and checked it). */
export interface EngineTarget {
  address: string;
  family: 4 | 6;
  /** Host name it came from (MX exchange or typed host): TLS servername and a local-name hint. */
  host?: string | undefined;
}

export interface EngineOptions {
  /** Run id (goes into the test message). */
  runId: string;
  /** Lower-case alphanumeric token for generated local parts: relayprobe-<token>. */
  token: string;
  suite: Suite;
  tls: TlsMode;
  port: number;
  /** Our EHLO/HELO name (validated by the caller). */
  helo: string;
  /** External test domain, ext (validated by the caller). */
  testDomain: string;
  /** Opt-in DATA stage (RELAY-TESTS.md §3, last rule). */
  sendMessage: boolean;
  /** Delivery recipient, when the user gave one (--to). */
  to?: { localPart: string; domain: string } | undefined;
  replyTimeoutMs: number;
  connectTimeoutMs: number;
  probeDeadlineMs: number;
  targets: EngineTarget[];
  /** Local-name candidates known before connecting: typed host / e-mail domain, MX names. */
  localNameHints: string[];
  /** Reverse-DNS names of the target addresses: local names too, after what the server says it is. */
  reverseNames?: string[];
  /** Wall-clock time of the start, for the test message's Date header (the engine reads no clock). */
  wallClockStart: number;
  /** TCP connections allowed in all (reconnects included). Default 12. */
  maxConnections?: number;
  /** Reconnect after this many refused commands on one connection (Postfix disconnects after 20). Default 8. */
  errorsBeforeReconnect?: number;
  readerLimits?: Partial<ReaderLimits>;
  /**
   * Longest wait for a greylister before the one retry of the greylisted tests (--greylist-wait);
   * 0 turns the retry off. Default 0 here; the probe runner passes the user's setting.
   */
  greylistWaitMs?: number;
  /**
   * --tls auto: milliseconds a plain connection may go without one byte of greeting before the
   * engine checks whether the port speaks implicit TLS (implicit-tls-sniff.ts); 0 turns the check
   * off. Default TLS_SNIFF_DELAY_MS (3 s); never more than half the reply timeout.
   */
  tlsSniffMs?: number;
}
