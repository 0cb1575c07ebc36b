// `statusBadge` is the one mapping from a probe's status and verdict to a label and a colour: the
// result page's status line (features/result) and the recent results list (features/recent) both
// use it, so it lives here, outside both features (a feature never imports another).
import { VERDICT_LABELS, type ProbeStatus, type VerdictCode } from '@relayprobe/contracts';

/** A probe's state in a word or two, and the colour that goes with it (`tone-*` in app.css); the words carry the meaning. */
export interface StatusBadge {
  label: string;
  tone: VerdictCode | 'running' | 'interrupted' | 'waiting';
}

/** "Running", "Interrupted", the verdict's label (VERDICT_LABELS, not the server's words), or "Complete" for a finished probe without a verdict. */
export function statusBadge(status: ProbeStatus, verdict: { code: VerdictCode; label: string } | undefined): StatusBadge {
  if (status === 'running') return { label: 'Running', tone: 'running' };
  if (status === 'interrupted') return { label: 'Interrupted', tone: 'interrupted' };
  if (verdict) return { label: VERDICT_LABELS[verdict.code] ?? verdict.label, tone: verdict.code };
  return { label: 'Complete', tone: 'waiting' };
}
