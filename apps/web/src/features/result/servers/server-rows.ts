// What the servers summary shows of each server of a domain test: a badge (the verdict's label,
// or where the server stands), its name and address, and a line of detail. Pure, tested alone.
import { VERDICT_LABELS, escapeForDisplay, forPage, type ServerView, type VerdictCode } from '@relayprobe/contracts';

export interface ServerRow {
  server: number;
  /** "mx2.example.com (192.0.2.7)". */
  name: string;
  preference: number;
  badge: { label: string; tone: VerdictCode | 'running' | 'waiting' };
  /** "test 3 of 22", "not tested: no IPv6 connectivity from here", the verdict's summary, ... */
  detail: string;
}

/** The row of one server. */
export function serverRow(server: ServerView): ServerRow {
  const { plan, view } = server;
  const name = `${escapeForDisplay(plan.host)} (${plan.address ?? 'no address'})`;
  const row = { server: plan.server, name, preference: plan.preference };
  if (view.verdict) return { ...row, badge: { label: VERDICT_LABELS[view.verdict.code], tone: view.verdict.code }, detail: forPage(view.verdict.summary) };
  if (server.status === 'not-tested') return { ...row, badge: { label: 'Not tested', tone: 'waiting' }, detail: escapeForDisplay(server.notTested?.text ?? '') };
  if (server.status === 'running') {
    const progress = view.progress;
    return { ...row, badge: { label: 'Testing', tone: 'running' }, detail: progress ? `test ${progress.index} of ${progress.total}` : 'connecting…' };
  }
  return { ...row, badge: { label: 'Waiting', tone: 'waiting' }, detail: 'waits for its turn' };
}
