// The colour an outcome gets in the evidence table, always next to its words (OUTCOME_WORDS):
// colour is never the only signal (WCAG 1.4.1).
import type { VectorResult } from '@relayprobe/contracts';

/** bad: relaying accepted; doubtful: weak or unexpected; good: refused as it should be; neutral: says nothing yet. */
export type Tone = 'bad' | 'doubtful' | 'good' | 'neutral';

/** The tone of one vector's or control's outcome. */
export function outcomeTone(result: Pick<VectorResult, 'weight' | 'outcome' | 'expectationMet'>): Tone {
  if (result.weight === 'control') return result.expectationMet === true ? 'good' : result.expectationMet === false ? 'doubtful' : 'neutral';
  switch (result.outcome) {
    case 'accepted':
      return result.weight === 'strong' ? 'bad' : 'doubtful';
    case 'auth-required':
    case 'relay-denied':
    case 'denied':
    case 'sender-refused':
      return 'good';
    default:
      return 'neutral';
  }
}
