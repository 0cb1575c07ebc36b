// One test transaction on the wire: RSET when a MAIL is still open, MAIL FROM, RCPT TO (all in one
// write with PIPELINING, RFC 2920; else one by one), and how each reply moves it on. Pure: the
// attempt comes back with the reply recorded; the connection carries out what comes next.
import type { Attempt } from './attempt.js';
import type { JudgedReply } from './reply-judge.js';
import * as cmd from './smtp-commands.js';
import type { Outgoing } from './smtp-wire.js';

const ok = (reply: JudgedReply | undefined) => reply !== undefined && reply.code >= 200 && reply.code < 300;

/** Whether the attempt's MAIL was accepted (the server then holds a transaction until RSET). */
export const mailAccepted = (attempt: Attempt): boolean => ok(attempt.mailReply);

/** The commands that run the attempt: RSET first when a MAIL was accepted since the last RSET or EHLO (RFC 5321 §4.1.1.5). */
export function transactionCommands(attempt: Attempt, needsRset: boolean): Outgoing[] {
  return [
    ...(needsRset ? [{ command: cmd.rset(), purpose: 'rset' } as const] : []),
    { command: cmd.mailFrom(attempt.mailFrom), purpose: 'mail' },
    { command: cmd.rcptTo(attempt.rcptTo), purpose: 'rcpt' },
  ];
}

/**
 * After a reply: `send-queued` writes the next command (without PIPELINING); `await-rest` waits
 * for the replies still outstanding and sends nothing more; `complete` means the attempt can be judged.
 */
export type TransactionProgress = { attempt: Attempt; next: 'send-queued' | 'await-rest' | 'complete' };

/** A reply to RSET, MAIL or RCPT; `outstanding`: replies still awaited after this one. */
export function transactionReply(attempt: Attempt, purpose: 'rset' | 'mail' | 'rcpt', reply: JudgedReply, outstanding: number): TransactionProgress {
  switch (purpose) {
    case 'rset':
      return { attempt, next: 'send-queued' };
    case 'mail': {
      const answered = { ...attempt, mailReply: reply };
      if (ok(reply)) return { attempt: answered, next: 'send-queued' };
      // Refused: an un-pipelined RCPT is not sent; a pipelined one gets its (503) reply first.
      return { attempt: answered, next: outstanding === 0 ? 'complete' : 'await-rest' };
    }
    case 'rcpt':
      // A RCPT answered after a refused MAIL says nothing about the recipient.
      return { attempt: mailAccepted(attempt) ? { ...attempt, rcptReply: reply } : attempt, next: 'complete' };
  }
}
