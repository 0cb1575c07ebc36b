// The one SQLite connection of the service, with the settings SECURITY.md §5 asks for:
// WAL (readers never block the writer), synchronous=FULL by default (NORMAL can lose the last
// commits on power loss, https://sqlite.org/pragma.html#pragma_synchronous), a busy timeout so an
// operator's `sqlite3 ... "VACUUM INTO ..."` does not make writes fail, and foreign keys on (they
// are off per connection by default, and events cascade with their probe).
import Database from 'better-sqlite3';

/** How hard each commit is pushed to disk. */
export type SynchronousMode = 'FULL' | 'NORMAL';

/** Milliseconds a statement waits for a lock held by another connection before failing. */
const BUSY_TIMEOUT_MS = 5000;

/** The connection's settings as SQLite reports them (read back, not assumed). */
export interface ConnectionSettings {
  journalMode: string;
  /** 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
  synchronous: number;
  busyTimeoutMs: number;
  foreignKeys: boolean;
}

const SYNCHRONOUS_MODES: readonly SynchronousMode[] = ['FULL', 'NORMAL'];

/** Open (creating if needed) the database file and apply the connection settings. */
export function openDatabase(file: string, synchronous: SynchronousMode): Database.Database {
  // Interpolated into a PRAGMA below, so checked against the two allowed words first.
  if (!SYNCHRONOUS_MODES.includes(synchronous)) throw new TypeError(`synchronous must be FULL or NORMAL, got ${String(synchronous)}`);
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`${file}: SQLite would not switch to WAL (journal_mode is ${String(mode)})`);
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Read the connection's settings back from SQLite. */
export function readConnectionSettings(db: Database.Database): ConnectionSettings {
  return {
    journalMode: String(db.pragma('journal_mode', { simple: true })),
    synchronous: Number(db.pragma('synchronous', { simple: true })),
    busyTimeoutMs: Number(db.pragma('busy_timeout', { simple: true })),
    foreignKeys: Number(db.pragma('foreign_keys', { simple: true })) === 1,
  };
}
