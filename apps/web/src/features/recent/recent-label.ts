// The text of one recent result's link after its badge (the badge is shared/status-badge.ts's
// statusBadge, the status line's own mapping): the target as typed, escaped, since the server
// only checked its grammar, then the port and suite.
import { escapeForDisplay, type ProbeSummary } from '@relayprobe/contracts';

/** "mail.example.com port 25, standard suite". */
export function recentDetail(item: Pick<ProbeSummary, 'target' | 'port' | 'suite'>): string {
  return `${escapeForDisplay(item.target)} port ${item.port}, ${item.suite} suite`;
}
