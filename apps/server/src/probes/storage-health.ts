// Whether results can be stored now (issue 12, items 4 and 5), for three readers: the health
// route (`degraded` with the reason), the probe manager (a new probe is refused with 503
// storage-unavailable rather than acknowledged and then lost), and the operator's log.
//
// Two ways storage fails:
// - writes fail (a full disk: "database or disk is full"): the writer keeps what failed in memory
//   and retries with backoff (event-writer.ts); storage is failing until a write succeeds with
//   nothing left waiting. While something waits, new probes are refused before any DNS; with
//   nothing waiting, a new probe's own row is the test of whether writes work again.
// - the database file is deleted or replaced while the server runs: SQLite goes on writing to the
//   deleted file through its open descriptor, and a restart would lose every result since. Its
//   device and inode are checked every FILE_CHECK_MS and before every acknowledgement; once it is
//   gone it stays so (the old file cannot come back), until a restart.
import type { FastifyBaseLogger } from 'fastify';
import type { ProbeStore } from '../storage/probe-store.js';
import type { EventWriter } from './event-writer.js';
import type { Refusal } from './admission.js';

/** How often the database file is checked for having been deleted or replaced. */
const FILE_CHECK_MS = 5000;

/** What storage health reads. */
export interface StorageHealthSources {
  store: Pick<ProbeStore, 'fileProblem'>;
  writer: Pick<EventWriter, 'failure' | 'retrying'>;
  log: FastifyBaseLogger;
}

/** Whether results can be stored, and why not. */
export class StorageHealth {
  readonly #sources: StorageHealthSources;
  /** Set once the database file is found deleted or replaced. */
  #fileProblem: string | undefined;
  readonly #fileWatch: NodeJS.Timeout;

  constructor(sources: StorageHealthSources) {
    this.#sources = sources;
    this.#fileWatch = setInterval(() => this.fileKept(), FILE_CHECK_MS).unref();
  }

  /** Why results cannot be stored now, in words; undefined while storage works. */
  get problem(): string | undefined {
    if (!this.fileKept()) return this.#fileProblem;
    const failure = this.#sources.writer.failure;
    return failure ? `storing results fails since ${failure.since.toISOString()}: ${failure.message}` : undefined;
  }

  /** True when a new probe cannot be kept, so it is refused before any work: results wait for a retry, or the file is gone. */
  get refusesNewProbes(): boolean {
    return this.#sources.writer.retrying || !this.fileKept();
  }

  /** The refusal of a new probe while storage fails. */
  refusal(): Refusal {
    const why = this.problem ?? 'storing results just failed';
    return { ok: false, status: 503, code: 'storage-unavailable', message: `New probes are refused while results cannot be stored (${why}); try again later.` };
  }

  /** False once the database file was found deleted or replaced (logged the first time). */
  fileKept(): boolean {
    if (this.#fileProblem !== undefined) return false;
    const problem = this.#sources.store.fileProblem();
    if (problem === undefined) return true;
    this.#fileProblem = `${problem} while relayprobe ran, so results stored since are in a deleted file; restart relayprobe`;
    this.#sources.log.error(`the database file ${problem} while relayprobe ran: new probes are refused; restart relayprobe (results stored since then are lost with the deleted file)`);
    return false;
  }

  /** Stop the periodic check (shutdown). */
  stop(): void {
    clearInterval(this.#fileWatch);
  }
}
