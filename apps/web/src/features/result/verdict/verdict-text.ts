// What the status line says: the verdict's label exactly as VERDICT_LABELS has it (DESIGN.md),
// or "Running" / "Interrupted", then the one-sentence summary, what to do next, and the reasons.
// The label and colour come from `statusBadge` (shared/status-badge.ts), which the recent results
// list (features/recent) uses too. The verdict's texts are stored in the CLI's words
// ("--send-message --to"); the page shows them in its own (forPage: the form's controls, or who
// sets what the page does not offer).
import { forPage, type Reason, type Verdict } from '@relayprobe/contracts';
import { isRunning, type ResultState } from '../../../store/result-state.js';
import { statusBadge, type StatusBadge } from '../../../shared/status-badge.js';

/** The status line's parts. */
export interface StatusText extends StatusBadge {
  summary: string | undefined;
  advice: string | undefined;
  reasons: readonly Reason[];
}

const RUNNING_SUMMARY = 'The probe is talking to the server; the transcript below is live.';
const INTERRUPTED_SUMMARY = 'The probe stopped before it finished (the relayprobe server restarted or shut down); below is what was recorded.';
const INTERRUPTED_ADVICE = 'Run it again.';

/** The status line for the result on screen. */
export function statusText(result: Pick<ResultState, 'lookup' | 'status' | 'doneVerdict' | 'failure'> & { verdict?: Verdict | undefined }): StatusText {
  const none = { summary: undefined, advice: undefined, reasons: [] };
  if (result.status === undefined) {
    return { ...none, label: result.lookup === 'failed' ? 'Cannot load this result' : 'Loading', summary: result.failure, tone: 'waiting' };
  }
  const verdict = result.verdict;
  const badge = statusBadge(result.status, verdict ?? result.doneVerdict);
  if (isRunning(result)) return { ...none, ...badge, summary: RUNNING_SUMMARY };
  if (result.status === 'interrupted') return { ...badge, summary: INTERRUPTED_SUMMARY, advice: INTERRUPTED_ADVICE, reasons: reasonsForPage(verdict) };
  if (verdict) return { ...badge, summary: forPage(verdict.summary), advice: forPage(verdict.advice), reasons: reasonsForPage(verdict) };
  return { ...none, ...badge };
}

const reasonsForPage = (verdict: Verdict | undefined): Reason[] => (verdict?.reasons ?? []).map((r) => ({ ...r, text: forPage(r.text) }));
