// What the status line says: the verdict's label exactly as VERDICT_LABELS has it (DESIGN.md),
// or "Running" / "Interrupted", then the one-sentence summary, what to do next, and the reasons.
// `statusBadge` is the one mapping from a probe's status and verdict to a label and a colour: the
// status line and the recent results list (features/recent) both use it. The verdict's texts are
// stored in the CLI's words ("--send-message --to"); the page shows them in its own (forPage:
// the form's controls, or who sets what the page does not offer).
import { VERDICT_LABELS, forPage, type ProbeStatus, type Reason, type Verdict, type VerdictCode } from '@relayprobe/contracts';
import { isRunning, type ResultState } from '../../../store/result-state.js';

/** A probe's state in a word or two, and the colour that goes with it (`tone-*` in app.css); the words carry the meaning. */
export interface StatusBadge {
  label: string;
  tone: VerdictCode | 'running' | 'interrupted' | 'waiting';
}

/** The status line's parts. */
export interface StatusText extends StatusBadge {
  summary: string | undefined;
  advice: string | undefined;
  reasons: readonly Reason[];
}

const RUNNING_SUMMARY = 'The probe is talking to the server; the transcript below is live.';
const INTERRUPTED_SUMMARY = 'The probe stopped before it finished (the relayprobe server restarted or shut down); below is what was recorded.';
const INTERRUPTED_ADVICE = 'Run it again.';

/** "Running", "Interrupted", the verdict's label (VERDICT_LABELS, not the server's words), or "Complete" for a finished probe without a verdict. */
export function statusBadge(status: ProbeStatus, verdict: { code: VerdictCode; label: string } | undefined): StatusBadge {
  if (status === 'running') return { label: 'Running', tone: 'running' };
  if (status === 'interrupted') return { label: 'Interrupted', tone: 'interrupted' };
  if (verdict) return { label: VERDICT_LABELS[verdict.code] ?? verdict.label, tone: verdict.code };
  return { label: 'Complete', tone: 'waiting' };
}

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
