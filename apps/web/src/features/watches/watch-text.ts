// Words of the Watches page, pure (tested in apps/web/test/watch-text.test.ts): the interval, when
// a run was or will be, a delivery's outcome, and the tone of each history mark.
import { VERDICT_LABELS, type AlertDelivery, type VerdictCode, type WatchRun } from '@relayprobe/contracts';
import { statusBadge, type StatusBadge } from '../../shared/status-badge.js';

/** "every 24 h", "every 15 min", "every 2 days". */
export function intervalText(minutes: number): string {
  if (minutes % 1440 === 0 && minutes >= 2880) return `every ${minutes / 1440} days`;
  if (minutes % 60 === 0) return `every ${minutes / 60} h`;
  return `every ${minutes} min`;
}

/** A time relative to `now`: "in 3 min", "5 h ago", "just now". */
export function relativeTime(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 1) return ms >= 0 ? 'in under a minute' : 'just now';
  const text = minutes < 120 ? `${minutes} min` : minutes < 2880 ? `${Math.round(minutes / 60)} h` : `${Math.round(minutes / 1440)} days`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

/** A history mark: its badge (as everywhere else: shared/status-badge.ts) and what a reader hears. */
export function runMark(run: WatchRun): StatusBadge & { title: string } {
  const badge = statusBadge(run.status, run.verdict);
  const when = new Date(run.startedAt).toLocaleString();
  return { ...badge, title: `${badge.label}, ${run.scheduled ? 'scheduled run' : 'run by hand'}, ${when}` };
}

/** The watch's current verdict badge; "No result yet" before its first run. */
export function currentBadge(verdict: { code: VerdictCode; label: string } | undefined, running: boolean): StatusBadge {
  if (verdict) return { label: VERDICT_LABELS[verdict.code] ?? verdict.label, tone: verdict.code };
  return running ? { label: 'Running', tone: 'running' } : { label: 'No result yet', tone: 'waiting' };
}

const CHANNEL = { webhook: 'Webhook', slack: 'Slack', teams: 'Teams', email: 'E-mail' } as const;

/** "Webhook https://hooks.example.com/…: delivered (HTTP 200)", "E-mail ops@example.com: failed after 6 attempts: ...". */
export function deliveryText(d: AlertDelivery): string {
  const where = `${CHANNEL[d.type]} ${d.destination}`;
  const answer = d.responseStatus !== undefined ? ` (HTTP ${d.responseStatus})` : '';
  if (d.status === 'delivered') return `${where}: delivered${answer}`;
  const attempts = `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`;
  if (d.status === 'failed') return `${where}: failed after ${attempts}${d.error ? `: ${d.error}` : ''}`;
  return `${where}: ${d.attempts === 0 ? 'sending' : `retrying (${attempts} so far${d.error ? `; ${d.error}` : ''})`}`;
}
