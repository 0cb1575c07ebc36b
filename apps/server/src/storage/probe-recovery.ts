// What gets a database through a crash and what restores one (SECURITY.md §5, "Nothing lost"):
// at start-up, probes a crash left `running` become `interrupted` with their committed events;
// PRAGMA integrity_check says whether the file is sound; VACUUM INTO writes a consistent copy
// of the live database (never a file copy: in WAL mode recent commits live in the -wal file).
import type Database from 'better-sqlite3';

function recoveryStatements(db: Database.Database) {
  return {
    selectRunningIds: db.prepare<[], string>("SELECT id FROM probes WHERE status = 'running' ORDER BY created_at, id").pluck(),
    interruptRunning: db.prepare<[string]>("UPDATE probes SET status = 'interrupted', finished_at = ? WHERE status = 'running'"),
    vacuumInto: db.prepare<[string]>('VACUUM INTO ?'),
  };
}

/** Crash recovery, the integrity check and backups. */
export class ProbeRecovery {
  readonly #db: Database.Database;
  readonly #sql: ReturnType<typeof recoveryStatements>;
  readonly #interruptTx: (finishedAt: string) => string[];

  constructor(db: Database.Database) {
    this.#db = db;
    const sql = (this.#sql = recoveryStatements(db));
    this.#interruptTx = db.transaction((finishedAt: string) => {
      const ids = sql.selectRunningIds.all();
      sql.interruptRunning.run(finishedAt);
      return ids;
    });
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
}
