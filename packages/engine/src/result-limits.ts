// What one probe may store (SECURITY.md §3, issue 12): the reply reader bounds what a server can
// make us read (4 KiB a line, 64 KiB a reply, 1 MiB a connection), but a server that fills every
// reply to those caps on every connection made a 40 MB result. These caps bound what is kept.
// Sizes are stored bytes: a string's UTF-8 length as toSafeJson writes it (a 0x01 is six bytes,
// "\u0001"), measured by the contracts' cutToStoredSize; a string short enough to fit however its
// characters are written counts its length (exact for ASCII text) without being measured.
//
// - A reply keeps `replyBytes` of its lines (and of `raw`); the rest is cut, and the reply says so
//   (`cut`, flag `truncated`; the transcript shows a line for it).
// - A connection keeps the text of `repliesPerConnection` replies; later ones keep their code.
// - A result keeps `resultBytes` of text in all; past that, replies keep their code and every
//   other string its first FLOOR_BYTES (the verdict's words excepted: they stay readable).
// - Every other string is cut at `textBytes`, with "…"; a list of strings at `replyBytes` in all.
// Each cap that starts cutting replies is said once, by an error event (`replies-cut`), just
// before the first reply it cuts. The events cap is the probe runner's: it stops the probe.
//
// Invariant: a kept event has the shape of the event it was made from (the schema still holds);
// only string values get shorter, lists of strings lose entries, and a reply gains `cut`.
import { cutToStoredSize, type EventBody } from '@relayprobe/contracts';

/** Caps on what one probe's result keeps. */
export interface ResultLimits {
  /** Stored bytes of one reply's lines (and raw bytes). */
  replyBytes: number;
  /** Replies per connection whose text is kept. */
  repliesPerConnection: number;
  /** Stored bytes of text in one result. */
  resultBytes: number;
  /** Stored bytes of any other string. */
  textBytes: number;
  /** Events in one result (the probe runner stops the probe there). */
  events: number;
}

/** 4 KiB a reply, 200 replies a connection, 384 KiB of text and 4,000 events a result, 2 KiB a string. */
export const DEFAULT_RESULT_LIMITS: ResultLimits = Object.freeze({
  replyBytes: 4096,
  repliesPerConnection: 200,
  resultBytes: 384 * 1024,
  textBytes: 2048,
  events: 4000,
});

/** What any string keeps once the result's text budget is spent. */
const FLOOR_BYTES = 120;
/** Base64 fields: cut at a multiple of 4 characters, so what is kept still decodes (to the first bytes). */
const BASE64_KEYS = new Set(['raw', 'evidence']);
const ELLIPSIS = '…';

type Reply = Extract<EventBody, { type: 'reply' }>;

/** Applies the caps to each event body in turn (one instance per probe, in the Transcript). */
export class ResultBudget {
  readonly limits: ResultLimits;
  #spent = 0;
  #repliesOnConnection = 0;
  #connectionCutSaid = false;
  #resultCutSaid = false;

  constructor(limits: Partial<ResultLimits> = {}) {
    this.limits = { ...DEFAULT_RESULT_LIMITS, ...limits };
  }

  /** The body as it is kept, and the notices (error events) to store just before it. */
  keep(body: EventBody): { kept: EventBody; notices: EventBody[] } {
    if (body.type === 'info' && body.code === 'connected') {
      this.#repliesOnConnection = 0;
      this.#connectionCutSaid = false;
    }
    if (body.type === 'reply') return this.#keepReply(body);
    const kept = this.#keepValue(body, '', body.type === 'verdict') as EventBody;
    return { kept, notices: [] };
  }

  get #remaining(): number {
    return Math.max(0, this.limits.resultBytes - this.#spent);
  }

