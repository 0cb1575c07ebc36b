// Bounded concurrency (SECURITY.md §4: "globally, bounded concurrency with a queue"): at most
// `maxConcurrent` items run, the others wait in arrival order. How many may wait is decided
// before an item gets here (admission.ts).
//
// Invariants: an item is waiting, running or neither, never both; a slot frees only through
// done(); after every done() the oldest waiting items take the free slots before anything else runs.

/** A FIFO of items waiting for one of `maxConcurrent` slots. */
export class ProbeQueue<T> {
  readonly #maxConcurrent: number;
  readonly #run: (item: T) => void;
  readonly #waiting: T[] = [];
  readonly #running = new Set<T>();
  #idle: (() => void)[] = [];

  /** `run` starts an item; the caller reports its end with done(item). */
  constructor(maxConcurrent: number, run: (item: T) => void) {
    this.#maxConcurrent = maxConcurrent;
    this.#run = run;
  }

  /** Items running now. */
  get running(): number {
    return this.#running.size;
  }

  /** Items waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Add an item; it runs at once when a slot is free. True when it started now, false when it waits. */
  enqueue(item: T): boolean {
    this.#waiting.push(item);
    this.#pump();
    return this.#running.has(item);
  }

  /** The item is over: free its slot (if it had one) and start the next. */
  done(item: T): void {
    this.#running.delete(item);
    this.#pump();
    if (this.#running.size === 0 && this.#waiting.length === 0) {
      const idle = this.#idle;
      this.#idle = [];
      for (const resolve of idle) resolve();
    }
  }

  /** Take every waiting item out, oldest first; they will not run. */
  drain(): T[] {
    return this.#waiting.splice(0);
  }

  /** Resolves once nothing runs and nothing waits (at once if that is so now). */
  whenIdle(): Promise<void> {
    if (this.#running.size === 0 && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    while (this.#running.size < this.#maxConcurrent && this.#waiting.length > 0) {
      const item = this.#waiting.shift() as T;
      this.#running.add(item);
      this.#run(item);
    }
  }
}
