// The alert outbox (alert_deliveries, migration 2): one row per alert per channel, with the exact
// bytes to send. A row is `pending` with a next attempt time until it is `delivered` or `failed`
// (the table's CHECK keeps the two in step); attempts and the last answer are kept for the page.
import type Database from 'better-sqlite3';
import type { AlertType, WatchChangeKind } from '@relayprobe/contracts';

/** A delivery to store (WatchStore.finishRun writes them with the run's evaluation). */
export interface NewDelivery {
  watchId: string;
  probeId: string;
  type: AlertType;
  /** The full URL or e-mail address (the API shows it shortened). */
  destination: string;
  changes: WatchChangeKind[];
  /** What goes on the wire: the JSON body, or for e-mail `{ subject, text }` as JSON. */
  body: string;
  /** `sha256=<hex>` of the body, for signed webhooks. */
  signature?: string;
  createdAt: string;
  nextAttemptAt: string;
}

export interface StoredDelivery extends Omit<NewDelivery, 'nextAttemptAt'> {
  id: number;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt?: string;
  lastAttemptAt?: string;
  responseStatus?: number;
  error?: string;
}

/** The outcome of one attempt: delivered, failed for good, or to be retried at `retryAt`. */
export type AttemptRecord =
  | { status: 'delivered'; at: string; responseStatus?: number }
  | { status: 'failed'; at: string; responseStatus?: number; error: string }
  | { status: 'pending'; at: string; retryAt: string; responseStatus?: number; error: string };

interface DeliveryRow {
  id: number;
  watch_id: string;
  probe_id: string;
  type: string;
  destination: string;
  changes: string;
  body: string;
  signature: string | null;
  status: string;
  attempts: number;
  created_at: string;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  response_status: number | null;
  error: string | null;
}

function toDelivery(row: DeliveryRow): StoredDelivery {
  const d: StoredDelivery = {
    id: row.id,
    watchId: row.watch_id,
    probeId: row.probe_id,
    type: row.type as AlertType,
    destination: row.destination,
    changes: JSON.parse(row.changes) as WatchChangeKind[],
    body: row.body,
    status: row.status as StoredDelivery['status'],
    attempts: row.attempts,
    createdAt: row.created_at,
  };
  if (row.signature !== null) d.signature = row.signature;
  if (row.next_attempt_at !== null) d.nextAttemptAt = row.next_attempt_at;
  if (row.last_attempt_at !== null) d.lastAttemptAt = row.last_attempt_at;
  if (row.response_status !== null) d.responseStatus = row.response_status;
  if (row.error !== null) d.error = row.error;
  return d;
}

function statements(db: Database.Database) {
  return {
    insert: db.prepare(`INSERT INTO alert_deliveries (watch_id, probe_id, type, destination, changes, body, signature, status, created_at, next_attempt_at)
      VALUES (@watchId, @probeId, @type, @destination, @changes, @body, @signature, 'pending', @createdAt, @nextAttemptAt)`),
    select: db.prepare<[number], DeliveryRow>('SELECT * FROM alert_deliveries WHERE id = ?'),
    due: db.prepare<[string, number], DeliveryRow>("SELECT * FROM alert_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?"),
    nextDue: db.prepare<[], string>("SELECT MIN(next_attempt_at) FROM alert_deliveries WHERE status = 'pending'").pluck(),
    ofWatch: db.prepare<[string, number], DeliveryRow>('SELECT * FROM alert_deliveries WHERE watch_id = ? ORDER BY id DESC LIMIT ?'),
    attempt: db.prepare(`UPDATE alert_deliveries SET status = @status, attempts = attempts + 1, last_attempt_at = @at, next_attempt_at = @retryAt,
      response_status = @responseStatus, error = @error WHERE id = @id AND status = 'pending'`),
  };
}

/** Reads and writes of the outbox. */
export class DeliveryReads {
  readonly #sql: ReturnType<typeof statements>;

  constructor(db: Database.Database) {
    this.#sql = statements(db);
  }

  /** Store a new pending delivery (inside WatchStore.finishRun's transaction). */
  insert(delivery: NewDelivery): void {
    this.#sql.insert.run({ ...delivery, changes: JSON.stringify(delivery.changes), signature: delivery.signature ?? null });
  }

  get(id: number): StoredDelivery | undefined {
    const row = this.#sql.select.get(id);
    return row ? toDelivery(row) : undefined;
  }

  /** Pending deliveries whose attempt is due at `now`, oldest first. */
  due(now: string, limit: number): StoredDelivery[] {
    return this.#sql.due.all(now, limit).map(toDelivery);
  }

  /** When the earliest pending delivery is due; undefined when none is pending. */
  nextDueAt(): string | undefined {
    return this.#sql.nextDue.get() ?? undefined;
  }

  /** The latest deliveries of a watch, newest first. */
  ofWatch(watchId: string, limit: number): StoredDelivery[] {
    return this.#sql.ofWatch.all(watchId, limit).map(toDelivery);
  }

  /** Record an attempt; false when the row is gone (its watch was deleted) or no longer pending. */
  recordAttempt(id: number, record: AttemptRecord): boolean {
    return (
      this.#sql.attempt.run({
        id,
        status: record.status,
        at: record.at,
        retryAt: record.status === 'pending' ? record.retryAt : null,
        responseStatus: record.responseStatus ?? null,
        error: record.status === 'delivered' ? null : record.error.slice(0, 500),
      }).changes === 1
    );
  }
}
