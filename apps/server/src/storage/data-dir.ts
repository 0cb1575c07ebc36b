// Opening the data directory at start-up, in order: create it when missing, lock it
// (data-dir-lock.ts: one server per directory, before recovery touches anything), open the store,
// and recover: probes a crash left running become interrupted (the first write of a start).
// When that fails because the directory or a file in it cannot be written, the error says which
// path, which variable sets it, and why (SQLite alone says "unable to open database file" or
// "attempt to write a readonly database", naming neither): issue 12, item 8.
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DataDirLock, DataDirLockedError, LOCK_FILE_NAME } from './data-dir-lock.js';
import { DATABASE_FILE_NAME, ProbeStore, type ProbeStoreOptions } from './probe-store.js';
import { SchemaTooNewError } from './storage-errors.js';

/** The files the server writes in its data directory (SQLite's WAL and shared memory beside the database). */
const DATA_FILES = [LOCK_FILE_NAME, DATABASE_FILE_NAME, `${DATABASE_FILE_NAME}-wal`, `${DATABASE_FILE_NAME}-shm`];

/** The open data directory: its store, its lock, and the ids recovery marked interrupted. */
export interface OpenDataDir {
  store: ProbeStore;
  /** Released by the caller after store.close(). */
  lock: DataDirLock;
  interrupted: string[];
}

/** Create, lock, open and recover the data directory. */
export function openDataDir(dataDir: string, options: ProbeStoreOptions = {}): OpenDataDir {
  let lock: DataDirLock | undefined;
  let store: ProbeStore | undefined;
  try {
    mkdirSync(dataDir, { recursive: true });
    lock = DataDirLock.acquire(dataDir);
    store = ProbeStore.open(dataDir, options);
    const interrupted = store.interruptRunning(new Date().toISOString());
    return { store, lock, interrupted };
  } catch (error) {
    store?.close();
    lock?.release();
    throw explainFailure(dataDir, error);
  }
}

/** The error as it is, unless an access problem explains it: then one that names the path and the cause. */
function explainFailure(dataDir: string, error: unknown): unknown {
  if (error instanceof DataDirLockedError || error instanceof SchemaTooNewError) return error;
  const dir = resolve(dataDir);
  const problem = accessProblem(dir);
  if (!problem) return error;
  return new Error(`cannot use the data directory ${dir} (RELAYPROBE_DATA_DIR): ${problem}`, { cause: error });
}

/** What keeps this process from writing `dir` and its files, in words; undefined when nothing does. */
function accessProblem(dir: string): string | undefined {
  if (!existsSync(dir)) {
    let ancestor = dirname(dir);
    while (!existsSync(ancestor) && dirname(ancestor) !== ancestor) ancestor = dirname(ancestor);
    const cause = accessError(ancestor, constants.W_OK | constants.X_OK);
    return cause ? `it does not exist and cannot be created: ${ancestor} ${cause}` : undefined;
  }
  const inDir = accessError(dir, constants.W_OK | constants.X_OK);
  if (inDir) return `${dir} ${inDir}`;
  for (const name of DATA_FILES) {
    const file = join(dir, name);
    const cause = existsSync(file) ? accessError(file, constants.R_OK | constants.W_OK) : undefined;
    if (cause) return `${file} ${cause}`;
  }
  return undefined;
}

/** Why access(path, mode) fails, in words with the errno code; undefined when it does not. */
function accessError(path: string, mode: number): string | undefined {
  try {
    accessSync(path, mode);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    if (code === 'EROFS') return 'is on a read-only file system (EROFS); mount it read-write or choose another directory';
    if (code === 'EACCES' || code === 'EPERM') {
      return `cannot be written: permission denied (${code}) for uid ${process.getuid?.() ?? '?'}, the user relayprobe runs as; give that user write access (chown or chmod)`;
    }
    return `cannot be written (${code})`;
  }
}
