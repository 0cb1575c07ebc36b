// How a connection, and the probe, end, as values: decided where it happens (a reply, a timer,
// the TLS handshake, smtp-dialogue.ts) and carried out in one place (smtp-connection.ts).
import type { ReasonCode, ResultFlag } from '@relayprobe/contracts';
import type { SessionFailure } from './verdict.js';

/** The flag of tests a session could not run or complete: a result flag that is also a cause the verdict names (verdict.ts). */
export type CauseFlag = Extract<ResultFlag, ReasonCode>;

/** The tests left get this flag and note (not-run). */
export interface Abort {
  flag: CauseFlag;
  note: string;
}

/**
 * The probe stops: the connection is dropped, the test in flight goes back to the queue once
 * (`requeue`, else not completed), every test left is not run (`abort`), and the verdict rests on
 * `failure` when no test ever ran.
 */
export interface Stop {
  failure?: SessionFailure | undefined;
  requeue?: { flag: CauseFlag; why: string } | undefined;
  abort: Abort;
}

/** How a connection ends, as the dialogue (smtp-dialogue.ts) decides it; the lifecycle (smtp-connection.ts) carries it out. */
export type Ending =
  /** The connection is gone or useless: next address, reconnect, or the end (`failure` when no session was had). */
  | { end: 'lost'; why: string; failure: SessionFailure; flag?: CauseFlag }
  /** The probe stops. */
  | { end: 'stop'; stop: Stop }
  /** TLS was wanted and cannot be had on this connection. */
  | { end: 'no-tls'; why: string }
  /** QUIT is done: what its state planned follows. */
  | { end: 'after-quit' };

export const inconclusive = (reason: ReasonCode, text: string): SessionFailure => ({ verdict: 'inconclusive', reason, text });

/** The server broke the protocol: the probe stops (it would do it again). */
export function protocolStop(message: string): Stop {
  return {
    failure: inconclusive('protocol-error', `The server does not speak SMTP correctly: ${message}`),
    requeue: { flag: 'protocol-error', why: message },
    abort: { flag: 'protocol-error', note: `The session ended on a protocol error: ${message}` },
  };
}