  #keepReply(reply: Reply): { kept: EventBody; notices: EventBody[] } {
    this.#repliesOnConnection++;
    const overConnection = this.#repliesOnConnection > this.limits.repliesPerConnection;
    const allowance = overConnection ? 0 : Math.min(this.limits.replyBytes, this.#remaining);
    // The common case without measuring each character: no character takes more than 6 bytes.
    const length = reply.lines.reduce((n, l) => n + l.length, 0) + (reply.raw?.length ?? 0);
    if (length * 6 <= allowance) {
      this.#spent += length;
      return { kept: reply, notices: [] };
    }
    const { lines, cut } = cutLines(reply.lines, allowance);
    let left = allowance - lines.reduce((n, l) => n + cutToStoredSize(l, Infinity).size, 0);
    let raw: string | undefined;
    if (reply.raw !== undefined) {
      raw = cutBase64(reply.raw, Math.max(0, left));
      left -= raw.length;
      if (raw.length < reply.raw.length && cut.lines === 0) cut.lines = 1;
    }
    this.#spent += allowance - Math.max(0, left);
    if (cut.lines === 0) return { kept: reply, notices: [] };
    // The first reply each cap cuts brings its notice; a reply merely longer than replyBytes does not.
    const notices: EventBody[] = [];
    if (overConnection && !this.#connectionCutSaid) {
      this.#connectionCutSaid = true;
      notices.push(this.#notice(reply, `The server sent more than ${this.limits.repliesPerConnection} replies on this connection; the later ones are kept without their text.`));
    } else if (!overConnection && allowance < this.limits.replyBytes && !this.#resultCutSaid) {
      this.#resultCutSaid = true;
      notices.push(this.#notice(reply, `The server's text reached the ${Math.round(this.limits.resultBytes / 1024)} KiB one result keeps; later replies are kept without their text.`));
    }
    const { raw: _drop, ...rest } = reply;
    const kept: Reply = { ...rest, lines, ...(raw ? { raw } : {}), flags: reply.flags.includes('truncated') ? reply.flags : [...reply.flags, 'truncated'], cut };
    return { kept, notices };
  }

  #notice(reply: Reply, text: string): EventBody {
    return { type: 'error', phase: reply.phase, code: 'replies-cut', side: 'server', text, ...(reply.vector ? { vector: reply.vector } : {}) };
  }

  /** `value` with every string within its caps (the verdict's words never below textBytes); the same object when nothing was cut. */
  #keepValue(value: unknown, key: string, verdict: boolean): unknown {
    if (typeof value === 'string') return this.#keepString(value, key, verdict);
    if (Array.isArray(value)) {
      const kept = value.length > 0 && value.every((v) => typeof v === 'string') ? this.#keepStrings(value as string[], verdict) : value.map((v: unknown) => this.#keepValue(v, key, verdict));
      return kept.length === value.length && kept.every((v, i) => v === value[i]) ? value : kept;
    }
    if (value === null || typeof value !== 'object') return value;
    let out: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(value)) {
      const kept = this.#keepValue(v, k, verdict);
      if (kept !== v) (out ??= { ...value })[k] = kept;
    }
    return out ?? value;
  }

  #keepString(text: string, key: string, verdict: boolean): string {
    const max = verdict ? this.limits.textBytes : Math.min(this.limits.textBytes, Math.max(FLOOR_BYTES, this.#remaining));
    if (BASE64_KEYS.has(key)) {
      const kept = cutBase64(text, max);
      this.#spent += kept.length;
      return kept;
    }
    if (text.length * 6 <= max) {
      this.#spent += text.length; // short: it fits whatever it holds; ASCII text takes this many bytes
      return text;
    }
    const { kept, size } = cutToStoredSize(text, max);
    this.#spent += size;
    if (kept.length === text.length) return text;
    const shortened = cutToStoredSize(kept, max - ELLIPSIS.length * 3).kept;
    return `${shortened}${ELLIPSIS}`;
  }

  /** A list of strings keeps its first entries, replyBytes of them in all. */
  #keepStrings(list: string[], verdict: boolean): string[] {
    const kept: string[] = [];
    let left = this.limits.replyBytes;
    for (const entry of list) {
      if (left <= 0) break;
      const one = this.#keepString(entry, '', verdict);
      kept.push(one);
      left -= cutToStoredSize(one, Infinity).size;
    }
    return kept;
  }
}

/** The lines that fit in `maxBytes`, the one that crosses it cut; the first line keeps at least its code. */
function cutLines(lines: readonly string[], maxBytes: number): { lines: string[]; cut: { lines: number; bytes: number } } {
  const kept: string[] = [];
  const cut = { lines: 0, bytes: 0 };
  let left = maxBytes;
  for (const line of lines) {
    const whole = cutToStoredSize(line, Infinity).size;
    if (whole <= left) {
      kept.push(line);
      left -= whole;
      continue;
    }
    const part = cutToStoredSize(line, Math.max(0, left));
    // Every reply keeps a first line with its code, so the transcript and the page still show it.
    const shown = kept.length === 0 && part.kept.length < 3 ? line.slice(0, 3) : part.kept;
    if (shown.length > 0) kept.push(shown);
    if (shown.length === line.length) continue; // a bare code: nothing lost
    cut.lines++;
    cut.bytes += whole - cutToStoredSize(shown, Infinity).size;
    left = 0;
  }
  return { lines: kept, cut };
}

function cutBase64(text: string, maxBytes: number): string {
  return text.length <= maxBytes ? text : text.slice(0, Math.floor(maxBytes / 4) * 4);
}
