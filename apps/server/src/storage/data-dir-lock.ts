// One server per data directory (issue 12, item 3): a second one's start-up recovery would mark
// the first one's running probes as interrupted. The server holds an exclusive lock on
// `<dataDir>/relayprobe.lock` for its whole life, taken before the store is opened.
//
// Why a SQLite file: Node has no flock(), and a lock file that is only a pid can go stale (a
// kill -9 leaves it behind; taking over a stale one races with another start doing the same). The
// lock file is a tiny SQLite database, and the lock is the RESERVED lock of a transaction held
// open (https://sqlite.org/lockingv3.html): a POSIX advisory lock that the kernel drops when the
// process dies, so a dead holder's lock is free at once, and SQLite keeps it right between two
// connections of one process too. RESERVED still lets others read, so a refused start reads who
// holds the lock (pid, host, start time) from the row the holder committed.
//
// Invariants: acquire() returns only while this connection holds the lock; between publishing our
// row and taking the lock for good another start may win, and then we refuse, as it would.
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';

/** Name of the lock file inside the data directory. */
export const LOCK_FILE_NAME = 'relayprobe.lock';

/** How long a start waits for a lock that is held only for a moment (a start publishing its row). */
const LOCK_WAIT_MS = 1000;

/** The process a lock names. */
export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

/** The data directory is locked by another relayprobe. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | undefined,
  ) {
    const who = holder ? `pid ${holder.pid} on ${holder.host}, running since ${holder.startedAt}` : 'a process that is starting';
    super(`${dataDir} is in use by another relayprobe (${who}). Stop that one first, or give this one its own RELAYPROBE_DATA_DIR.`);
  }
}

/** The exclusive lock of one data directory, held until release(). */
export class DataDirLock {
  readonly #db: Database.Database;
  /** The previous holder when it was not this process and is no longer running (a crash), for the log. */
  readonly takenOverFrom: LockHolder | undefined;

  private constructor(db: Database.Database, takenOverFrom: LockHolder | undefined) {
    this.#db = db;
    this.takenOverFrom = takenOverFrom;
  }

  /** Take the lock of `dataDir` (which must exist); throws DataDirLockedError when another process holds it. */
  static acquire(dataDir: string): DataDirLock {
    const db = new Database(join(dataDir, LOCK_FILE_NAME), { timeout: LOCK_WAIT_MS });
    try {
      db.exec('CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, host TEXT NOT NULL, started_at TEXT NOT NULL)');
      const previous = readHolder(db);
      // Publish who we are (a committed row is what a refused start reads), then hold the lock.
      lockOrRefuse(db, dataDir);
      db.prepare('INSERT OR REPLACE INTO holder (id, pid, host, started_at) VALUES (1, ?, ?, ?)').run(process.pid, hostname(), new Date().toISOString());
      db.exec('COMMIT');
      lockOrRefuse(db, dataDir);
      const crashed = previous && previous.pid !== process.pid && !isAlive(previous) ? previous : undefined;
      return new DataDirLock(db, crashed);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Give the lock back (idempotent). */
  release(): void {
    if (!this.#db.open) return;
    this.#db.exec('ROLLBACK');
    this.#db.close();
  }
}

/** BEGIN IMMEDIATE, or DataDirLockedError naming the holder when another connection has the lock. */
function lockOrRefuse(db: Database.Database, dataDir: string): void {
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (error) {
    if (!(error instanceof Database.SqliteError && error.code === 'SQLITE_BUSY')) throw error;
    // A row naming a dead process is a crashed holder's; the live holder has not published yet.
    const holder = readHolder(db);
    throw new DataDirLockedError(resolve(dataDir), holder && isAlive(holder) ? holder : undefined);
  }
}

function readHolder(db: Database.Database): LockHolder | undefined {
  const row = db.prepare<[], { pid: number; host: string; started_at: string }>('SELECT pid, host, started_at FROM holder WHERE id = 1').get();
  return row ? { pid: row.pid, host: row.host, startedAt: row.started_at } : undefined;
}

/** Whether the holder still runs: its pid exists (EPERM: owned by someone else); a pid of another host cannot be checked, so it counts as alive. */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
