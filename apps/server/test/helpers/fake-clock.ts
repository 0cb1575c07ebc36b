// A clock the test moves (watches/watch-clock.ts): time stands still until advance() or set(),
// which run every timer that has come due, in time order; a timer set for now or the past runs on
// the next turn of the event loop, as setTimeout(fn, 0) would. Tests wait for states, never for time.
import type { Clock } from '../../src/watches/watch-clock.js';

export interface FakeClock extends Clock {
  /** Move time forward by `ms`, running timers as they come due. */
  advance(ms: number): void;
  /** Move time to `at` (never backwards). */
  set(at: number): void;
  /** Timers armed and not yet run. */
  readonly pending: number;
}

export function fakeClock(start = Date.parse('2030-01-01T00:00:00.000Z')): FakeClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const runDue = () => {
    for (;;) {
      const due = [...timers].filter(([, t]) => t.at <= now).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) return;
      timers.delete(due[0]);
      due[1].fn();
    }
  };
  return {
    now: () => now,
    setTimer(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      if (ms <= 0) setImmediate(runDue);
      return id;
    },
    clearTimer(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      now += ms;
      runDue();
    },
    set(at) {
      now = Math.max(now, at);
      runDue();
    },
    get pending() {
      return timers.size;
    },
  };
}

/** Resolve once `predicate` holds (checked after each turn of the event loop), or fail after `bound` turns. */
export async function until(predicate: () => boolean | Promise<boolean>, what = 'the condition', bound = 20_000): Promise<void> {
  for (let i = 0; i < bound; i++) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, i < 100 ? 0 : 10));
  }
  throw new Error(`${what} never came true`);
}
