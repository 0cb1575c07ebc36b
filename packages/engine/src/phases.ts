// The connection phases of a probe and the one table of legal transitions (HOUSE-STYLE rule 4).
// A transition not in the table is a programming error and throws.

export type Phase =
  | 'idle' // no connection open
  | 'connecting' // waiting for TCP (and implicit TLS) to open
  | 'greeting' // waiting for the whole 220 greeting: never speak before it (RFC 5321 §4.3.1)
  | 'ehlo'
  | 'helo' // EHLO refused: HELO fallback (RFC 5321 §4.1.4)
  | 'starttls' // waiting for the 220 to STARTTLS
  | 'tls-handshake' // the adapter is upgrading the socket (RFC 3207)
  | 'ready' // session open, no command outstanding
  | 'transaction' // RSET/MAIL/RCPT outstanding (pipelined or one by one)
  | 'data' // waiting for 354
  | 'message' // message sent, waiting for the end-of-data reply
  | 'quit' // waiting for 221
  | 'done';

export const TRANSITIONS: Readonly<Record<Phase, readonly Phase[]>> = {
  idle: ['connecting', 'done'],
  connecting: ['greeting', 'idle', 'done'],
  greeting: ['ehlo', 'quit', 'idle', 'done'],
  ehlo: ['ready', 'helo', 'starttls', 'quit', 'idle', 'done'],
  helo: ['ready', 'quit', 'idle', 'done'],
  starttls: ['tls-handshake', 'ready', 'idle', 'done'],
  'tls-handshake': ['ehlo', 'idle', 'done'],
  ready: ['transaction', 'data', 'starttls', 'quit', 'idle', 'done'],
  transaction: ['ready', 'data', 'starttls', 'idle', 'done'],
  data: ['message', 'ready', 'idle', 'done'],
  message: ['ready', 'idle', 'done'],
  quit: ['idle', 'done'],
  done: [],
};

/** Check a transition against the table. */
export function assertTransition(from: Phase, to: Phase): void {
  if (!TRANSITIONS[from].includes(to)) throw new Error(`engine bug: illegal phase transition ${from} -> ${to}`);
}
