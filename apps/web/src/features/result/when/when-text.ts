// When a result was taken, in words: the local date and time with the zone ("3 Dec 2026, 14:05
// CET"), how long ago ("3 hours ago"), and its age in whole days (for the old-result notice).
// Pure: the caller passes the clock. The page is in English, so are the words; the time is the
// reader's (their browser's zone).

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** "3 Dec 2026, 14:05 CET": in the browser's zone, or in `timeZone` (tests). Undefined for an unreadable time. */
export function localTimeText(iso: string, timeZone?: string): string | undefined {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return undefined;
  const options: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };
  return new Intl.DateTimeFormat('en-GB', timeZone === undefined ? options : { ...options, timeZone }).format(time);
}

// The largest unit that fits, below the next unit's threshold: "59 minutes", "47 hours", "59 days".
const UNITS: readonly [Intl.RelativeTimeFormatUnit, number, number][] = [
  ['minute', MINUTE_MS, HOUR_MS],
  ['hour', HOUR_MS, 2 * DAY_MS],
  ['day', DAY_MS, 60 * DAY_MS],
  ['month', 30 * DAY_MS, 730 * DAY_MS],
  ['year', 365 * DAY_MS, Infinity],
];

/** "just now", "3 hours ago", "45 days ago" (a time ahead of the clock reads "just now"). */
export function agoText(thenMs: number, nowMs: number): string {
  const ago = nowMs - thenMs;
  if (!(ago >= MINUTE_MS)) return 'just now';
  const [unit, size] = UNITS.find(([, , below]) => ago < below) ?? ['year', 365 * DAY_MS];
  return new Intl.RelativeTimeFormat('en', { numeric: 'always' }).format(-Math.floor(ago / size), unit);
}

/** Whole days from `thenMs` to `nowMs` (0 for a time ahead of the clock). */
export function ageInDays(thenMs: number, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - thenMs) / DAY_MS));
}

/** True when a result taken at `thenMs` is at least `oldAfterDays` old (never when that is 0). */
export function isOld(thenMs: number, nowMs: number, oldAfterDays: number): boolean {
  return oldAfterDays > 0 && ageInDays(thenMs, nowMs) >= oldAfterDays;
}
