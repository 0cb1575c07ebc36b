// Watches (issue 14): what the routes and the metrics use. Composes the store, the scheduler (when),
// the runs (a probe through the probe manager, followed and evaluated) and the alert dispatcher.
//
// Scheduling: a watch runs on its slots (watch-scheduler.ts); its next slot is stored when a run
// starts, so after a restart a slot that passed while the service was down is due at once and
// runs once (the next one is the first slot after that run), and a watch whose last run a crash
// or shutdown interrupted runs at start too. Paused watches have no next run.
import { randomBytes } from 'node:crypto';
import type { CreateWatchBody, UpdateWatchBody, WatchDocument } from '@relayprobe/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type { ProbeManager } from '../probes/probe-manager.js';
import type { Refusal } from '../probes/admission.js';
import { AlertDispatcher } from './alert-dispatcher.js';
import type { AttemptOutcome } from './webhook-sender.js';
import type { StoredDelivery } from './delivery-store.js';
import { isoAt, type Clock } from './watch-clock.js';
import { checkAlerts, checkInterval, checkTarget, type InputRules } from './watch-input.js';
import { WatchRuns } from './watch-runs.js';
import { WatchScheduler, slotAtOrAfter, type LaunchOutcome } from './watch-scheduler.js';
import type { StoredWatch, WatchChanges, WatchStore } from './watch-store.js';
import { watchDocument, type ViewLinks } from './watch-view.js';

/** A refused scheduled start is tried again after this long (target busy, queue full) ... */
const RETRY_BUSY_MS = 60_000;
/** ... or this long when the target's hourly limit is reached. */
const RETRY_LIMITED_MS = 10 * 60_000;
/** Runs and deliveries in a watch's own document, and in each item of the list. */
const HISTORY_ONE = 100;
const DELIVERIES_ONE = 20;
const HISTORY_LIST = 30;
const DELIVERIES_LIST = 5;

export interface WatchServiceOptions extends ViewLinks {
  store: WatchStore;
  manager: ProbeManager;
  clock: Clock;
  log: FastifyBaseLogger;
  rules: InputRules;
  /** Scheduled runs at once (the probe manager's maxConcurrent). */
  maxInFlight: number;
  send(delivery: StoredDelivery, signal: AbortSignal): Promise<AttemptOutcome>;
  onAttempt?: (delivery: StoredDelivery, outcome: AttemptOutcome) => void;
}

const minutes = (n: number) => n * 60_000;

export class WatchService {
  readonly dispatcher: AlertDispatcher;
  readonly scheduler: WatchScheduler;
  readonly #o: WatchServiceOptions;
  readonly #runs: WatchRuns;

