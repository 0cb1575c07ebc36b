// Sends the alert outbox (delivery-store.ts): every pending delivery whose time has come, a few at
// once, each attempt's outcome recorded; a failure that a retry may fix is tried again after a
// growing delay (RETRY_DELAYS_MS), until MAX_ATTEMPTS. One timer, armed for the earliest pending
// delivery; the outbox is in SQLite, so what was pending at a restart is sent after it.
//
// Delivery is at least once: an attempt cut by a shutdown after the receiver got it, but before
// its outcome was stored, is sent again. Receivers can tell by X-Relayprobe-Delivery.
import type { FastifyBaseLogger } from 'fastify';
import type { DeliveryReads, StoredDelivery } from './delivery-store.js';
import type { AttemptOutcome } from './webhook-sender.js';
import { isoAt, type Clock } from './watch-clock.js';

/** Delay after attempt N (1-based) failed: 30 s, 2 min, 10 min, 30 min, 2 h; then it has failed. */
const RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 1_800_000, 7_200_000] as const;
const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** Deliveries in flight at once. */
const CONCURRENCY = 4;

export interface DispatcherOptions {
  deliveries: DeliveryReads;
  clock: Clock;
  log: FastifyBaseLogger;
  /** Make one attempt (by the delivery's type); must not throw. */
  send(delivery: StoredDelivery, signal: AbortSignal): Promise<AttemptOutcome>;
  /** Told after every recorded attempt (tests wait for it; metrics). */
  onAttempt?: (delivery: StoredDelivery, outcome: AttemptOutcome) => void;
}

export class AlertDispatcher {
  readonly #o: DispatcherOptions;
  readonly #inFlight = new Set<number>();
  readonly #abort = new AbortController();
  #timer: unknown;
  #stopped = false;
  #idle: (() => void)[] = [];

  constructor(options: DispatcherOptions) {
    this.#o = options;
  }

  /** Look for due deliveries now (after new ones were stored, and at start). */
  kick(): void {
    if (this.#stopped) return;
    const { clock, deliveries } = this.#o;
    if (this.#timer !== undefined) clock.clearTimer(this.#timer);
    this.#timer = undefined;
    const room = CONCURRENCY - this.#inFlight.size;
    if (room > 0) {
      for (const delivery of deliveries.due(isoAt(clock.now()), room + this.#inFlight.size)) {
        if (this.#inFlight.size >= CONCURRENCY) break;
        if (!this.#inFlight.has(delivery.id)) this.#attempt(delivery);
      }
    }
    if (this.#inFlight.size > 0) return; // the end of an attempt kicks again
    const next = deliveries.nextDueAt();
    if (next !== undefined) this.#timer = clock.setTimer(() => this.kick(), Date.parse(next) - clock.now());
    else this.#settleIdle();
  }

  /** Resolves once nothing is in flight or due now (tests; shutdown). */
  whenIdle(): Promise<void> {
    if (this.#inFlight.size === 0 && !this.#dueNow()) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Stop: no new attempts, the ones in flight are aborted (they stay pending and go after a restart). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#o.clock.clearTimer(this.#timer);
    this.#abort.abort();
    this.#settleIdle();
  }

  #dueNow(): boolean {
    return this.#o.deliveries.due(isoAt(this.#o.clock.now()), 1).length > 0;
  }

  #settleIdle(): void {
    const waiting = this.#idle;
    this.#idle = [];
    for (const resolve of waiting) resolve();
  }

  #attempt(delivery: StoredDelivery): void {
    this.#inFlight.add(delivery.id);
    void this.#o
      .send(delivery, this.#abort.signal)
      .catch((error: unknown): AttemptOutcome => ({ ok: false, permanent: false, error: `internal error: ${String(error)}` }))
      .then((outcome) => this.#record(delivery, outcome))
      .catch((error: unknown) => this.#o.log.error({ err: error, delivery: delivery.id }, 'recording an alert attempt failed'))
      .finally(() => {
        this.#inFlight.delete(delivery.id);
        this.kick();
      });
  }

  #record(delivery: StoredDelivery, outcome: AttemptOutcome): void {
    // Aborted by shutdown: leave it pending, unrecorded; it goes again after the restart.
    if (this.#stopped) return;
    const at = isoAt(this.#o.clock.now());
    const attempts = delivery.attempts + 1;
    const status = { ...(outcome.responseStatus !== undefined ? { responseStatus: outcome.responseStatus } : {}) };
    let recorded: boolean;
    if (outcome.ok) recorded = this.#o.deliveries.recordAttempt(delivery.id, { status: 'delivered', at, ...status });
    else if (outcome.permanent || attempts >= MAX_ATTEMPTS) recorded = this.#o.deliveries.recordAttempt(delivery.id, { status: 'failed', at, error: outcome.error, ...status });
    else {
      const retryAt = isoAt(this.#o.clock.now() + (RETRY_DELAYS_MS[attempts - 1] ?? 7_200_000));
      recorded = this.#o.deliveries.recordAttempt(delivery.id, { status: 'pending', at, retryAt, error: outcome.error, ...status });
    }
    const log = { delivery: delivery.id, watch: delivery.watchId, type: delivery.type, attempt: attempts, ...status };
    if (outcome.ok) this.#o.log.info(log, 'alert delivered');
    else this.#o.log.warn({ ...log, error: outcome.error, permanent: outcome.permanent }, 'alert delivery failed');
    if (recorded) this.#o.onAttempt?.({ ...delivery, attempts }, outcome);
  }
}
