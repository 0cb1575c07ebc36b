// Finished results as the bytes they are served as, built once (issue 12, item 2). A finished
// probe (complete or interrupted) never changes (storage/probe-store.ts), so its document's JSON is
// computed from storage the first time someone asks and kept, with where each event's JSON lies in
// it: repeated GETs and any number of WebSocket viewers share one copy instead of each reading,
// parsing and serializing the whole result again.
//
// The cache is bounded by bytes (least recently used first out), but an entry some viewer is still
// replaying is never dropped, so viewers of one large result share it however large it is. A row
// still `running` that is not live here (its final commit failed) is
// built each time and never kept. Text is written by the contracts' toSafeJson: control, bidi and
// invisible characters as JSON escapes.
import { toSafeJson, type ProbeEvent, type ProbeStatus } from '@relayprobe/contracts';
import type { StoredProbe } from '../storage/probe-store.js';
import { resultDocument } from './result-view.js';

/** What the cache reads: one probe's row and its events. */
export interface StoredResults {
  getProbe(id: string): StoredProbe | undefined;
  getEvents(id: string, afterSeq?: number): ProbeEvent[];
}

/** One result that is not live, as served. */
export interface FinishedResult {
  readonly id: string;
  readonly status: ProbeStatus;
  /** The result document, as GET /api/v1/probes/:id sends it (UTF-8 JSON). */
  readonly document: Buffer;
  /** How many events it holds (seq = index + 1: seqs count from 1 without gaps). */
  readonly eventCount: number;
  /** Event `index`'s JSON: a view into `document`, not a copy. */
  event(index: number): Buffer;
  /** The `done` message of the stream, as sent. */
  readonly done: string;
}

/** Bytes of documents kept across requests (external memory: Buffers, outside the JavaScript heap). */
const FINISHED_CACHE_BYTES = 64 * 1024 * 1024;

class Entry implements FinishedResult {
  readonly status: ProbeStatus;
  readonly document: Buffer;
  readonly done: string;
  /** Byte ranges of the events in `document`: [start, end) of event i at 2i, 2i + 1. */
  readonly #ranges: number[] = [];
  /** Viewers replaying it now. */
  users = 0;

  constructor(
    readonly id: string,
    row: StoredProbe,
    events: readonly ProbeEvent[],
  ) {
    this.status = row.status;
    this.done = toSafeJson({ type: 'done', status: row.status, ...(row.verdict ? { verdict: row.verdict } : {}) });
    // The document has its events last (result-view.ts): its head, then each event's text, whose
    // place is kept so the stream sends the very bytes the document holds.
    const { events: _none, ...head } = resultDocument(row, []);
    const headText = toSafeJson(head);
    const parts: Buffer[] = [Buffer.from(`${headText.slice(0, -1)}${headText === '{}' ? '' : ','}"events":[`)];
    let size = parts[0]?.length ?? 0;
    events.forEach((event, i) => {
      if (i > 0) {
        parts.push(COMMA);
        size += 1;
      }
      const bytes = Buffer.from(toSafeJson(event));
      this.#ranges.push(size, size + bytes.length);
      parts.push(bytes);
      size += bytes.length;
    });
    parts.push(END);
    this.document = Buffer.concat(parts, size + END.length);
  }

  get eventCount(): number {
    return this.#ranges.length / 2;
  }

  event(index: number): Buffer {
    return this.document.subarray(this.#ranges[2 * index], this.#ranges[2 * index + 1]);
  }

  get bytes(): number {
    return this.document.length;
  }
}

const COMMA = Buffer.from(',');
const END = Buffer.from(']}');

/** The finished results served lately, built on first use. */
export class FinishedResults {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly store: StoredResults,
    private readonly budget = FINISHED_CACHE_BYTES,
  ) {}

  /** The result `id` (the caller knows it is not live), or undefined when there is no such probe. */
  get(id: string): FinishedResult | undefined {
    const entry = this.#entry(id);
    this.#trim();
    return entry;
  }

  /** The result for a viewer replaying it: kept in the cache until `release()` is called. */
  hold(id: string): { result: FinishedResult; release: () => void } | undefined {
    const entry = this.#entry(id);
    if (!entry) return undefined;
    entry.users++;
    this.#trim();
    let released = false;
    return {
      result: entry,
      release: () => {
        if (released) return;
        released = true;
        entry.users--;
        this.#trim();
      },
    };
  }

  #entry(id: string): Entry | undefined {
    const cached = this.#entries.get(id);
    if (cached) {
      // Most recently used last.
      this.#entries.delete(id);
      this.#entries.set(id, cached);
      return cached;
    }
    const row = this.store.getProbe(id);
    if (!row) return undefined;
    const entry = new Entry(id, row, this.store.getEvents(id));
    if (row.status !== 'running') this.#entries.set(id, entry);
    return entry;
  }

  #trim(): void {
    let total = 0;
    for (const entry of this.#entries.values()) total += entry.bytes;
    for (const [id, entry] of this.#entries) {
      if (total <= this.budget) return;
      if (entry.users > 0) continue;
      this.#entries.delete(id);
      total -= entry.bytes;
    }
  }
}
