// Greylisting (RFC 6647): a greylister defers the first attempt of every (client, sender,
// recipient) triple with a 4xx and accepts the same triple once it comes back after its delay.
// The probe retries the greylisted tests once, with the same addresses, after the delay the
// server announced (postgrey: --greylist-text "... %s seconds"), or after the user's bound when it
// announced none. Pure: the wait is decided from reply texts and options.
import type { VectorResult } from '@relayprobe/contracts';

/** Added to an announced delay: greylisters compare with ">", and clocks differ by a second. */
const GREYLIST_MARGIN_MS = 1000;

const UNITS: Record<string, number> = { s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000, m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000 };

/** The delay a reply announces ("for 300 seconds", "retry in 5 minutes", "come back in 60s"), in ms. */
export function announcedDelayMs(text: string): number | undefined {
  const m = /(\d{1,5})\s*(seconds?|secs?|s|minutes?|mins?|m)\b/i.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * (UNITS[(m[2] as string).toLowerCase()] ?? 1000);
}

/** The tests a greylister deferred. */
export const greylisted = (results: Iterable<VectorResult>): VectorResult[] => [...results].filter((r) => r.outcome === 'deferred' && r.flags.includes('greylisting'));

/** How long to wait before the retry: the longest announced delay plus a margin, never more than the bound. */
export function greylistWaitMs(deferred: readonly VectorResult[], boundMs: number): number {
  const announced = deferred.map((r) => (r.reply ? announcedDelayMs(r.reply.text) : undefined)).filter((d): d is number => d !== undefined);
  if (announced.length === 0) return boundMs;
  return Math.min(boundMs, Math.max(...announced) + GREYLIST_MARGIN_MS);
}
