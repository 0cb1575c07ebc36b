// The service's one writer to probe storage (SECURITY.md §5, "Nothing lost"): new rows, events
// and final states, each group-committed so that the number of disk flushes (synchronous=FULL)
// does not grow with the number of probes. Rows and final states created in one turn of the
// event loop share a transaction (group-commit.ts); the events of every live probe are written
// together after FLUSH_MS, or at once when FLUSH_EVENTS wait.
//
// When a write fails (a full disk: "database or disk is full"), nothing is dropped: a batch's
// events stay waiting, a final state stays in memory, and both are retried with backoff (RETRY_MS
// doubling up to RETRY_MAX_MS) until they are stored. `failure` says storage is failing from the
// first failed write until a write succeeds with nothing left waiting; the service refuses new
// probes and reports itself degraded meanwhile (probe-manager.ts).
//
// Invariants: every appended event is written exactly once, either in a batch or in its probe's
// final transaction; after a failed batch its events stay waiting, new events only wait too (no
// write per event), and one retry writes them all; a caller hears of its row or final state only
// after the commit, and of a final state's failure only when flushAll (shutdown) gives up on it.
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
/** After a failed write (a full disk, say), wait this long before trying again, doubling up to RETRY_MAX_MS. */
const RETRY_MS = 1000;
const RETRY_MAX_MS = 30_000;

/** The writes of the store this writer makes. */
export type StoreWrites = Pick<ProbeStore, 'createProbe' | 'createProbes' | 'appendEventBatches' | 'finishProbe' | 'finishProbes'>;

export interface EventWriterOptions {
  store: StoreWrites;
  /** Told of every failed write (a batch, a row, a final state); what failed waits for a retry, or its caller hears. */
  onWriteFailed: (error: unknown, retryInMs: number | undefined) => void;
  /** Told when storage works again after a failure: a write succeeded and nothing waits for a retry. */
  onRecovered?: () => void;
  /** The timings above (tests shorten them). */
  flushMs?: number;
  flushEvents?: number;
  retryMs?: number;
  retryMaxMs?: number;
}

/** Why storage is failing, as the last failed write said, and since when. */
export interface StorageFailure {
  message: string;
  since: Date;
}

type FinalWrite = { id: string; final: ProbeFinal };

/** Writes probe rows, events and final states in group commits. */
export class EventWriter {
  readonly #store: StoreWrites;
  readonly #options: EventWriterOptions;
  readonly #flushMs: number;
  readonly #flushEvents: number;
  readonly #retryMs: number;
  readonly #retryMaxMs: number;
  readonly #creates: GroupCommit<NewProbe>;
  readonly #finals: GroupCommit<FinalWrite>;
  /** Events not yet written, by probe, in the order the probes first had one waiting. */
  readonly #unwritten = new Map<string, ProbeEvent[]>();
  #unwrittenCount = 0;
  #flushTimer: NodeJS.Timeout | undefined;
  /** Events wait for the retry timer after a failed batch. */
  #batchRetrying = false;
  /** Final states whose commit failed, kept until a retry stores them. */
  #unstored: { write: FinalWrite; done: (error?: unknown) => void }[] = [];
  #retryTimer: NodeJS.Timeout | undefined;
  #retryDelay: number;
  #failure: StorageFailure | undefined;
  /** After flushAll (shutdown): failed finals are given up instead of kept. */
  #closing = false;

