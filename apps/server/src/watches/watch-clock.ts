// The clock of the watch scheduler and the alert dispatcher, injected so that their tests move
// time themselves and wait for states, never for real seconds.

/** Wall-clock time and one-shot timers. */
export interface Clock {
  /** Milliseconds since 1970 (Date.now). */
  now(): number;
  /** Call `fn` after `ms`; the handle goes to clearTimer. Timers never keep the process alive. */
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** Node's clock. setTimeout cannot wait longer than 2^31-1 ms; longer waits re-arm (the scheduler recomputes on every fire). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, Math.min(Math.max(0, ms), 2 ** 31 - 1)).unref(),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Date#toISOString of a clock time. */
export const isoAt = (ms: number): string => new Date(ms).toISOString();
