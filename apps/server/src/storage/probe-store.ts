// The probe service's storage: one SQLite file, one connection, one writer (SECURITY.md §5,
// "Nothing lost").
//
// Write model and its invariants:
// - createProbe commits the `running` row before the probe connects anywhere.
// - appendEvents stores one batch in one transaction; a batch is all there or not at all.
// - finishProbe stores the remaining events and the final state in ONE transaction, so a viewer
//   told "done" (after it returns) always finds the complete result.
// - A finished result is immutable: appending to or finishing a probe that is not `running` throws.
// - Event seqs are unique per probe (the primary key); a duplicate throws and its batch is rolled back.
// - At start-up, interruptRunning turns what a crash left `running` into `interrupted`, events kept.
// Only programming errors throw (unknown id, duplicate seq, use after close), plus disk failures
// and the two typed errors of storage-errors.ts.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { ProbeEvent, ProbeRequest, ProbeStatus, ResultDocument, VerdictCode } from '@relayprobe/contracts';
import { openDatabase, readConnectionSettings, type ConnectionSettings, type SynchronousMode } from './open-database.js';
import { applyMigrations, readSchemaVersion } from './migrations.js';
import { decodeListCursor, encodeListCursor, isCanonicalTimestamp } from './list-cursor.js';
import { toStoredProbe, type ProbeRow } from './probe-rows.js';
import { InvalidCursorError } from './storage-errors.js';

/** Name of the database file inside the data directory. */
export const DATABASE_FILE_NAME = 'relayprobe.sqlite';

/** One probe as stored: its request, state and final result, without its events. */
export interface StoredProbe {
  id: string;
  createdAt: string; // ISO 8601
  status: ProbeStatus; // 'running' | 'complete' | 'interrupted'
  target: string;
  request: ProbeRequest;
  finishedAt?: string;
  verdict?: { code: VerdictCode; label: string };
  /** The final result without its events (set by finishProbe). */
  result?: Omit<ResultDocument, 'events'>;
  /** Highest event seq stored. */
  lastSeq: number;
}

/** How the store opens its database. */
/** A probe to create. */
export interface NewProbe {
  id: string;
  createdAt: string;
  target: string;
  request: ProbeRequest;
}

/** Events of one probe, for appendEventBatches. */
export interface EventBatch {
  id: string;
  events: readonly ProbeEvent[];
}

export interface ProbeStoreOptions {
  /** FULL (default) survives power loss; NORMAL may lose the last commits (SECURITY.md §5). */
  synchronous?: SynchronousMode;
}

/** The final state of a probe, written by finishProbe. */
export interface ProbeFinal {
  status: 'complete' | 'interrupted';
  finishedAt: string;
  verdict?: { code: VerdictCode; label: string };
  result?: Omit<ResultDocument, 'events'>;
  /** Events not yet appended. */
  events: readonly ProbeEvent[];
}

const NEWEST_FIRST = 'ORDER BY created_at DESC, id DESC';

function preparedStatements(db: Database.Database) {
  return {
    insertProbe: db.prepare<[string, string, string, string]>(
      "INSERT INTO probes (id, created_at, status, target, request, last_seq) VALUES (?, ?, 'running', ?, ?, 0)",
    ),
    insertEvent: db.prepare<[string, number, string]>('INSERT INTO events (probe_id, seq, body) VALUES (?, ?, ?)'),
    raiseLastSeq: db.prepare<[number, string]>("UPDATE probes SET last_seq = MAX(last_seq, ?) WHERE id = ? AND status = 'running'"),
    finish: db.prepare<[string, string, string | null, string | null, string | null, number, string]>(
      `UPDATE probes SET status = ?, finished_at = ?, verdict_code = ?, verdict_label = ?, result = ?,
         last_seq = MAX(last_seq, ?) WHERE id = ? AND status = 'running'`,
    ),
    selectStatus: db.prepare<[string], string>('SELECT status FROM probes WHERE id = ?').pluck(),
    selectProbe: db.prepare<[string], ProbeRow>('SELECT * FROM probes WHERE id = ?'),
    selectEvents: db.prepare<[string, number], string>('SELECT body FROM events WHERE probe_id = ? AND seq > ? ORDER BY seq').pluck(),
    listFirst: db.prepare<[number], ProbeRow>(`SELECT * FROM probes ${NEWEST_FIRST} LIMIT ?`),
    // Row-value comparison: strictly after the cursor in newest-first order (served by the index).
    listBefore: db.prepare<[string, string, number], ProbeRow>(`SELECT * FROM probes WHERE (created_at, id) < (?, ?) ${NEWEST_FIRST} LIMIT ?`),
    selectRunningIds: db.prepare<[], string>("SELECT id FROM probes WHERE status = 'running' ORDER BY created_at, id").pluck(),
    interruptRunning: db.prepare<[string]>("UPDATE probes SET status = 'interrupted', finished_at = ? WHERE status = 'running'"),
    vacuumInto: db.prepare<[string]>('VACUUM INTO ?'),
  };
}

