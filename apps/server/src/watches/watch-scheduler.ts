// When each watch runs (issue 14). One timer for the whole service, armed for the earliest due
// watch, not one per watch.
//
// - Spread: a watch's runs fall on the slots phase + k * interval (k whole), where phase is a
//   hash of its id. 1,000 watches with the same interval land uniformly over the interval, the
//   same slots after every restart, and none waits for a catch-up wave.
// - At most `maxInFlight` scheduled runs at once; the rest stay due and start as runs end. A
//   refused start (target busy, hourly limit, queue full) is retried later, never dropped.
// - A watch is never launched while its previous scheduled run is in flight.
//
// Invariant: a watch is in `due` (waiting for its time), in `inFlight`, or neither (deleted,
// paused); `launch` is called for a watch only from `due`, and it leaves `inFlight` only through
// finished() or a launch outcome that is not 'started'.
import { createHash } from 'node:crypto';
import type { Clock } from './watch-clock.js';

/** What became of a launch. */
export type LaunchOutcome =
  /** A probe was started; it is in flight until finished(id). */
  | { kind: 'started' }
  /** Not started now (target busy, limits, queue full): due again at `at`. */
  | { kind: 'retry'; at: number }
  /** Not started, and not to be retried before `at` (its next slot). */
  | { kind: 'skipped'; at: number }
  /** The watch is gone or paused. */
  | { kind: 'gone' };

export interface SchedulerOptions {
  clock: Clock;
  /** Start a run of watch `id` (the service knows how); must not throw. */
  launch(id: string): Promise<LaunchOutcome>;
  maxInFlight: number;
}

/** Where in its interval a watch's runs fall: a hash of its id, 0 <= phase < intervalMs. */
export function phaseOf(id: string, intervalMs: number): number {
  const hash = createHash('sha256').update(id).digest();
  // 48 bits of hash: uniform enough for any interval up to years of milliseconds.
  return hash.readUIntBE(0, 6) % intervalMs;
}

/** The first slot of the watch at or after `from` (ms since 1970). */
export function slotAtOrAfter(id: string, intervalMs: number, from: number): number {
  const phase = phaseOf(id, intervalMs);
  const offset = (((phase - from) % intervalMs) + intervalMs) % intervalMs;
  return from + offset;
}

/** The one timer of the watches. */
export class WatchScheduler {
  readonly #options: SchedulerOptions;
  readonly #due = new Map<string, number>();
  readonly #inFlight = new Set<string>();
  #timer: unknown;
  #timerAt: number | undefined;
  #stopped = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  /** Scheduled runs in flight now. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** When watch `id` is due next (undefined when it is in flight or not scheduled). */
  dueAt(id: string): number | undefined {
    return this.#due.get(id);
  }

  /** Watches waiting for their time. */
  get scheduled(): number {
    return this.#due.size;
  }

  /** (Re)schedule watch `id` at `at`. */
  set(id: string, at: number): void {
    this.#due.set(id, at);
    this.#arm();
  }

  /** Forget watch `id` (deleted or paused); a run in flight ends on its own. */
  remove(id: string): void {
    this.#due.delete(id);
    this.#arm();
  }

  /** A scheduled run of `id` ended: free its place, start what is due. */
  finished(id: string): void {
    if (this.#inFlight.delete(id)) this.#fire();
  }

  /** No more launches; the timer is cleared. */
  stop(): void {
    this.#stopped = true;
    this.#clear();
  }

  #clear(): void {
    if (this.#timer !== undefined) this.#options.clock.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#timerAt = undefined;
  }

  /** Arm the timer for the earliest due watch, when a launch could start then. */
  #arm(): void {
    if (this.#stopped) return;
    if (this.#inFlight.size >= this.#options.maxInFlight) return this.#clear(); // finished() fires
    let earliest: number | undefined;
    for (const [id, at] of this.#due) if (!this.#inFlight.has(id) && (earliest === undefined || at < earliest)) earliest = at;
    if (earliest === undefined) return this.#clear();
    if (this.#timerAt === earliest) return;
    this.#clear();
    this.#timerAt = earliest;
    this.#timer = this.#options.clock.setTimer(() => {
      this.#timer = undefined;
      this.#timerAt = undefined;
      this.#fire();
    }, earliest - this.#options.clock.now());
  }

  /** Launch every due watch there is room for, earliest first (ties by id: deterministic). */
  #fire(): void {
    if (this.#stopped) return;
    const now = this.#options.clock.now();
    const ready = [...this.#due].filter(([id, at]) => at <= now && !this.#inFlight.has(id)).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
    for (const [id] of ready) {
      if (this.#inFlight.size >= this.#options.maxInFlight) break;
      this.#due.delete(id);
      this.#inFlight.add(id);
      void this.#options.launch(id).then((outcome) => this.#settle(id, outcome));
    }
    this.#arm();
  }

  #settle(id: string, outcome: LaunchOutcome): void {
    if (outcome.kind === 'started') return;
    this.#inFlight.delete(id);
    if (outcome.kind !== 'gone' && !this.#due.has(id)) this.#due.set(id, outcome.at);
    this.#fire();
  }
}
