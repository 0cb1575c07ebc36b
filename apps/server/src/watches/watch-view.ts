// A stored watch as the API shows it (contracts' WatchDocument): never an alert's secret, never a
// webhook URL's path (Slack and Teams put their token there), its history as links to results.
import type { AlertDelivery, VerdictCode, WatchDocument, WatchRun } from '@relayprobe/contracts';
import type { StoredDelivery } from './delivery-store.js';
import type { StoredRun, StoredWatch } from './watch-store.js';
import { shownDestination } from './alert-payloads.js';

export interface ViewLinks {
  linkTo: (probeId: string) => string;
  watchLink: (watchId: string) => string;
}

function runView(run: StoredRun, links: ViewLinks): WatchRun {
  return {
    probeId: run.probeId,
    url: links.linkTo(run.probeId),
    scheduled: run.scheduled,
    startedAt: run.startedAt,
    status: run.status,
    ...(run.verdict ? { verdict: { code: run.verdict.code as VerdictCode, label: run.verdict.label } } : {}),
    ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
  };
}

function deliveryView(d: StoredDelivery): AlertDelivery {
  return {
    id: d.id,
    type: d.type,
    destination: shownDestination(d.type, d.destination),
    probeId: d.probeId,
    changes: d.changes,
    status: d.status,
    attempts: d.attempts,
    createdAt: d.createdAt,
    ...(d.lastAttemptAt ? { lastAttemptAt: d.lastAttemptAt } : {}),
    ...(d.nextAttemptAt ? { nextAttemptAt: d.nextAttemptAt } : {}),
    ...(d.responseStatus !== undefined ? { responseStatus: d.responseStatus } : {}),
    ...(d.error ? { error: d.error } : {}),
  };
}

/** The document of one watch with its latest runs and deliveries (newest first). */
export function watchDocument(watch: StoredWatch, runs: readonly StoredRun[], deliveries: readonly StoredDelivery[], runningProbeId: string | undefined, links: ViewLinks): WatchDocument {
  return {
    id: watch.id,
    url: links.watchLink(watch.id),
    target: watch.target,
    port: watch.port,
    suite: watch.suite,
    tls: watch.tls,
    intervalMinutes: watch.intervalMinutes,
    paused: watch.paused,
    alerts: watch.alerts.map((a) => ({ type: a.type, destination: shownDestination(a.type, a.url ?? a.to ?? ''), signed: a.secret !== undefined })),
    createdAt: watch.createdAt,
    ...(watch.lastRunAt ? { lastRunAt: watch.lastRunAt } : {}),
    ...(watch.nextRunAt && !watch.paused ? { nextRunAt: watch.nextRunAt } : {}),
    ...(runningProbeId ? { runningProbeId } : {}),
    state: watch.state,
    history: runs.map((r) => runView(r, links)),
    deliveries: deliveries.map(deliveryView),
  };
}
