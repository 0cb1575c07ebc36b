// The probe's SMTP session as one state machine (HOUSE-STYLE rule 4; model: h11's _state.py):
// every phase, the data that exists only in that phase, and the one table of legal moves. The
// connection lifecycle (smtp-connection.ts) decides which move happens; transition() is the only
// way the state changes, and a move the table does not list is a programming error and throws.
//
// Invariants:
// - An attempt (one RSET/MAIL/RCPT transaction, or the delivery's) exists only in 'transaction',
//   'data' and 'message': no other code holds "the test in flight".
// - Nothing is written before the whole greeting: 'greeting' leaves only by EHLO, QUIT or a drop
//   (RFC 5321 §4.3.1).
// - 'ready' and 'starttls' know whether a MAIL was accepted since the last RSET, EHLO or HELO, so the
//   next transaction starts with RSET (RFC 5321 §4.1.1.5); EHLO and HELO reset it (§4.1.4).
// - 'quit' knows what follows the 221 (or the close, or the timeout): a reconnect, the next address,
//   the wait for a greylister, or the end; and the failure to report if the probe ends meanwhile.
// - The probe ends only from 'idle' (every connection is dropped first), and 'done' is final.
import type { Phase as EventPhase } from '@relayprobe/contracts';
import type { Attempt } from './attempt.js';
import type { SessionFailure } from './verdict.js';

/** What follows the QUIT: reconnect, try the next address, wait for a greylister, or end the probe. */
export type QuitThen = 'reconnect' | 'next-target' | 'finish' | { greylistWaitMs: number };

export type SessionState =
  | { phase: 'idle' } // no connection open: before the first, between two, or waiting for a greylister
  | { phase: 'connecting' } // waiting for TCP (and implicit TLS) to open
  | { phase: 'greeting' } // waiting for the whole 220 greeting
  | { phase: 'ehlo' }
  | { phase: 'helo' } // EHLO refused: HELO fallback (RFC 5321 §4.1.4)
  | { phase: 'starttls'; needsRset: boolean } // waiting for the 220 to STARTTLS
  | { phase: 'tls-handshake' } // the adapter is upgrading the socket (RFC 3207)
  | { phase: 'ready'; needsRset: boolean } // session open, no command outstanding
  | { phase: 'transaction'; attempt: Attempt } // RSET/MAIL/RCPT outstanding (pipelined or one by one)
  | { phase: 'data'; attempt: Attempt } // waiting for 354
  | { phase: 'message'; attempt: Attempt } // message sent, waiting for the end-of-data reply
  | { phase: 'quit'; then: QuitThen; failure?: SessionFailure | undefined } // waiting for 221
  | { phase: 'done' };

export type Phase = SessionState['phase'];

/** The inputs of transition(): what just happened on the connection, or what we just sent. */
export type Move =
  | { type: 'connect' } // a TCP connection was asked for
  | { type: 'connected' } // it opened: wait for the greeting
  | { type: 'ehlo' } // EHLO sent (after the greeting, or again after the TLS handshake, RFC 3207 §4.2)
  | { type: 'helo' } // EHLO refused, HELO sent
  | { type: 'starttls' } // STARTTLS sent
  | { type: 'tls-handshake' } // 220 to STARTTLS: the adapter upgrades the socket
  | { type: 'session-ready' } // EHLO/HELO done (and TLS as configured): tests may run
  | { type: 'begin-attempt'; attempt: Attempt } // [RSET] MAIL RCPT sent
  | { type: 'attempt-reply'; attempt: Attempt } // a reply of the transaction, recorded in the attempt
  | { type: 'data' } // the delivery's DATA sent
  | { type: 'message' } // 354: the message sent
  | { type: 'end-attempt'; needsRset: boolean } // the attempt is over; the session is ready again
  | { type: 'quit'; then: QuitThen; failure?: SessionFailure | undefined } // QUIT sent
  | { type: 'drop' } // the connection was closed or lost, without QUIT or after it
  | { type: 'finish' }; // the probe is over

export type MoveType = Move['type'];

/** The one table: the moves allowed from each phase (each move leads to one phase: see transition()). */
export const MOVES: { readonly [P in Phase]: readonly MoveType[] } = {
  idle: ['connect', 'finish'],
  connecting: ['connected', 'drop'],
  greeting: ['ehlo', 'quit', 'drop'],
  ehlo: ['helo', 'starttls', 'session-ready', 'drop'],
  helo: ['session-ready', 'quit', 'drop'],
  starttls: ['tls-handshake', 'session-ready', 'drop'],
  'tls-handshake': ['ehlo', 'drop'],
  ready: ['begin-attempt', 'starttls', 'quit', 'drop'],
  transaction: ['attempt-reply', 'data', 'end-attempt', 'drop'],
  data: ['message', 'end-attempt', 'drop'],
  message: ['end-attempt', 'drop'],
  quit: ['drop'],
  done: [],
};

/** The next state. Pure; throws on a move the table does not allow from this phase. */
export function transition(state: SessionState, move: Move): SessionState {
  if (!MOVES[state.phase].includes(move.type)) throw new Error(`engine bug: illegal move ${move.type} in phase ${state.phase}`);
  switch (move.type) {
    case 'connect':
      return { phase: 'connecting' };
    case 'connected':
      return { phase: 'greeting' };
    case 'ehlo':
      return { phase: 'ehlo' };
    case 'helo':
      return { phase: 'helo' };
    case 'starttls':
      // After EHLO nothing is open (EHLO reset it); from a ready session it stays as it was.
      return { phase: 'starttls', needsRset: state.phase === 'ready' && state.needsRset };
    case 'tls-handshake':
      return { phase: 'tls-handshake' };
    case 'session-ready':
      // After EHLO or HELO nothing is open; after a refused STARTTLS it stays as it was.
      return { phase: 'ready', needsRset: state.phase === 'starttls' && state.needsRset };
    case 'begin-attempt':
    case 'attempt-reply':
      return { phase: 'transaction', attempt: move.attempt };
    case 'data':
    case 'message': {
      const attempt = attemptOf(state);
      if (!attempt) throw new Error(`engine bug: ${move.type} without an attempt`); // the table allows it only where there is one
      return { phase: move.type, attempt };
    }
    case 'end-attempt':
      return { phase: 'ready', needsRset: move.needsRset };
    case 'quit':
      return { phase: 'quit', then: move.then, failure: move.failure };
    case 'drop':
      return { phase: 'idle' };
    case 'finish':
      return { phase: 'done' };
  }
}

/** The attempt on the wire in this state, if any. */
export function attemptOf(state: SessionState): Attempt | undefined {
  return 'attempt' in state ? state.attempt : undefined;
}

/** The phase an attempt's events carry: the delivery, a control, or a relay vector. */
export function attemptPhase(attempt: Attempt): EventPhase {
  if (attempt.kind === 'delivery') return 'delivery';
  return attempt.test.vector.weight === 'control' ? 'control' : 'vector';
}

/** The phase of the events (errors, unsolicited replies) that happen in this state. */
export function eventPhase(state: SessionState): EventPhase {
  const attempt = attemptOf(state);
  if (attempt) return attemptPhase(attempt);
  switch (state.phase) {
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

/** Where the session's state lives, shared by the connection lifecycle and the dialogue: every change is a move through transition(). */
export class SessionMachine {
  private current: SessionState = { phase: 'idle' };

  get state(): SessionState {
    return this.current;
  }

  move(move: Move): void {
    this.current = transition(this.current, move);
  }
}
