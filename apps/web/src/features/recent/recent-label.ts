// The text of one recent result's link: its verdict label (or "Running" / "Interrupted"), then the
// target as typed, escaped, since the server only checked its grammar.
import { escapeForDisplay, type ProbeSummary } from '@relayprobe/contracts';

/** "Running", "Interrupted", the verdict's label, or "Complete" for a finished result without one. */
export function statusWord(item: Pick<ProbeSummary, 'status' | 'verdict'>): string {
  if (item.status === 'running') return 'Running';
  if (item.status === 'interrupted') return 'Interrupted';
  return item.verdict?.label ?? 'Complete';
}

/** "mail.example.com port 25, standard suite". */
export function recentDetail(item: Pick<ProbeSummary, 'target' | 'port' | 'suite'>): string {
  return `${escapeForDisplay(item.target)} port ${item.port}, ${item.suite} suite`;
}

/** "Open relay: mail.example.com port 25, standard suite". */
export function recentLabel(item: Pick<ProbeSummary, 'status' | 'verdict' | 'target' | 'port' | 'suite'>): string {
  return `${statusWord(item)}: ${recentDetail(item)}`;
}
