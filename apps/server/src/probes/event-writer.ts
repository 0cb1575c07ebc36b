// The service's one writer to probe storage (SECURITY.md §5, "Nothing lost"): new rows, events
// and final states, each group-committed so that the number of disk flushes (synchronous=FULL)
// does not grow with the number of probes. Rows and final states created in one turn of the
// event loop share a transaction (group-commit.ts); the events of every live probe are written
// together after FLUSH_MS, or at once when FLUSH_EVENTS wait.
//
// Invariants: every appended event is written exactly once, either in a batch or in its probe's
// final transaction; after a failed batch its events stay waiting, new events only wait too (no
// write per event), and one retry after RETRY_MS writes them all; a caller hears of its row or
// final state only after the commit.
import type { ProbeEvent } from '@relayprobe/contracts';
import type { NewProbe, ProbeFinal, ProbeStore } from '../storage/probe-store.js';
import { GroupCommit } from './group-commit.js';

/**
 * Events of every live probe are written together (group commit): after this long, or sooner
 * once this many wait. One transaction per tick instead of one per probe keeps the number of
 * disk flushes (synchronous=FULL) independent of how many probes run.
 */
const FLUSH_MS = 25;
const FLUSH_EVENTS = 512;
/** After a failed write (a full disk, say), wait this long before trying again. */
const RETRY_MS = 1000;

/** The writes of the store this writer makes. */
export type StoreWrites = Pick<ProbeStore, 'createProbe' | 'createProbes' | 'appendEventBatches' | 'finishProbe' | 'finishProbes'>;

export interface EventWriterOptions {
  store: StoreWrites;
  /** Told of every failed batch of events; its events wait for the retry. */
  onBatchFailed: (error: unknown) => void;
  /** The timings above (tests shorten them). */
  flushMs?: number;
  flushEvents?: number;
  retryMs?: number;
}

/** Writes probe rows, events and final states in group commits. */
export class EventWriter {
  readonly #store: StoreWrites;
  readonly #onBatchFailed: (error: unknown) => void;
  readonly #flushMs: number;
  readonly #flushEvents: number;
  readonly #retryMs: number;
  readonly #creates: GroupCommit<NewProbe>;
  readonly #finals: GroupCommit<{ id: string; final: ProbeFinal }>;
  /** Events not yet written, by probe, in the order the probes first had one waiting. */
  readonly #unwritten = new Map<string, ProbeEvent[]>();
  #unwrittenCount = 0;
  #flushTimer: NodeJS.Timeout | undefined;
  #retrying = false;

  constructor(options: EventWriterOptions) {
    const { store } = options;
    this.#store = store;
    this.#onBatchFailed = options.onBatchFailed;
    this.#flushMs = options.flushMs ?? FLUSH_MS;
    this.#flushEvents = options.flushEvents ?? FLUSH_EVENTS;
    this.#retryMs = options.retryMs ?? RETRY_MS;
    this.#creates = new GroupCommit(
      (rows) => store.createProbes(rows),
      (row) => store.createProbe(row),
    );
    this.#finals = new GroupCommit(
      (finals) => store.finishProbes(finals),
      ({ id, final }) => store.finishProbe(id, final),
    );
  }

  /** Events appended and not yet written. */
  get waiting(): number {
    return this.#unwrittenCount;
  }

  /** Commit a new `running` row; resolves once it is committed, rejects with the store's error. */
  create(probe: NewProbe): Promise<void> {
    return new Promise((resolve, reject) => this.#creates.add(probe, (error) => (error ? reject(error) : resolve())));
  }

  /** Queue an event of a running probe for the next batch. */
  append(id: string, event: ProbeEvent): void {
    const waiting = this.#unwritten.get(id);
    if (waiting) waiting.push(event);
    else this.#unwritten.set(id, [event]);
    // While a failed write waits for its retry, new events only wait too (no write per event).
    if (++this.#unwrittenCount >= this.#flushEvents && !this.#retrying) this.#flush();
    else this.#flushTimer ??= setTimeout(() => this.#flush(), this.#flushMs);
  }

  /**
   * Store the final state with the probe's events not yet written, in one transaction; `done`
   * runs after the commit, with the error if it failed.
   */
  finish(id: string, final: Omit<ProbeFinal, 'events'>, done: (error?: unknown) => void): void {
    // Its waiting events go into the final transaction instead of the next batch.
    const events = this.#unwritten.get(id) ?? [];
    if (this.#unwritten.delete(id)) this.#unwrittenCount -= events.length;
    this.#finals.add({ id, final: { ...final, events } }, done);
  }

  /** Write the waiting final states, then the waiting events, now (at shutdown, before the database closes). */
  flushAll(): void {
    this.#finals.commit();
    this.#flush();
  }

  /** Write every live probe's waiting events in one transaction. */
  #flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    if (this.#unwritten.size === 0) return;
    const batches = [...this.#unwritten].map(([id, events]) => ({ id, events }));
    try {
      this.#store.appendEventBatches(batches);
    } catch (error) {
      this.#onBatchFailed(error);
      this.#retrying = true;
      this.#flushTimer = setTimeout(() => this.#flush(), this.#retryMs);
      return;
    }
    this.#retrying = false;
    this.#unwritten.clear();
    this.#unwrittenCount = 0;
  }
}
