// The greylist countdown's arithmetic, pure (the component owns the clock and the timer): how many
// whole seconds are left until the retry, how they read, and when the shown number next changes.

/** Whole seconds left until `at` (ms since the epoch), rounded up so "0:01" shows until the last moment; 0 once it has passed. */
export function secondsLeft(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Seconds as a clock: "4:32", "0:07", "1:02:03". */
export function clockText(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(s % 60)}` : `${minutes}:${pad(s % 60)}`;
}

/** Milliseconds from `now` until `secondsLeft(at, now)` next changes (undefined once it is 0: nothing left to count). */
export function msUntilNextSecond(at: number, now: number): number | undefined {
  const left = at - now;
  if (left <= 0) return undefined;
  return left % 1000 || 1000;
}

/** The status line while the probe waits for a greylister. */
export const GREYLIST_WAIT_TEXT = 'Greylisted: the server asked us to come back later.';
