// --tls auto on a port other than 465: noticing that a silent port speaks TLS from the first byte
// (implicit TLS, RFC 8314 §3.3), e.g. Postfix with smtpd_tls_wrappermode=yes on port 2465. Such a
// server waits for our TLS ClientHello and never greets in plain text, so without this check the
// probe sits out the whole reply timeout and calls it a possible tarpit, which no --timeout fixes.
//
// The design (the simplest that keeps every rule; TlsSniff below, driven by smtp-connection.ts,
// carried out by the adapter's second socket slot in probe-runner.ts):
// - Only a plain connection that has received not one byte of its greeting within the sniff
//   delay is a candidate. A greeting that has started arriving, however slowly, is a slow server
//   or a tarpit, never TLS: its first byte disarms the check for good on that connection.
// - When the delay passes, the engine asks for a SECOND connection to the same address with TLS
//   from the first byte ('sniff-tls', the adapter's existing implicit TLS path). The plain
//   connection stays open and its greeting deadline keeps running, so a failed check changes
//   nothing about the old outcome (greeting timeout, tarpit). Nothing is ever written on the
//   plain connection before a greeting (RFC 5321 §4.3.1); the TLS client speaks first by design.
// - Handshake done ('sniff-connected'): the plain connection is closed and the TLS one becomes the
//   probe's connection ('adopt-sniff'), greeting and all; every later connection of the probe
//   (reconnects during the suite, other addresses) uses implicit TLS too.
// - Handshake failed ('sniff-failed': TLS error, refused, reset): said in the transcript, and
//   the probe goes on waiting for the plain greeting. The greeting deadline, a greeting byte, or
//   any other end of the plain connection abandons a check still in flight ('close-sniff').
// - One check per probe, only before any address gave an SMTP session (a port that greeted in
//   plain text does not start speaking TLS later), and only within the connection budget.
// Every exit clears the 'tls-sniff' timer and closes the second socket (TlsSniff.end), and the
// adapter drops inputs from either socket once it is left behind.
import type { EngineOptions } from './engine-io.js';
import type { EngineOutput } from './engine-output.js';
import type { Targets } from './targets.js';
import { duration } from './transcript.js';

/** The port where --tls auto speaks TLS from the first byte without being told (RFC 8314 §7.3). */
const IMPLICIT_TLS_PORT = 465;

/** How long a plain connection may go without one byte of greeting before --tls auto checks for implicit TLS. */
export const TLS_SNIFF_DELAY_MS = 3000;

/**
 * The check's state: `unused` (may be armed), `armed` (its timer runs on the current plain
 * connection), `trying` (the second connection is open), `failed` (tried, or abandoned: never
 * again), `detected` (the probe speaks implicit TLS from now on).
 */
export type TlsSniffState = 'unused' | 'armed' | 'trying' | 'failed' | 'detected';

/**
 * The sniff delay for these options, or undefined when the check does not apply (not --tls auto,
 * port 465 is implicit TLS already, or `tlsSniffMs` is 0). Never more than half the reply
 * timeout, so the TLS attempt has time to finish before the greeting deadline ends the wait.
 */
function tlsSniffDelayMs(options: Pick<EngineOptions, 'tls' | 'port' | 'replyTimeoutMs' | 'tlsSniffMs'>): number | undefined {
  if (options.tls !== 'auto' || options.port === IMPLICIT_TLS_PORT) return undefined;
  const wanted = options.tlsSniffMs ?? TLS_SNIFF_DELAY_MS;
  if (!(wanted > 0)) return undefined;
  return Math.min(wanted, options.replyTimeoutMs / 2);
}

/** Whether a new connection speaks TLS from the first byte. */
export function usesImplicitTls(options: Pick<EngineOptions, 'tls' | 'port'>, detected: boolean): boolean {
  return options.tls === 'implicit' || (options.tls === 'auto' && (options.port === IMPLICIT_TLS_PORT || detected));
}

/** The transcript's words for each step of the check (info events). */
export const SNIFF_TEXT = {
  trying: (delayMs: number) => `No greeting after ${duration(delayMs)} in plain text; checking on a second connection whether this port speaks TLS from the first byte (implicit TLS)...`,
  detected: (delayMs: number) =>
    `No greeting after ${duration(delayMs)} in plain text; this port speaks TLS from the first byte (implicit TLS). Going on over TLS (--tls auto); the plain connection is closed.`,
  failed: (message: string) => `The TLS check failed (${message}): this port does not speak TLS from the first byte. Still waiting for the plain-text greeting.`,
  greetingStarted: 'The plain-text greeting started arriving; the TLS check was abandoned.',
  deadline: 'The TLS check got no handshake before the greeting deadline either; it was abandoned.',
} as const;

/** The check, for one probe: its state, and the actions and events of each step. */
export class TlsSniff {
  private state: TlsSniffState = 'unused';
  /** Undefined: the check does not apply to these options. */
  private readonly delay: number | undefined;

  constructor(
    private readonly options: EngineOptions,
    private readonly out: EngineOutput,
  ) {
    this.delay = tlsSniffDelayMs(options);
  }

  /** The port was found to speak implicit TLS: every later connection uses it. */
  get detected(): boolean {
    return this.state === 'detected';
  }

  /** A plain connection now waits for its greeting: arm the check when it applies (never once an address gave a session). */
  arm(hasSession: boolean): void {
    if (this.delay === undefined || this.state !== 'unused' || hasSession) return;
    this.state = 'armed';
    this.out.setTimer('tls-sniff', this.delay);
  }

  /** The sniff delay passed without one byte of greeting: open a second connection, TLS from the first byte. */
  start(now: number, awaitingGreeting: boolean, targets: Targets): void {
    if (this.state !== 'armed') return;
    this.state = 'unused';
    if (!awaitingGreeting || !targets.openExtra()) return;
    this.state = 'trying';
    this.out.info('tls-sniff', SNIFF_TEXT.trying(this.delay ?? 0), now, 'connect');
    const { address, family, host } = targets.current;
    this.out.push({ type: 'sniff-tls', address, family, port: this.options.port, servername: host });
  }

  /** The second connection speaks TLS: true when it is to become the probe's connection; else it is closed. */
  adopt(now: number, awaitingGreeting: boolean): boolean {
    if (this.state !== 'trying' || !awaitingGreeting) {
      this.out.push({ type: 'close-sniff' });
      return false;
    }
    this.state = 'detected';
    this.out.info('implicit-tls-detected', SNIFF_TEXT.detected(this.delay ?? 0), now, 'connect');
    return true;
  }

  /** The second connection does not speak TLS: keep waiting for the plain greeting, whose deadline still runs. */
  failed(message: string, now: number): void {
    if (this.state !== 'trying') return;
    this.state = 'failed';
    this.out.info('implicit-tls-not-detected', SNIFF_TEXT.failed(message), now, 'greeting');
  }

  /** The plain connection's wait is over (a greeting byte, its deadline, any end): disarm the check, abandon one in flight (`why`: say so). */
  end(now?: number, why?: string): void {
    if (this.state === 'armed') {
      this.state = 'unused';
      this.out.clearTimer('tls-sniff');
    } else if (this.state === 'trying') {
      this.state = 'failed';
      this.out.push({ type: 'close-sniff' });
      if (now !== undefined && why !== undefined) this.out.info('implicit-tls-not-detected', why, now, 'greeting');
    }
  }
}
