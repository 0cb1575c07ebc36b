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
//
// The store is one connection shared by three parts, each with its own statements: probe-writes.ts
// (create, append, finish), probe-reads.ts (one probe, its events, the listing) and
// probe-recovery.ts (after a crash, integrity, backups). This file opens and closes the
// connection and is the one API the service uses.
import { mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { ProbeEvent, ProbeRequest, ProbeStatus, ResultDocument, VerdictCode } from '@relayprobe/contracts';
import { openDatabase, readConnectionSettings, type ConnectionSettings, type SynchronousMode } from './open-database.js';
import { applyMigrations, readSchemaVersion } from './migrations.js';
import { ProbeWrites } from './probe-writes.js';
import { ProbeReads } from './probe-reads.js';
import { ProbeRecovery } from './probe-recovery.js';
import type { DamagedRowError } from './storage-errors.js';

/** SQLite's largest max_page_count (https://sqlite.org/pragma.html#pragma_max_page_count). */
const MAX_PAGE_COUNT = 4294967294;

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
  /** Told of each damaged row the listing skips (default: nothing); reads of that probe throw DamagedRowError. */
  onDamagedRow?: (error: DamagedRowError) => void;
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

/** Stored probes and their events in `${dataDir}/relayprobe.sqlite`. */
export class ProbeStore {
  /** Absolute path of the database file. */
  readonly path: string;
  readonly #db: Database.Database;
  readonly #writes: ProbeWrites;
  readonly #reads: ProbeReads;
  readonly #recovery: ProbeRecovery;
  /** The database file as opened (device and inode), to tell when it is deleted or replaced. */
  readonly #file: { dev: number; ino: number };

  private constructor(db: Database.Database, path: string, options: ProbeStoreOptions) {
    this.#db = db;
    this.path = path;
    const { dev, ino } = statSync(path);
    this.#file = { dev, ino };
    this.#writes = new ProbeWrites(db);
    this.#reads = new ProbeReads(db, options.onDamagedRow ?? (() => {}));
    this.#recovery = new ProbeRecovery(db);
  }

  /** Open (mkdir -p, create, migrate) the store in dataDir. Throws SchemaTooNewError for a newer database. */
  static open(dataDir: string, options: ProbeStoreOptions = {}): ProbeStore {
    mkdirSync(dataDir, { recursive: true });
    const path = resolve(dataDir, DATABASE_FILE_NAME);
    const db = openDatabase(path, options.synchronous ?? 'FULL');
    try {
      applyMigrations(db, path);
      return new ProbeStore(db, path, options);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Commit several new probes in one transaction (all or none). */
  createProbes(probes: readonly NewProbe[]): void {
    this.#writes.createProbes(probes);
  }

  /** Store the final state of several probes in one transaction (all or none). */
  finishProbes(finals: readonly { id: string; final: ProbeFinal }[]): void {
    this.#writes.finishProbes(finals);
  }

  /** Commit a new `running` probe; committed when this returns. createdAt must be Date#toISOString text. */
  createProbe(probe: NewProbe): void {
    this.#writes.createProbe(probe);
  }

  /** Store a batch of events of a running probe in one transaction. */
  appendEvents(id: string, events: readonly ProbeEvent[]): void {
    this.#writes.appendEvents(id, events);
  }

  /** Store the batches of several running probes in one transaction: all of them or none. */
  appendEventBatches(batches: readonly EventBatch[]): void {
    this.#writes.appendEventBatches(batches);
  }

  /** Store the remaining events and the final state of a running probe in one transaction. */
  finishProbe(id: string, final: ProbeFinal): void {
    this.#writes.finishProbe(id, final);
  }

  /** The probe without its events, or undefined when there is no such id. Throws DamagedRowError. */
  getProbe(id: string): StoredProbe | undefined {
    return this.#reads.getProbe(id);
  }

  /** Events with seq > afterSeq (default 0: all), in seq order; [] for an unknown id. Throws DamagedRowError. */
  getEvents(id: string, afterSeq = 0): ProbeEvent[] {
    return this.#reads.getEvents(id, afterSeq);
  }

  /** One page of probes, newest first, damaged rows skipped; `next` is the cursor of the following page, absent on the last. Throws InvalidCursorError. */
  listProbes(query: { limit: number; before?: string }): { items: StoredProbe[]; next?: string } {
    return this.#reads.listProbes(query);
  }

  /** At start-up: mark every `running` probe `interrupted` (events kept); returns their ids, oldest first. */
  interruptRunning(finishedAt: string): string[] {
    return this.#recovery.interruptRunning(finishedAt);
  }

  /** PRAGMA integrity_check: 'ok' when the file is sound, else SQLite's findings, one a line. */
  integrityCheck(): string {
    return this.#recovery.integrityCheck();
  }

  /** Write a consistent copy to path with VACUUM INTO (never copy a live WAL database's files). Fails if path exists. */
  backupTo(path: string): void {
    this.#recovery.backupTo(path);
  }

  /**
   * Whether the database file is still the one this store opened: undefined when it is, else what
   * happened to it. SQLite keeps writing to a deleted file (the open descriptor keeps it alive), so
   * without this check a deleted data directory goes unnoticed until a restart loses everything.
   */
  fileProblem(): string | undefined {
    let now;
    try {
      now = statSync(this.path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? `${this.path} was deleted` : `${this.path} cannot be checked (${code ?? String(error)})`;
    }
    return now.dev === this.#file.dev && now.ino === this.#file.ino ? undefined : `${this.path} was replaced by another file`;
  }

  /**
   * Cap the database at its current size, or lift the cap (SQLite's max_page_count): a write that
   * needs a new page then fails as on a full disk ("database or disk is full", SQLITE_FULL).
   * Tests use it to fill up the real database.
   */
  capSize(capped: boolean): void {
    this.#db.pragma(`max_page_count = ${capped ? Number(this.#db.pragma('page_count', { simple: true })) : MAX_PAGE_COUNT}`);
  }

  /** The connection's settings as SQLite reports them. */
  connectionSettings(): ConnectionSettings {
    return readConnectionSettings(this.#db);
  }

  /** The connection, for the other stores that share it (watches/watch-store.ts): one file, one writer. */
  get connection(): Database.Database {
    return this.#db;
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
}
