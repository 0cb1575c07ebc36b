// Every write to the probe tables, each one transaction (better-sqlite3 `db.transaction`): the
// write part of ProbeStore (probe-store.ts states the write model). The guards live in the SQL:
// an UPDATE ... WHERE status = 'running' that touches no row means an unknown or finished probe,
// and the (probe_id, seq) primary key refuses a seq stored twice; either throws and rolls back
// the whole transaction.
import Database from 'better-sqlite3';
import type { ProbeEvent, ResultDocument } from '@relayprobe/contracts';
import { isCanonicalTimestamp } from './list-cursor.js';
import type { EventBatch, NewProbe, ProbeFinal } from './probe-store.js';

function writeStatements(db: Database.Database) {
  return {
    insertProbe: db.prepare<[string, string, string, string]>("INSERT INTO probes (id, created_at, status, target, request, last_seq) VALUES (?, ?, 'running', ?, ?, 0)"),
    insertEvent: db.prepare<[string, number, string]>('INSERT INTO events (probe_id, seq, body) VALUES (?, ?, ?)'),
    raiseLastSeq: db.prepare<[number, string]>("UPDATE probes SET last_seq = MAX(last_seq, ?) WHERE id = ? AND status = 'running'"),
    finish: db.prepare<[string, string, string | null, string | null, string | null, number, string]>(
      `UPDATE probes SET status = ?, finished_at = ?, verdict_code = ?, verdict_label = ?, result = ?,
         last_seq = MAX(last_seq, ?) WHERE id = ? AND status = 'running'`,
    ),
    selectStatus: db.prepare<[string], string>('SELECT status FROM probes WHERE id = ?').pluck(),
  };
}

/** Creates probes, appends their events and stores their final state. */
export class ProbeWrites {
  readonly #sql: ReturnType<typeof writeStatements>;
  readonly #appendTx: (id: string, events: readonly ProbeEvent[]) => void;
  readonly #finishTx: (id: string, final: ProbeFinal) => void;
  readonly #appendManyTx: (batches: readonly EventBatch[]) => void;
  readonly #createManyTx: (probes: readonly NewProbe[]) => void;
  readonly #finishManyTx: (finals: readonly { id: string; final: ProbeFinal }[]) => void;

  constructor(db: Database.Database) {
    const sql = (this.#sql = writeStatements(db));
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
