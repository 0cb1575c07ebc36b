// Schema migrations: an ordered list, each applied once, in its own transaction, and recorded in
// `schema_migrations`. A released migration is never edited; a change is a new entry at the end.
// A database whose recorded version is newer than the last entry here is refused (an older
// relayprobe would otherwise write rows a newer schema does not expect).
//
// Tables are STRICT (https://sqlite.org/stricttables.html) so a wrong type is an error, not a
// silent conversion. Timestamps are ISO 8601 text in Date#toISOString form, so text order is time
// order and the newest-first index serves the listing.
import type Database from 'better-sqlite3';
import { SchemaTooNewError } from './storage-errors.js';

/** One step of the schema. */
export interface Migration {
  /** 1, 2, 3, ... without gaps. */
  version: number;
  /** What it does, for people reading `schema_migrations`. */
  name: string;
  sql: string;
}

/** Every migration, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'probes and their events',
    sql: `
      CREATE TABLE probes (
        id            TEXT PRIMARY KEY NOT NULL,
        created_at    TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('running', 'complete', 'interrupted')),
        target        TEXT NOT NULL,
        request       TEXT NOT NULL CHECK (json_valid(request)),
        finished_at   TEXT,
        verdict_code  TEXT,
        verdict_label TEXT,
        result        TEXT CHECK (result IS NULL OR json_valid(result)),
        last_seq      INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
        CHECK ((verdict_code IS NULL) = (verdict_label IS NULL))
      ) STRICT;

      -- GET /api/v1/probes: newest first, id breaks ties so keyset paging is stable.
      CREATE INDEX probes_newest_first ON probes (created_at DESC, id DESC);

      -- The exact JSON of each event; (probe_id, seq) is the key, so no rowid is needed.
      CREATE TABLE events (
        probe_id TEXT NOT NULL REFERENCES probes (id) ON DELETE CASCADE,
        seq      INTEGER NOT NULL CHECK (seq >= 1),
        body     TEXT NOT NULL,
        PRIMARY KEY (probe_id, seq)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'watches, their runs and alert deliveries',
    // Issue 14. Each run is an ordinary probe (probes.id); deleting a watch deletes its runs and
    // deliveries, never the probes. A delivery keeps the exact bytes it sends (and their
    // signature), so a retry sends the same body and a later change of the watch's alerts does not
    // touch what is already on its way.
    sql: `
      CREATE TABLE watches (
        id               TEXT PRIMARY KEY NOT NULL,
        created_at       TEXT NOT NULL,
        target           TEXT NOT NULL,
        port             INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
        suite            TEXT NOT NULL,
        tls              TEXT NOT NULL,
        interval_minutes INTEGER NOT NULL CHECK (interval_minutes >= 1),
        paused           INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
        alerts           TEXT NOT NULL CHECK (json_valid(alerts)),
        state            TEXT NOT NULL CHECK (json_valid(state)),
        next_run_at      TEXT,
        last_run_at      TEXT
      ) STRICT;

      CREATE TABLE watch_runs (
        watch_id   TEXT NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
        probe_id   TEXT NOT NULL REFERENCES probes (id),
        scheduled  INTEGER NOT NULL CHECK (scheduled IN (0, 1)),
        started_at TEXT NOT NULL,
        evaluated  INTEGER NOT NULL DEFAULT 0 CHECK (evaluated IN (0, 1)),
        PRIMARY KEY (watch_id, probe_id)
      ) STRICT;
      -- Newest first: by start time, then insertion order (rowid) for runs started in the same millisecond.
      CREATE INDEX watch_runs_newest_first ON watch_runs (watch_id, started_at DESC);
      CREATE INDEX watch_runs_unevaluated ON watch_runs (evaluated) WHERE evaluated = 0;

      CREATE TABLE alert_deliveries (
        -- AUTOINCREMENT: ids are never reused after a watch is deleted (receivers deduplicate on X-Relayprobe-Delivery).
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        watch_id        TEXT NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
        probe_id        TEXT NOT NULL,
        type            TEXT NOT NULL CHECK (type IN ('webhook', 'slack', 'teams', 'email')),
        destination     TEXT NOT NULL,
        changes         TEXT NOT NULL CHECK (json_valid(changes)),
        body            TEXT NOT NULL,
        signature       TEXT,
        status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        created_at      TEXT NOT NULL,
        next_attempt_at TEXT,
        last_attempt_at TEXT,
        response_status INTEGER,
        error           TEXT,
        CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
      ) STRICT;
      CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX alert_deliveries_newest_first ON alert_deliveries (watch_id, id DESC);
    `,
  },
];

/** The schema version this code writes. */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`;

/** The highest version recorded in the database (0 for a new one). */
export function readSchemaVersion(db: Database.Database): number {
  db.exec(CREATE_MIGRATIONS_TABLE);
  const version = db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get();
  return typeof version === 'number' ? version : 0;
}

/** Bring the schema up to date; returns the versions applied now (none when already current). */
export function applyMigrations(db: Database.Database, file: string, migrations: readonly Migration[] = MIGRATIONS): number[] {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order: entry ${i} has version ${m.version}`);
  });
  const known = migrations.length;
  const found = readSchemaVersion(db);
  if (found > known) throw new SchemaTooNewError(file, found, known);

  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
  const applied: number[] = [];
  for (const migration of migrations) {
    // IMMEDIATE takes the write lock before the check, so two processes opening the same new
    // file cannot both apply a step; the loser sees it applied and skips it.
    db.transaction(() => {
      if (isApplied.get(migration.version) !== undefined) return;
      db.exec(migration.sql);
      record.run(migration.version, migration.name);
      applied.push(migration.version);
    }).immediate();
  }
  return applied;
}