/** Stored probes and their events in `${dataDir}/relayprobe.sqlite`. */
export class ProbeStore {
  /** Absolute path of the database file. */
  readonly path: string;
  readonly #db: Database.Database;
  readonly #sql: ReturnType<typeof preparedStatements>;
  readonly #appendTx: (id: string, events: readonly ProbeEvent[]) => void;
  readonly #finishTx: (id: string, final: ProbeFinal) => void;
  readonly #appendManyTx: (batches: readonly EventBatch[]) => void;
  readonly #createManyTx: (probes: readonly NewProbe[]) => void;
  readonly #finishManyTx: (finals: readonly { id: string; final: ProbeFinal }[]) => void;
  readonly #interruptTx: (finishedAt: string) => string[];

  private constructor(db: Database.Database, path: string) {
    this.#db = db;
    this.path = path;
    const sql = (this.#sql = preparedStatements(db));
    this.#appendTx = db.transaction((id: string, events: readonly ProbeEvent[]) => {
      this.#requireRunning(sql.raiseLastSeq.run(maxSeq(events), id).changes, id, 'appendEvents');
      this.#insertEvents(id, events);
    });
    // Group commit: many probes' batches, one transaction and one fsync (synchronous=FULL costs
    // a disk flush per commit, which stalls the event loop; per-probe commits multiply it).
    this.#appendManyTx = db.transaction((batches: readonly EventBatch[]) => {
      for (const { id, events } of batches) {
        if (events.length === 0) continue;
        this.#requireRunning(sql.raiseLastSeq.run(maxSeq(events), id).changes, id, 'appendEventBatches');
        this.#insertEvents(id, events);
      }
    });
    this.#finishTx = db.transaction((id: string, final: ProbeFinal) => {
      const { verdict, result } = final;
      const changes = sql.finish.run(
        final.status,
        final.finishedAt,
        verdict?.code ?? null,
        verdict?.label ?? null,
        result === undefined ? null : JSON.stringify(withoutEvents(result)),
        maxSeq(final.events),
        id,
      ).changes;
      this.#requireRunning(changes, id, 'finishProbe');
      this.#insertEvents(id, final.events);
    });
    // Group commits of creations and final states: nested calls of the single-probe versions
    // run as savepoints inside one transaction, so all of them or none are stored.
    this.#createManyTx = db.transaction((probes: readonly NewProbe[]) => {
      for (const probe of probes) this.createProbe(probe);
    });
    this.#finishManyTx = db.transaction((finals: readonly { id: string; final: ProbeFinal }[]) => {
      for (const { id, final } of finals) this.#finishTx(id, final);
    });
    this.#interruptTx = db.transaction((finishedAt: string) => {
      const ids = sql.selectRunningIds.all();
      sql.interruptRunning.run(finishedAt);
      return ids;
    });
  }

  /** Open (mkdir -p, create, migrate) the store in dataDir. Throws SchemaTooNewError for a newer database. */
  static open(dataDir: string, options: ProbeStoreOptions = {}): ProbeStore {
    mkdirSync(dataDir, { recursive: true });
    const path = resolve(dataDir, DATABASE_FILE_NAME);
    const db = openDatabase(path, options.synchronous ?? 'FULL');
    try {
      applyMigrations(db, path);
      return new ProbeStore(db, path);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Commit several new probes in one transaction (all or none). */
  createProbes(probes: readonly NewProbe[]): void {
    this.#createManyTx(probes);
  }

  /** Store the final state of several probes in one transaction (all or none). */
  finishProbes(finals: readonly { id: string; final: ProbeFinal }[]): void {
    this.#finishManyTx(finals);
  }

  /** Commit a new `running` probe; committed when this returns. createdAt must be Date#toISOString text. */
  createProbe(probe: NewProbe): void {
    // Listing order is text order of created_at, which is time order only in this one form.
    if (!isCanonicalTimestamp(probe.createdAt)) {
      throw new TypeError(`createdAt must be in Date#toISOString form, got ${JSON.stringify(probe.createdAt)}`);
    }
    try {
      this.#sql.insertProbe.run(probe.id, probe.createdAt, probe.target, JSON.stringify(probe.request));
    } catch (error) {
      if (isConstraint(error, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw new Error(`probe ${probe.id} already exists`, { cause: error });
      throw error;
    }
  }

  /** Store a batch of events of a running probe in one transaction. */
  appendEvents(id: string, events: readonly ProbeEvent[]): void {
    this.#appendTx(id, events);
  }

  /** Store the batches of several running probes in one transaction: all of them or none. */
  appendEventBatches(batches: readonly EventBatch[]): void {
    this.#appendManyTx(batches);
  }

  /** Store the remaining events and the final state of a running probe in one transaction. */
  finishProbe(id: string, final: ProbeFinal): void {
    this.#finishTx(id, final);
  }

  /** The probe without its events, or undefined when there is no such id. */
  getProbe(id: string): StoredProbe | undefined {
    const row = this.#sql.selectProbe.get(id);
    return row === undefined ? undefined : toStoredProbe(row);
  }

  /** Events with seq > afterSeq (default 0: all), in seq order; [] for an unknown id. */
  getEvents(id: string, afterSeq = 0): ProbeEvent[] {
    return this.#sql.selectEvents.all(id, afterSeq).map((body) => JSON.parse(body) as ProbeEvent);
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
    const items = rows.slice(0, limit).map(toStoredProbe);
    const last = items[items.length - 1];
    if (rows.length <= limit || last === undefined) return { items };
    return { items, next: encodeListCursor({ createdAt: last.createdAt, id: last.id }) };
  }

  /** At start-up: mark every `running` probe `interrupted` (events kept); returns their ids, oldest first. */
  interruptRunning(finishedAt: string): string[] {
    return this.#interruptTx(finishedAt);
  }

  /** PRAGMA integrity_check: 'ok' when the file is sound, else SQLite's findings, one a line. */
  integrityCheck(): string {
    const rows = this.#db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    return rows.map((row) => row.integrity_check).join('\n');
  }

  /** Write a consistent copy to path with VACUUM INTO (never copy a live WAL database's files). Fails if path exists. */
  backupTo(path: string): void {
    this.#sql.vacuumInto.run(path);
  }

  /** The connection's settings as SQLite reports them. */
  connectionSettings(): ConnectionSettings {
    return readConnectionSettings(this.#db);
  }

  /** The schema version of the open database. */
  schemaVersion(): number {
    return readSchemaVersion(this.#db);
  }

  /** Checkpoint the WAL into the main file and close; later calls do nothing. */
  close(): void {
    if (!this.#db.open) return;
    try {
      this.#db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.#db.close();
    }
  }

  #insertEvents(id: string, events: readonly ProbeEvent[]): void {
    for (const event of events) {
      try {
        this.#sql.insertEvent.run(id, event.seq, JSON.stringify(event));
      } catch (error) {
        if (isConstraint(error, 'SQLITE_CONSTRAINT_PRIMARYKEY')) {
          throw new Error(`event seq ${event.seq} of probe ${id} is already stored (a duplicate or out-of-order seq)`, { cause: error });
        }
        throw error;
      }
    }
  }

  /** The UPDATE that guards a write touched no row: say whether the id is unknown or the probe is finished. */
  #requireRunning(changes: number, id: string, operation: string): void {
    if (changes === 1) return;
    const status = this.#sql.selectStatus.get(id);
    if (status === undefined) throw new Error(`${operation}: no probe with id ${id}`);
    throw new Error(`${operation}: probe ${id} is ${status}, and a finished result never changes`);
  }
}

/** The highest seq of a batch (0 when empty); checks every seq first, before anything is written. */
function maxSeq(events: readonly ProbeEvent[]): number {
  let max = 0;
  for (const { seq } of events) {
    if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`event seq must be a positive integer, got ${seq}`);
    if (seq > max) max = seq;
  }
  return max;
}

/** The result without an `events` field a caller may have left on it (events live in their table). */
function withoutEvents(result: Omit<ResultDocument, 'events'>): Omit<ResultDocument, 'events'> {
  const { events: _events, ...rest } = result as Omit<ResultDocument, 'events'> & { events?: unknown };
  return rest;
}

function isConstraint(error: unknown, code: string): boolean {
  return error instanceof Database.SqliteError && error.code === code;
}
