// One attempt at a planned test: the RSET/MAIL/RCPT transaction and how its replies turn into a
// vector result (RELAY-TESTS.md §3 "When MAIL is refused…" and §4). Pure functions over replies.
import type { ReplySummary, ResultFlag, VectorResult } from '@relayprobe/contracts';
import { judgeMail, judgeRcpt, type JudgedReply } from './reply-judge.js';
import type { PlannedTest } from './test-plan.js';

export interface Attempt {
  test: PlannedTest;
  /** 'vector' judges relaying; 'delivery' carries the test message through an accepted vector. */
  kind: 'vector' | 'delivery';
  mailFrom: string;
  rcptTo: string;
  /** 'retry' is the second transaction with the plain sender after MAIL was refused. */
  stage: 'main' | 'retry';
  refusedMail?: { path: string; reply: ReplySummary } | undefined;
  mailReply?: JudgedReply | undefined;
  rcptReply?: JudgedReply | undefined;
}

export type AttemptVerdict =
  | { kind: 'result'; result: VectorResult }
  /** MAIL refused: test the RCPT trick again with the plain sender (`retry`, the refusal recorded in it). */
  | { kind: 'retry-sender'; retry: Attempt }
  /** The server wants STARTTLS before mail (RFC 3207 §4): upgrade, then run the test again. */
  | { kind: 'needs-starttls' }
  /** 421: the server is closing; the test did not complete. */
  | { kind: 'closing' };

/** Reply text without codes, lines joined, as ReplySummary wants it. */
export function summarize(reply: JudgedReply): ReplySummary {
  return reply.enhanced ? { code: reply.code, enhanced: reply.enhanced, text: reply.text } : { code: reply.code, text: reply.text };
}

function result(attempt: Attempt, outcome: VectorResult['outcome'], reply: JudgedReply | undefined, flags: ResultFlag[]): VectorResult {
  const { test } = attempt;
  const control = test.vector.weight === 'control';
  const refusedMail = attempt.refusedMail;
  return {
    id: test.vector.id,
    key: test.key,
    name: test.vector.name,
    weight: test.vector.weight,
    mailFrom: attempt.mailFrom,
    rcptTo: attempt.rcptTo,
    ...(test.localName ? { localName: test.localName } : {}),
    outcome,
    ...(reply ? { reply: summarize(reply) } : {}),
    ...(refusedMail ? { senderRetry: { refusedMailFrom: refusedMail.path, mailReply: refusedMail.reply, retryMailFrom: attempt.mailFrom } } : {}),
    flags: [...new Set(flags)],
    ...(control ? { expectationMet: expectation(test.vector.id, outcome) } : {}),
  };
}

/** Whether a control got the answer a discriminating server gives (null: no answer to judge). */
function expectation(id: string, outcome: VectorResult['outcome']): boolean | null {
  if (outcome === 'not-run' || outcome === 'not-completed' || outcome === 'deferred') return null;
  if (id === 'C3') return true; // either answer is fine: C3 is evidence, not a discriminator (RELAY-TESTS.md §2)
  return id === 'C1' ? outcome === 'accepted' : outcome !== 'accepted';
}

/** Judge a finished transaction. `plainSender` is the sender used for the retry (<x@ext>). */
export function evaluateAttempt(attempt: Attempt, plainSender: string, canStartTls: boolean): AttemptVerdict {
  const mail = attempt.mailReply;
  if (!mail) throw new Error('engine bug: evaluating an attempt without a MAIL reply');
  const judged = judgeMail(mail);
  switch (judged.kind) {
    case 'closing':
      return { kind: 'closing' };
    case 'starttls-required':
      return canStartTls
        ? { kind: 'needs-starttls' }
        : // The command ran and was answered: "denied" (until TLS), never "not run" with a reply.
          { kind: 'result', result: { ...result(attempt, 'denied', mail, ['starttls-required', 'starttls-unavailable']), note: 'The server requires STARTTLS before mail; run with --tls auto.' } };
    case 'auth-required':
      return { kind: 'result', result: result(attempt, 'auth-required', mail, []) };
    case 'deferred':
      return { kind: 'result', result: result(attempt, 'deferred', mail, judged.flags) };
    case 'domain-refused':
      return { kind: 'result', result: result(attempt, 'domain-refused', mail, judged.flags) };
    case 'refused':
      if (attempt.stage === 'main' && attempt.mailFrom !== plainSender) {
        const refusedMail = { path: attempt.mailFrom, reply: summarize(mail) };
        return { kind: 'retry-sender', retry: { ...attempt, stage: 'retry', mailFrom: plainSender, refusedMail, mailReply: undefined, rcptReply: undefined } };
      }
      return { kind: 'result', result: result(attempt, 'sender-refused', mail, judged.flags) };
    case 'ok':
      break;
  }
  const rcpt = attempt.rcptReply;
  if (!rcpt) throw new Error('engine bug: MAIL accepted but no RCPT reply');
  if (rcpt.code === 421) return { kind: 'closing' };
  const verdict = judgeRcpt(rcpt);
  if (verdict.flags.includes('starttls-required') && canStartTls) return { kind: 'needs-starttls' };
  return { kind: 'result', result: result(attempt, verdict.outcome, rcpt, verdict.flags) };
}

/** The result for a test whose transaction was cut off (connection lost, timeout, 421). */
export function notCompletedResult(attempt: Attempt, flag: ResultFlag, note: string): VectorResult {
  return { ...result(attempt, 'not-completed', attempt.rcptReply ?? attempt.mailReply, [flag]), note };
}
