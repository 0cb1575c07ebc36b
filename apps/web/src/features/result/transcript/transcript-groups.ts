// The live transcript as lines grouped by phase and by vector: consecutive lines that belong to
// the same phase ("greeting", "ehlo") or the same vector ("R05") form one group, so a reader can
// find what R05 sent and got. Line text is `formatEvent` from the contracts, so the page and the
// CLI say the same thing, with every control character already escaped (display-text.ts).
import { formatEvent, type ProbeEvent } from '@relayprobe/contracts';

/** sent: a command; received: a reply; info: "==="; error: "***". */
export type LineKind = 'sent' | 'received' | 'info' | 'error';

/** One line of the transcript, as the CLI prints it. */
export interface TranscriptLine {
  /** Unique within the transcript: seq and line index. */
  key: string;
  seq: number;
  kind: LineKind;
  /** Inside TLS. */
  tls: boolean;
  text: string;
  /** The RFC 3463 enhanced status code this line carries (reply and vector-result lines). */
  enhanced: string | undefined;
}

/** A run of lines that belong to one phase or one vector. */
export interface TranscriptGroup {
  /** Unique: the group's id and its first seq. */
  key: string;
  kind: 'phase' | 'vector';
  /** Phase name or vector key ("R05", "C2@mx.example.com"). */
  id: string;
  /** The group's name: its heading ("Greeting", "R05 local sender (continued)"), or what a screen reader hears of its first line. */
  label: string;
  /**
   * The first line already says what the group is ("=== [R01] plain third-party relay (test 1 of
   * 22)"): that line is shown as the heading, named `label`, rather than a heading repeating it.
   */
  headingIsFirstLine: boolean;
  lines: TranscriptLine[];
}

// Worded so that no heading repeats the line beneath it (" -> EHLO ...", " -> QUIT", "=== Verdict: ...").
const PHASE_LABELS: Record<string, string> = {
  resolve: 'Where to connect',
  connect: 'Connection',
  greeting: 'Greeting',
  ehlo: 'Introduction and extensions',
  starttls: 'Upgrade to TLS',
  control: 'Controls',
  vector: 'Relay tests',
  delivery: 'Test message',
  quit: 'Closing',
  done: 'Summary',
};

/** Letters and digits only, lower case: "=== [R01] plain" and "R01 plain" compare equal. */
const bare = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

/** True when `line` begins by saying `label`. */
export function repeats(line: string, label: string): boolean {
  return bare(line).startsWith(bare(label));
}

/** The phase or vector an event belongs to. */
export function groupOf(event: ProbeEvent): { kind: 'phase' | 'vector'; id: string } {
  switch (event.type) {
    case 'resolution':
      return { kind: 'phase', id: 'resolve' };
    case 'vector-start':
      return { kind: 'vector', id: event.vector };
    case 'vector-result':
      return { kind: 'vector', id: event.result.key };
    case 'verdict':
      return { kind: 'phase', id: 'done' };
    case 'delivery':
      return { kind: 'phase', id: 'delivery' };
    case 'tls':
    case 'session':
      return { kind: 'phase', id: event.phase };
    case 'servers':
    case 'not-tested':
      return { kind: 'phase', id: 'resolve' };
    default:
      return event.vector !== undefined ? { kind: 'vector', id: event.vector } : { kind: 'phase', id: event.phase };
  }
}

const KIND_OF: Partial<Record<ProbeEvent['type'], LineKind>> = { command: 'sent', reply: 'received', error: 'error' };

// Lines of an event never change, so each event is formatted once (and keeps its line objects,
// which lets the log skip re-rendering old lines).
const cache = new WeakMap<ProbeEvent, TranscriptLine[]>();

/** The transcript lines of one event. */
export function linesOf(event: ProbeEvent): TranscriptLine[] {
  const cached = cache.get(event);
  if (cached) return cached;
  const kind = KIND_OF[event.type] ?? 'info';
  const tls = event.type === 'tls' || ((event.type === 'command' || event.type === 'reply') && event.tls);
  const enhanced = event.type === 'reply' ? event.enhanced : event.type === 'vector-result' ? event.result.reply?.enhanced : undefined;
  const lines = formatEvent(event).map((text, i) => ({ key: `${event.seq}.${i}`, seq: event.seq, kind, tls, text, enhanced }));
  cache.set(event, lines);
  return lines;
}

/** Group the transcript: one group per run of events in the same phase or vector. */
export function transcriptGroups(events: readonly ProbeEvent[]): TranscriptGroup[] {
  const groups: TranscriptGroup[] = [];
  const names = new Map<string, string>();
  for (const event of events) {
    if (event.type === 'vector-start') names.set(event.vector, event.name);
    const lines = linesOf(event);
    if (lines.length === 0) continue;
    const { kind, id } = groupOf(event);
    let group = groups.at(-1);
    if (!group || group.kind !== kind || group.id !== id) {
      const name = kind === 'vector' ? (names.get(id) ?? (event.type === 'vector-result' ? event.result.name : undefined)) : undefined;
      const label = kind === 'vector' ? (name ? `${id} ${name}` : id) : (PHASE_LABELS[id] ?? id);
      const first = lines[0]?.text ?? '';
      const headingIsFirstLine = repeats(first, label);
      // A vector that resumes after a reconnect starts with a command, not its own start line.
      const shown = !headingIsFirstLine && kind === 'vector' && event.type !== 'vector-start' ? `${label} (continued)` : label;
      group = { key: `${id}#${event.seq}`, kind, id, label: shown, headingIsFirstLine, lines: [] };
      groups.push(group);
    }
    group.lines.push(...lines);
  }
  return groups;
}

/** An RFC 3463 enhanced status code: class, subject, detail. */
const ENHANCED_CODE = /^[245]\.\d{1,3}\.\d{1,3}$/;

/** The line split around its enhanced status code (after the 3-digit reply code), or undefined when absent. */
export function splitAtEnhanced(text: string, code: string | undefined): [string, string, string] | undefined {
  if (code === undefined || !ENHANCED_CODE.test(code)) return undefined;
  const match = new RegExp(`\\d{3}[ -](${code.replace(/\./g, '\\.')})(?![\\d.])`).exec(text);
  if (!match) return undefined;
  const start = match.index + 4;
  return [text.slice(0, start), code, text.slice(start + code.length)];
}

/** The enhanced status codes of the groups' lines, each once, in the order they first appear. */
export function enhancedCodesIn(groups: readonly TranscriptGroup[]): string[] {
  const codes = new Set<string>();
  for (const group of groups) for (const line of group.lines) if (line.enhanced !== undefined && ENHANCED_CODE.test(line.enhanced)) codes.add(line.enhanced);
  return [...codes];
}
