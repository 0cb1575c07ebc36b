// The timeline: one bar per command and its reply, as long as the reply took (`elapsedMs`, from
// the command written to the reply's end), so a slow greeting or a tarpit stands out. Pipelined
// commands (RFC 2920) are answered in order, so replies are matched to commands first in, first out.
import { escapeForDisplay, type ProbeEvent } from '@relayprobe/contracts';

/** One bar. */
export interface TimelineBar {
  seq: number;
  /** The command answered ("RCPT TO:<...>"), "greeting", or "(unasked)" for an unsolicited reply. */
  label: string;
  code: number;
  elapsedMs: number;
  /** Bar length relative to the slowest reply, in percent (never 0, so every bar shows). */
  widthPercent: number;
  /** Much slower than the usual reply of this session: worth a look (tarpit, greylist delay, DNS checks). */
  slow: boolean;
  vector: string | undefined;
}

/** A reply is slow when it took at least this long... */
const SLOW_MS = 1000;
/** ...and this many times the median reply. */
const SLOW_FACTOR = 3;
const MIN_WIDTH_PERCENT = 0.5;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The bars of a transcript, in order. */
export function timelineBars(events: readonly ProbeEvent[]): TimelineBar[] {
  const pending: string[] = [];
  const raw: Omit<TimelineBar, 'widthPercent' | 'slow'>[] = [];
  for (const event of events) {
    if (event.type === 'info' && event.code === 'connecting') pending.length = 0; // a new connection: nothing is outstanding
    if (event.type === 'command') pending.push(escapeForDisplay(event.text));
    if (event.type !== 'reply') continue;
    const unsolicited = event.flags.includes('unsolicited');
    const label = event.phase === 'greeting' ? 'greeting' : unsolicited ? '(unasked)' : pending.shift() ?? '(unasked)';
    raw.push({ seq: event.seq, label, code: event.code, elapsedMs: event.elapsedMs, vector: event.vector });
  }
  const longest = Math.max(1, ...raw.map((b) => b.elapsedMs));
  const usual = median(raw.map((b) => b.elapsedMs));
  return raw.map((b) => ({
    ...b,
    widthPercent: Math.max(MIN_WIDTH_PERCENT, (b.elapsedMs / longest) * 100),
    slow: b.elapsedMs >= SLOW_MS && b.elapsedMs >= SLOW_FACTOR * usual,
  }));
}
