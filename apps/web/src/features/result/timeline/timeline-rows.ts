// The timeline on a time axis (ms since the probe started): one row per round trip, connection
// step and wait, placed where it happened and as long as it took.
// - A round trip is the commands written before the first of their replies came back, and those
//   replies. Pipelined commands (RFC 2920) are answered in order, so replies are matched to
//   commands first in, first out, and RSET, MAIL FROM and RCPT TO sent together are one row.
// - Waits stand out as waits: a greylister's (the greylist-wait event, until the probe connects
//   again), a reply far slower than the session's usual one (a tarpit, or slow DNS checks), and a
//   reply that never came (a timeout).
// - A round trip whose RCPT was accepted in a relay test that was accepted is marked.
import { escapeForDisplay, type ProbeEvent } from '@relayprobe/contracts';

/** What a row shows: a connection being opened, a TLS handshake, commands and replies, or a wait. */
export type RowKind = 'connect' | 'tls' | 'round-trip' | 'wait';

/** One row of the timeline. */
export interface TimelineRow {
  /** Unique: the seq of the event that opened it. */
  key: string;
  kind: RowKind;
  /** Why a row is a wait: a greylister, a very slow reply, no reply at all. */
  wait: 'greylist' | 'tarpit' | 'timeout' | undefined;
  vector: string | undefined;
  /** "Greeting", "RCPT TO:<r@example.com>", "RSET + MAIL FROM + RCPT TO:<r@example.com>", "Greylist wait". */
  label: string;
  startMs: number;
  endMs: number;
  /** Commands in a round trip; more than one were pipelined. */
  commands: number;
  /** The replies' codes, in order. */
  codes: number[];
  /** An accepted relay attempt: a relay test (not a control) accepted, and this round trip carried its accepted RCPT. */
  accepted: boolean;
}

/** A labelled point of the time axis. */
export interface AxisTick {
  ms: number;
  label: string;
}

/** The rows, the time they span, and the ticks of the axis. */
export interface Timeline {
  rows: TimelineRow[];
  totalMs: number;
  ticks: AxisTick[];
}

/** A reply is a wait when it took at least this long... */
const SLOW_MS = 1000;
/** ...and this many times the median round trip. */
const SLOW_FACTOR = 3;

interface Outstanding {
  row: TimelineRow;
  rcpt: boolean;
  rcptAccepted: boolean;
}

const verb = (command: string) => /^(MAIL FROM|RCPT TO|[A-Z]+)/i.exec(command)?.[0]?.toUpperCase() ?? command;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function newRow(event: ProbeEvent, kind: RowKind, label: string, startMs: number, endMs = event.ms): TimelineRow {
  const vector = 'vector' in event && typeof event.vector === 'string' ? event.vector : undefined;
  return { key: String(event.seq), kind, wait: undefined, vector, label, startMs, endMs, commands: 0, codes: [], accepted: false };
}

