// What the status line says: the verdict's label exactly as VERDICT_LABELS has it (DESIGN.md),
// or "Running" / "Interrupted", then the one-sentence summary, what to do next, and the reasons.
import { VERDICT_LABELS, type Reason } from '@relayprobe/contracts';
import type { ResultState } from '../../../store/result-state.js';

/** The status line's parts. `tone` picks the colour; the words carry the meaning. */
export interface StatusText {
  label: string;
  summary: string | undefined;
  advice: string | undefined;
  reasons: readonly Reason[];
  tone: 'open' | 'accepts-all' | 'suspicious' | 'closed' | 'inconclusive' | 'unreachable' | 'running' | 'interrupted' | 'waiting';
}

const INTERRUPTED_SUMMARY = 'The probe stopped before it finished (the relayprobe server restarted or shut down); below is what was recorded.';
const INTERRUPTED_ADVICE = 'Run it again.';

/** The status line for the result on screen. */
export function statusText(result: Pick<ResultState, 'lookup' | 'status' | 'verdict' | 'doneVerdict' | 'failure'>): StatusText {
  const none = { summary: undefined, advice: undefined, reasons: [] };
  if (result.status === undefined) {
    return { ...none, label: result.lookup === 'failed' ? 'Cannot load this result' : 'Loading', summary: result.failure, tone: 'waiting' };
  }
  if (result.status === 'running') return { ...none, label: 'Running', summary: 'The probe is talking to the server; the transcript below is live.', tone: 'running' };
  const verdict = result.verdict;
  if (result.status === 'interrupted') {
    return { label: 'Interrupted', summary: INTERRUPTED_SUMMARY, advice: INTERRUPTED_ADVICE, reasons: verdict?.reasons ?? [], tone: 'interrupted' };
  }
  if (verdict) return { label: VERDICT_LABELS[verdict.code] ?? verdict.label, summary: verdict.summary, advice: verdict.advice, reasons: verdict.reasons, tone: verdict.code };
  if (result.doneVerdict) return { ...none, label: VERDICT_LABELS[result.doneVerdict.code] ?? result.doneVerdict.label, tone: result.doneVerdict.code };
  return { ...none, label: 'Complete', tone: 'waiting' };
}
