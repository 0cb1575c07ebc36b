// A connection that did not open (refused, timed out, no route, TLS from the first byte failed):
// said in words, not errno names, recorded as the address's outcome, and handed on as the
// connection's end (the next address, a reconnect, or "unreachable").
import type { EngineInput, EngineOptions } from './engine-io.js';
import type { EngineOutput } from './engine-output.js';
import { encodeBase64 } from './base64.js';
import type { Ending } from './session-end.js';
import type { SessionRecord } from './session-facts.js';
import type { SessionState } from './session-state.js';
import { encodeText } from './smtp-wire.js';
import type { Targets } from './targets.js';
import { duration } from './transcript.js';

/** The codes a failed connection attempt comes with. */
export type ConnectFailureCode = Extract<EngineInput, { type: 'connect-failed' }>['code'];

/** A failed connection in words ("Nothing is listening on 127.0.0.1 port 2600"). */
function connectFailureText(code: ConnectFailureCode, address: string, port: number, message: string): string {
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
    default: // connect-failed
      if (/EHOSTUNREACH|ENETUNREACH/.test(message)) return `There is no route from this machine to ${where}.`;
      return `No connection to ${where} could be opened (${message}).`;
  }
}

/** The words of the 'connect' timer. */
export const connectTimeoutText = (options: EngineOptions) =>
  `No TCP connection within ${duration(options.connectTimeoutMs)}; outbound port ${options.port} may be blocked by your provider or network.`;

/** The error event, the address's outcome, and the end of the connection (in `state`, still 'connecting'). */
export function connectFailed(
  code: ConnectFailureCode,
  message: string,
  now: number,
  parts: { options: EngineOptions; out: EngineOutput; record: SessionRecord; targets: Targets; state: SessionState },
): Ending {
  const { options, out, record, targets, state } = parts;
  const words = connectFailureText(code, targets.current.address, options.port, message);
  out.error(code, words, now, state, message !== words ? encodeBase64(encodeText(message)) : undefined);
  record.attempt(targets.current.address, code);
  // Outbound port 25 is blocked by many providers, which shows as a timeout, never a refusal.
  if (code === 'connect-timeout' && options.port === 25) targets.port25TimedOut = true;
  const why = code === 'tls-failed' ? 'The TLS handshake failed.' : words;
  return { end: 'lost', why, failure: targets.unreachable('connect-failed', why) };
}