  constructor(options: EventWriterOptions) {
    const { store } = options;
    this.#store = store;
    this.#options = options;
    this.#flushMs = options.flushMs ?? FLUSH_MS;
    this.#flushEvents = options.flushEvents ?? FLUSH_EVENTS;
    this.#retryMs = options.retryMs ?? RETRY_MS;
    this.#retryMaxMs = options.retryMaxMs ?? RETRY_MAX_MS;
    this.#retryDelay = this.#retryMs;
    this.#creates = new GroupCommit(
      (rows) => store.createProbes(rows),
      (row) => store.createProbe(row),
    );
    this.#finals = new GroupCommit(
      (finals) => store.finishProbes(finals),
      ({ id, final }) => store.finishProbe(id, final),
    );
  }

  /** Why storage is failing, from the first failed write until a write succeeds with nothing waiting; undefined while it works. */
  get failure(): StorageFailure | undefined {
    return this.#failure;
  }

  /** True while events or final states wait for a retry after a failed write. */
  get retrying(): boolean {
    return this.#batchRetrying || this.#unstored.length > 0;
  }

  /** Events appended and not yet written. */
  get waiting(): number {
    return this.#unwrittenCount;
  }

  /** Commit a new `running` row; resolves once it is committed, rejects with the store's error. */
  create(probe: NewProbe): Promise<void> {
    return new Promise((resolve, reject) =>
      this.#creates.add(probe, (error) => {
        if (error === undefined) {
          this.#succeeded();
          return resolve();
        }
        this.#failed(error, undefined);
        reject(error);
      }),
    );
  }

  /** Queue an event of a running probe for the next batch. */
  append(id: string, event: ProbeEvent): void {
    const waiting = this.#unwritten.get(id);
    if (waiting) waiting.push(event);
    else this.#unwritten.set(id, [event]);
    // While a failed write waits for its retry, new events only wait too (no write per event).
    if (this.#batchRetrying) ++this.#unwrittenCount;
    else if (++this.#unwrittenCount >= this.#flushEvents) this.#flush();
    else this.#flushTimer ??= setTimeout(() => this.#flush(), this.#flushMs);
  }

  /**
   * Store the final state with the probe's events not yet written, in one transaction; `done`
   * runs after the commit, however many retries that takes; with an error only when flushAll
   * (shutdown) gave up on it.
   */
  finish(id: string, final: Omit<ProbeFinal, 'events'>, done: (error?: unknown) => void): void {
    // Its waiting events go into the final transaction instead of the next batch.
    const events = this.#unwritten.get(id) ?? [];
    if (this.#unwritten.delete(id)) this.#unwrittenCount -= events.length;
    if (this.#unwritten.size === 0) this.#batchRetrying = false; // no batch waits for the retry any more
    this.#commitFinal({ id, final: { ...final, events } }, done);
  }

  /** Write the waiting final states, then the waiting events, now (at shutdown, before the database closes); give up on what still fails. */
  flushAll(): void {
    this.#closing = true;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    for (const { write, done } of this.#unstored.splice(0)) this.#finals.add(write, done);
    this.#finals.commit();
    this.#batchRetrying = false;
    this.#flush();
  }

  #commitFinal(write: FinalWrite, done: (error?: unknown) => void): void {
    this.#finals.add(write, (error) => {
      if (error === undefined) {
        this.#succeeded();
        return done();
      }
      if (this.#closing) return done(error);
      this.#unstored.push({ write, done });
      this.#failed(error, this.#retryDelay);
      this.#scheduleRetry();
    });
  }

  /** Write every live probe's waiting events in one transaction. */
  #flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    if (this.#unwritten.size === 0) {
      this.#batchRetrying = false;
      return;
    }
    const batches = [...this.#unwritten].map(([id, events]) => ({ id, events }));
    try {
      this.#store.appendEventBatches(batches);
    } catch (error) {
      if (this.#closing) return; // shutdown: the final transactions hold what matters; nothing waits for a retry now
      this.#batchRetrying = true;
      this.#failed(error, this.#retryDelay);
      this.#scheduleRetry();
      return;
    }
    this.#batchRetrying = false;
    this.#unwritten.clear();
    this.#unwrittenCount = 0;
    this.#succeeded();
  }

  /** One timer retries both the waiting events and the kept final states. */
  #scheduleRetry(): void {
    if (this.#retryTimer !== undefined) return;
    const delay = this.#retryDelay;
    this.#retryDelay = Math.min(delay * 2, this.#retryMaxMs);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#batchRetrying) this.#flush();
      for (const { write, done } of this.#unstored.splice(0)) this.#commitFinal(write, done);
    }, delay);
    // A retry alone does not keep the process alive (the server's listener does; shutdown flushes).
    this.#retryTimer.unref();
  }

  #failed(error: unknown, retryInMs: number | undefined): void {
    this.#failure ??= { message: error instanceof Error ? error.message : String(error), since: new Date() };
    this.#options.onWriteFailed(error, retryInMs);
  }

  #succeeded(): void {
    if (this.#failure === undefined || this.retrying) return;
    this.#failure = undefined;
    this.#retryDelay = this.#retryMs;
    this.#options.onRecovered?.();
  }
}
