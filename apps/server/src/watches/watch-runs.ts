// A run of a watch is an ordinary probe through the probe manager (same admission, per-target
// limits, queue, storage and link). This module starts one, hears its end from the manager
// (ProbeManager.whenEnded: after the final commit; the probe never depends on it), and evaluates it: the change
// detection, then the watch's new state and the alert deliveries in one transaction.
//
// Invariants: a run is evaluated at most once (WatchStore.finishRun); a run whose watch was
// deleted meanwhile is left alone (its probe stays an ordinary result); at start-up, runs a crash
// left unevaluated are evaluated from what storage holds.
import type { CreateProbeBody, WatchAlertPayload } from '@relayprobe/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type { ProbeManager } from '../probes/probe-manager.js';
import type { Refusal } from '../probes/admission.js';
import { evaluateRun, findingsOf, type Evaluation } from './change-detection.js';
import { renderAlert } from './alert-payloads.js';
import { isoAt, type Clock } from './watch-clock.js';
import type { NewDelivery } from './delivery-store.js';
import type { StoredWatch, WatchStore } from './watch-store.js';

export interface WatchRunsOptions {
  store: WatchStore;
  manager: ProbeManager;
  clock: Clock;
  log: FastifyBaseLogger;
  /** Link to a result, and to a watch's page. */
  linkTo: (probeId: string) => string;
  watchLink: (watchId: string) => string;
  /** Deliveries were stored: send them. */
  onDeliveries: () => void;
  /** A run was evaluated (or found gone); `scheduled` as it was started. */
  onRunEnded: (watchId: string, probeId: string, scheduled: boolean) => void;
}

/** Where a watch points, in alert sentences. */
const whereOf = (watch: Pick<StoredWatch, 'target' | 'port'>) => `${watch.target} port ${watch.port}`;

/** Starts, follows and evaluates the runs of watches. */
export class WatchRuns {
  readonly #o: WatchRunsOptions;
  /** Runs in progress: probe id -> its watch. */
  readonly #running = new Map<string, { watchId: string; scheduled: boolean }>();

  constructor(options: WatchRunsOptions) {
    this.#o = options;
  }

  /** The probe id of the watch's run in progress, if any. */
  runningProbeOf(watchId: string): string | undefined {
    for (const [probeId, run] of this.#running) if (run.watchId === watchId) return probeId;
    return undefined;
  }

  /** Runs in progress. */
  get runningCount(): number {
    return this.#running.size;
  }

  /** Start a run; `nextRunAt` is stored with it. A refusal is the probe manager's. */
  async start(watch: StoredWatch, scheduled: boolean, nextRunAt: string | undefined): Promise<{ ok: true; probeId: string } | Refusal> {
    const body: CreateProbeBody = { target: watch.target, port: watch.port, suite: watch.suite, tls: watch.tls };
    const outcome = await this.#o.manager.start(body);
    if (!outcome.ok) return outcome;
    const probeId = outcome.id;
    try {
      this.#o.store.startRun(watch.id, probeId, scheduled, isoAt(this.#o.clock.now()), nextRunAt);
    } catch (error) {
      // The watch was deleted while its probe was being prepared: the probe is an ordinary result.
      this.#o.log.info({ watch: watch.id, probe: probeId, err: error }, 'watch gone before its run was recorded');
      return { ok: true, probeId };
    }
    this.#o.log.info({ watch: watch.id, probe: probeId, scheduled }, 'watch run started');
    this.#follow(watch.id, probeId, scheduled);
    return { ok: true, probeId };
  }

  /** At start-up: evaluate what a crash left unevaluated (the probes are complete or interrupted by now). */
  recover(): void {
    for (const run of this.#o.store.unevaluatedRuns()) {
      if (run.status === 'running') continue; // live (cannot be at start-up, but never evaluate a live run)
      this.#evaluate(run.watchId, run.probeId, run.scheduled);
    }
  }

  #follow(watchId: string, probeId: string, scheduled: boolean): void {
    this.#running.set(probeId, { watchId, scheduled });
    // Evaluated outside the manager's loop over what waits for the probe's end.
    const end = () => queueMicrotask(() => this.#evaluate(watchId, probeId, scheduled));
    if (!this.#o.manager.whenEnded(probeId, end)) end();
  }

  #evaluate(watchId: string, probeId: string, scheduled: boolean): void {
    this.#running.delete(probeId);
    try {
      this.#evaluateNow(watchId, probeId);
    } catch (error) {
      this.#o.log.error({ err: error, watch: watchId, probe: probeId }, 'evaluating a watch run failed');
    }
    this.#o.onRunEnded(watchId, probeId, scheduled);
  }

  #evaluateNow(watchId: string, probeId: string): void {
    const { store, manager, clock } = this.#o;
    const watch = store.get(watchId);
    if (!watch) return; // deleted while it ran
    const doc = manager.result(probeId);
    const findings = doc && doc.status === 'complete' ? findingsOf(doc, clock.now()) : undefined;
    if (!findings) {
      // Interrupted (shutdown, crash) or without a verdict: it says nothing about the server.
      store.finishRun(watchId, probeId, undefined, []);
      return;
    }
    const at = isoAt(clock.now());
    const evaluation = evaluateRun(watch.state, findings, { probeId, at }, whereOf(watch));
    const deliveries = this.#deliveries(watch, probeId, evaluation, at);
    if (!store.finishRun(watchId, probeId, evaluation.state, deliveries)) return;
    if (evaluation.changes.length > 0) this.#o.log.info({ watch: watchId, probe: probeId, changes: evaluation.changes.map((c) => c.kind), deliveries: deliveries.length }, 'watch changed');
    if (deliveries.length > 0) this.#o.onDeliveries();
  }

  #deliveries(watch: StoredWatch, probeId: string, evaluation: Evaluation, at: string): NewDelivery[] {
    const { previous, current, changes } = evaluation;
    if (changes.length === 0 || !previous || !current) return [];
    const payload: WatchAlertPayload = {
      event: 'watch.changed',
      watch: { id: watch.id, target: watch.target, port: watch.port, url: this.#o.watchLink(watch.id) },
      changes,
      previous,
      current,
      probeId,
      resultUrl: this.#o.linkTo(probeId),
      detectedAt: at,
    };
    return watch.alerts.map((channel) => {
      const rendered = renderAlert(channel, payload);
      return {
        watchId: watch.id,
        probeId,
        type: channel.type,
        destination: channel.url ?? channel.to ?? '',
        changes: changes.map((c) => c.kind),
        body: rendered.body,
        ...(rendered.signature ? { signature: rendered.signature } : {}),
        createdAt: at,
        nextAttemptAt: at,
      };
    });
  }
}