/** The timeline of a transcript. */
export function timeline(events: readonly ProbeEvent[]): Timeline {
  const rows: TimelineRow[] = [];
  const commands = new Map<TimelineRow, string[]>();
  const rcptAccepted = new Set<TimelineRow>();
  const outstanding: Outstanding[] = [];
  const acceptedVectors = new Set<string>();
  let open: TimelineRow | undefined;
  let connectingAt: number | undefined;
  let greylist: TimelineRow | undefined;
  let lastMs = 0;
  for (const event of events) {
    if (event.type === 'info' && event.code === 'connecting') {
      // A new connection: nothing is outstanding, and a greylister's wait is over.
      outstanding.length = 0;
      open = undefined;
      connectingAt = event.ms;
      if (greylist) greylist.endMs = Math.min(greylist.endMs, event.ms);
      greylist = undefined;
    } else if (event.type === 'info' && event.code === 'connected' && connectingAt !== undefined) {
      rows.push(newRow(event, 'connect', 'Connect', connectingAt));
    } else if (event.type === 'info' && event.code === 'greylist-wait' && event.waitMs !== undefined) {
      greylist = { ...newRow(event, 'wait', 'Greylist wait', event.ms, event.ms + event.waitMs), wait: 'greylist' };
      rows.push(greylist);
    } else if (event.type === 'tls') {
      rows.push(newRow(event, 'tls', 'TLS handshake', lastMs));
    } else if (event.type === 'command') {
      // Commands written before any reply to the open round trip join it (pipelining).
      if (!open || open.codes.length > 0) {
        open = newRow(event, 'round-trip', '', event.ms);
        rows.push(open);
        commands.set(open, []);
      }
      const text = escapeForDisplay(event.text);
      commands.get(open)?.push(text);
      open.commands += 1;
      outstanding.push({ row: open, rcpt: verb(text) === 'RCPT TO', rcptAccepted: false });
    } else if (event.type === 'reply') {
      const answered = event.phase === 'greeting' || event.flags.includes('unsolicited') ? undefined : outstanding.shift();
      const row = answered?.row ?? newRow(event, 'round-trip', event.phase === 'greeting' ? 'Greeting' : '(unasked reply)', event.ms - event.elapsedMs);
      if (!answered) rows.push(row);
      row.codes.push(event.code);
      row.endMs = event.ms;
      if (answered?.rcpt && event.code >= 200 && event.code < 300) rcptAccepted.add(row);
    } else if (event.type === 'error' && (event.code === 'reply-timeout' || event.code === 'greeting-timeout')) {
      const waiting = outstanding[0]?.row ?? newRow(event, 'round-trip', 'Greeting', connectingAt ?? event.ms);
      if (!outstanding[0]) rows.push(waiting);
      Object.assign(waiting, { kind: 'wait', wait: 'timeout', endMs: event.ms });
      outstanding.length = 0;
    } else if (event.type === 'vector-result' && event.result.outcome === 'accepted' && event.result.weight !== 'control') {
      acceptedVectors.add(event.result.key);
    }
    lastMs = event.ms;
  }
  const trips = rows.filter((r) => r.kind === 'round-trip');
  const usual = median(trips.map((r) => r.endMs - r.startMs));
  for (const row of rows) {
    const texts = commands.get(row);
    if (texts) row.label = texts.length > 1 ? [...texts.slice(0, -1).map(verb), texts.at(-1)].join(' + ') : (texts[0] ?? '');
    row.accepted = rcptAccepted.has(row) && row.vector !== undefined && acceptedVectors.has(row.vector);
    const took = row.endMs - row.startMs;
    if (row.kind === 'round-trip' && took >= SLOW_MS && took >= SLOW_FACTOR * usual) Object.assign(row, { kind: 'wait', wait: 'tarpit' });
  }
  // The axis ends on a tick, so bars move only when the probe passes the next one.
  const spanned = Math.max(1, lastMs, ...rows.map((r) => r.endMs));
  const step = axisStep(spanned);
  const totalMs = Math.ceil(spanned / step) * step;
  return { rows, totalMs, ticks: axisTicks(totalMs, step) };
}

/** "0", "500 ms", "1.5 s", "2 min". */
export function tickText(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 1000) return `${ms} ms`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** A round step (1, 2 or 5 times a power of ten ms) that divides `totalMs` into at most 5 parts. */
export function axisStep(totalMs: number): number {
  for (let unit = 1; ; unit *= 10) {
    const step = [1, 2, 5].map((m) => m * unit).find((s) => s * 5 >= totalMs);
    if (step !== undefined) return step;
  }
}

/** Ticks every `step` ms from 0 to `totalMs`. */
function axisTicks(totalMs: number, step: number): AxisTick[] {
  const ticks: AxisTick[] = [];
  for (let ms = 0; ms <= totalMs; ms += step) ticks.push({ ms, label: tickText(ms) });
  return ticks;
}
