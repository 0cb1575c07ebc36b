// An outcome in words for the Evidence table: the transcript's words (OUTCOME_WORDS), and for a
// refusal with a 4xx reply, that it was temporary: Postfix's default "454 4.7.1 Relay access
// denied" refuses relaying for now, and RFC 5321 §4.2.1 lets the client try again later.
import { OUTCOME_WORDS, escapeForDisplay, type VectorResult } from '@relayprobe/contracts';

const REFUSALS: ReadonlySet<string> = new Set(['auth-required', 'relay-denied', 'denied', 'domain-refused', 'sender-refused']);

/** "refused: relaying denied", or "refused: relaying denied (temporary: 454)". */
export function outcomeText(result: Pick<VectorResult, 'outcome' | 'reply'>): string {
  const words = OUTCOME_WORDS[result.outcome] ?? escapeForDisplay(result.outcome);
  const code = result.reply?.code;
  return code !== undefined && code >= 400 && code < 500 && REFUSALS.has(result.outcome) ? `${words} (temporary: ${code})` : words;
}
