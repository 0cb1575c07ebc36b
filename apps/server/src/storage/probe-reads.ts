// Every read of the probe tables: one probe, its events, and the newest-first listing with its
// keyset cursor (list-cursor.ts). The read part of ProbeStore; nothing here writes. A damaged row
// (probe-rows.ts) makes a read of that probe throw DamagedRowError; the listing skips it, tells
// `onDamaged`, and pages on past it, so one bad row never breaks the list for everyone.
import type Database from 'better-sqlite3';
import type { ProbeEvent } from '@relayprobe/contracts';
import { decodeListCursor, encodeListCursor } from './list-cursor.js';
import { isObject, parseJsonColumn, toStoredProbe, type ProbeRow } from './probe-rows.js';
import { DamagedRowError, InvalidCursorError } from './storage-errors.js';
import type { StoredProbe } from './probe-store.js';

const NEWEST_FIRST = 'ORDER BY created_at DESC, id DESC';

function readStatements(db: Database.Database) {
  return {
    selectProbe: db.prepare<[string], ProbeRow>('SELECT * FROM probes WHERE id = ?'),
    selectEvents: db.prepare<[string, number], { seq: number; body: string }>('SELECT seq, body FROM events WHERE probe_id = ? AND seq > ? ORDER BY seq'),
    listFirst: db.prepare<[number], ProbeRow>(`SELECT * FROM probes ${NEWEST_FIRST} LIMIT ?`),
    // Row-value comparison: strictly after the cursor in newest-first order (served by the index).
    listBefore: db.prepare<[string, string, number], ProbeRow>(`SELECT * FROM probes WHERE (created_at, id) < (?, ?) ${NEWEST_FIRST} LIMIT ?`),
  };
}

/** Reads probes and their events. */
export class ProbeReads {
  readonly #sql: ReturnType<typeof readStatements>;
  readonly #onDamaged: (error: DamagedRowError) => void;

  /** `onDamaged` hears of every damaged row the listing skips. */
  constructor(db: Database.Database, onDamaged: (error: DamagedRowError) => void) {
    this.#sql = readStatements(db);
    this.#onDamaged = onDamaged;
  }

  /** The probe without its events, or undefined when there is no such id. */
  getProbe(id: string): StoredProbe | undefined {
    const row = this.#sql.selectProbe.get(id);
    return row === undefined ? undefined : toStoredProbe(row);
  }

  /** Events with seq > afterSeq (default 0: all), in seq order; [] for an unknown id. Throws DamagedRowError. */
  getEvents(id: string, afterSeq = 0): ProbeEvent[] {
    return this.#sql.selectEvents.all(id, afterSeq).map(({ seq, body }) => parseJsonColumn(id, `event ${seq}`, body, isObject) as ProbeEvent);
  }

  /** One page of probes, newest first; `next` is the cursor of the following page, absent on the last. Throws InvalidCursorError. */
  listProbes(query: { limit: number; before?: string }): { items: StoredProbe[]; next?: string } {
    const { limit, before } = query;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    let rows: ProbeRow[];
    if (before === undefined) {
      rows = this.#sql.listFirst.all(limit + 1);
    } else {
      const cursor = decodeListCursor(before);
      if (!cursor.ok) throw new InvalidCursorError(cursor.message);
      rows = this.#sql.listBefore.all(cursor.position.createdAt, cursor.position.id, limit + 1);
    }
    // One row more than asked tells whether another page exists without a second query.
    const page = rows.slice(0, limit);
    const items = page.flatMap((row) => this.#readable(row));
    // The cursor is the last row's position, damaged or not, so the next page starts after it.
    const last = page[page.length - 1];
    if (rows.length <= limit || last === undefined) return { items };
    return { items, next: encodeListCursor({ createdAt: last.created_at, id: last.id }) };
  }

  /** The row as a StoredProbe, or nothing (and a word to `onDamaged`) when it is damaged. */
  #readable(row: ProbeRow): StoredProbe[] {
    try {
      return [toStoredProbe(row)];
    } catch (error) {
      if (!(error instanceof DamagedRowError)) throw error;
      this.#onDamaged(error);
      return [];
    }
  }
}