  constructor(options: WatchServiceOptions) {
    this.#o = options;
    const { store, clock, log } = options;
    this.dispatcher = new AlertDispatcher({ deliveries: store.deliveries, clock, log, send: options.send, ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}) });
    this.scheduler = new WatchScheduler({ clock, maxInFlight: options.maxInFlight, launch: (id) => this.#launch(id) });
    this.#runs = new WatchRuns({
      store,
      manager: options.manager,
      clock,
      log,
      linkTo: options.linkTo,
      watchLink: options.watchLink,
      onDeliveries: () => this.dispatcher.kick(),
      onRunEnded: (watchId, _probeId, scheduled) => {
        if (scheduled) this.scheduler.finished(watchId);
      },
    });
  }

  /** At start-up: evaluate what a crash left, schedule every watch, send what is pending. */
  start(): void {
    this.#runs.recover();
    const now = this.#o.clock.now();
    for (const watch of this.#o.store.list()) {
      if (watch.paused) continue;
      const interrupted = this.#o.store.runs(watch.id, 1)[0]?.status === 'interrupted';
      const at = interrupted ? now : watch.nextRunAt ? Date.parse(watch.nextRunAt) : this.#firstSlot(watch);
      this.scheduler.set(watch.id, at);
    }
    this.dispatcher.kick();
  }

  /** Stop scheduling and sending (runs in progress end with the probe manager's shutdown). */
  close(): void {
    this.scheduler.stop();
    this.dispatcher.stop();
  }

  /** Every stored watch (metrics read them at scrape time). */
  watches(): StoredWatch[] {
    return this.#o.store.list();
  }

  async create(body: CreateWatchBody): Promise<{ ok: true; id: string } | Refusal> {
    const { rules, store, clock } = this.#o;
    const target = checkTarget(body, rules);
    if (!target.ok) return target;
    const interval = checkInterval(body.intervalMinutes, rules);
    if (!interval.ok) return interval;
    const alerts = await checkAlerts(body.alerts, rules);
    if (!alerts.ok) return alerts;
    const id = randomBytes(16).toString('base64url');
    const watch: StoredWatch = {
      id,
      createdAt: isoAt(clock.now()),
      target: target.target,
      port: target.port,
      suite: body.suite ?? 'standard',
      tls: body.tls ?? 'auto',
      intervalMinutes: interval.minutes,
      paused: false,
      alerts: alerts.alerts,
      state: { failures: 0 },
    };
    const first = this.#firstSlot(watch);
    watch.nextRunAt = isoAt(first);
    store.create(watch);
    this.scheduler.set(id, first);
    this.#o.log.info({ watch: id, target: watch.target, port: watch.port, intervalMinutes: watch.intervalMinutes, alerts: watch.alerts.map((a) => a.type) }, 'watch created');
    return { ok: true, id };
  }

  get(id: string): WatchDocument | undefined {
    const watch = this.#o.store.get(id);
    return watch ? this.#document(watch, HISTORY_ONE, DELIVERIES_ONE) : undefined;
  }

  list(): WatchDocument[] {
    return this.#o.store.list().map((w) => this.#document(w, HISTORY_LIST, DELIVERIES_LIST));
  }

  /** PATCH; undefined when there is no such watch. */
  async update(id: string, body: UpdateWatchBody): Promise<{ ok: true; watch: WatchDocument } | Refusal | undefined> {
    const { rules, store, clock } = this.#o;
    const current = store.get(id);
    if (!current) return undefined;
    const changes: WatchChanges = {};
    if (body.intervalMinutes !== undefined) {
      const interval = checkInterval(body.intervalMinutes, rules);
      if (!interval.ok) return interval;
      changes.intervalMinutes = interval.minutes;
    }
    if (body.alerts !== undefined) {
      const alerts = await checkAlerts(body.alerts, rules);
      if (!alerts.ok) return alerts;
      changes.alerts = alerts.alerts;
    }
    if (body.suite !== undefined) changes.suite = body.suite;
    if (body.tls !== undefined) changes.tls = body.tls;
    if (body.paused !== undefined) changes.paused = body.paused;
    const paused = changes.paused ?? current.paused;
    const reslot = paused !== current.paused || (changes.intervalMinutes !== undefined && changes.intervalMinutes !== current.intervalMinutes);
    let next: number | undefined;
    if (paused) changes.nextRunAt = null;
    else if (reslot) {
      next = slotAtOrAfter(id, minutes(changes.intervalMinutes ?? current.intervalMinutes), clock.now());
      changes.nextRunAt = isoAt(next);
    }
    const updated = store.update(id, changes);
    if (!updated) return undefined; // deleted meanwhile
    if (paused) this.scheduler.remove(id);
    else if (next !== undefined) this.scheduler.set(id, next);
    return { ok: true, watch: this.#document(updated, HISTORY_ONE, DELIVERIES_ONE) };
  }

  /** Delete; a run in progress goes on as an ordinary probe. False when there was none. */
  delete(id: string): boolean {
    const deleted = this.#o.store.delete(id);
    this.scheduler.remove(id);
    if (deleted) this.#o.log.info({ watch: id }, 'watch deleted');
    return deleted;
  }

  /** "Run now": an unscheduled run; the schedule stays as it is. Undefined when there is no such watch. */
  async runNow(id: string): Promise<{ ok: true; probeId: string } | Refusal | undefined> {
    const watch = this.#o.store.get(id);
    if (!watch) return undefined;
    return this.#runs.start(watch, false, watch.paused ? undefined : watch.nextRunAt);
  }

  #firstSlot(watch: StoredWatch): number {
    return slotAtOrAfter(watch.id, minutes(watch.intervalMinutes), this.#o.clock.now());
  }

  #document(watch: StoredWatch, runs: number, deliveries: number): WatchDocument {
    const { store } = this.#o;
    return watchDocument(watch, store.runs(watch.id, runs), store.deliveries.ofWatch(watch.id, deliveries), this.#runs.runningProbeOf(watch.id), this.#o);
  }

  async #launch(id: string): Promise<LaunchOutcome> {
    const { store, clock, log } = this.#o;
    const watch = store.get(id);
    if (!watch || watch.paused) return { kind: 'gone' };
    const now = clock.now();
    const next = slotAtOrAfter(id, minutes(watch.intervalMinutes), now + 1);
    let outcome: Awaited<ReturnType<WatchRuns['start']>>;
    try {
      outcome = await this.#runs.start(watch, true, isoAt(next));
    } catch (error) {
      log.error({ err: error, watch: id }, 'starting a scheduled watch run failed');
      return { kind: 'retry', at: now + RETRY_BUSY_MS };
    }
    if (outcome.ok) {
      this.scheduler.set(id, next);
      return { kind: 'started' };
    }
    const retry = (at: number): LaunchOutcome => {
      // Stored as the next run, so the page says when it is tried again.
      store.setNextRun(id, isoAt(at));
      log.info({ watch: id, code: outcome.code, retryAt: isoAt(at) }, 'scheduled watch run deferred');
      return { kind: 'retry', at };
    };
    switch (outcome.code) {
      case 'target-busy':
      case 'queue-full':
        return retry(now + RETRY_BUSY_MS);
      case 'target-rate-limited':
        return retry(now + RETRY_LIMITED_MS);
      case 'shutting-down':
        return { kind: 'gone' };
      default:
        // The target itself is refused now (its name resolves to a private address, say): log, next slot.
        log.warn({ watch: id, code: outcome.code, reason: outcome.message }, 'scheduled watch run refused');
        store.setNextRun(id, isoAt(next));
        return { kind: 'skipped', at: next };
    }
  }
}
