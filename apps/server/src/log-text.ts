// Log hygiene (SECURITY.md §4): logs are JSON lines, with control characters escaped and fields
// capped. JSON escapes C0 controls by itself, but not C1 controls, U+2028/U+2029 or the bidi
// overrides (U+202E reorders a line in a terminal or a log viewer), and a visitor's text has no
// length limit of its own. The app's logger runs every top-level text field through logText
// (app.ts, loggerOptions), so call sites log values as they are.
import { escapeForDisplay } from '@relayprobe/contracts';

/** Longest text field written to the log, in UTF-16 code units, before the "…" that marks a cut. */
export const LOG_FIELD_MAX = 512;

/** `text` with controls and bidi characters as visible escapes, cut to `max` (escapes counted). */
export function logText(text: string, max = LOG_FIELD_MAX): string {
  const escaped = escapeForDisplay(text);
  if (escaped.length <= max) return escaped;
  // Never end on half a surrogate pair: it would be written as U+FFFD or not at all.
  const cut = /[\ud800-\udbff]$/.test(escaped.slice(0, max)) ? max - 1 : max;
  return `${escaped.slice(0, cut)}…`;
}

/** The log object with every top-level string escaped and capped; other values (errors, numbers, the request) untouched. */
export function sanitizeLogFields(object: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(object)) {
    if (typeof value !== 'string') continue;
    const safe = logText(value);
    if (safe !== value) (copy ??= { ...object })[key] = safe;
  }
  return copy ?? object;
}
