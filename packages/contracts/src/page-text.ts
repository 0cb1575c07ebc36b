// Titles of result pages, shared by the server (link previews, before any JavaScript runs) and
// the web app (document.title), so a page's title does not change when the app takes over.
import { VERDICT_LABELS } from './result-codes.js';
import type { VerdictCode } from './results.js';
import type { ProbeStatus } from './result-document.js';

/** The title of a result page: "Open relay: mail.example.com · relayprobe". */
export function resultPageTitle(target: string, status: ProbeStatus, verdict?: VerdictCode): string {
  if (status === 'running') return `Testing ${target} for open relay… · relayprobe`;
  if (verdict === undefined) return `${target}: test interrupted · relayprobe`;
  return `${VERDICT_LABELS[verdict]}: ${target} · relayprobe`;
}

/** The title of the page for an unknown or malformed result link. */
export const NO_SUCH_RESULT_TITLE = 'No such result · relayprobe';
