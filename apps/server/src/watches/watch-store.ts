// Watches, their runs and their alert deliveries in the service's one SQLite connection (the
// tables of migration 2). Each write is one transaction; the one that matters most is finishRun:
// a run's evaluation, the watch's new state and the deliveries it causes commit together, so an
// alert is never lost (state moved on, no delivery) nor sent twice (delivery stored, state not).
import type Database from 'better-sqlite3';
import type { AlertType, Suite, TlsMode, WatchState } from '@relayprobe/contracts';
import { DeliveryReads, type NewDelivery } from './delivery-store.js';

/** One alert channel as stored: with its secret. */
export interface StoredAlert {
  type: AlertType;
  url?: string;
  to?: string;
  secret?: string;
}

/** A watch as stored. */
export interface StoredWatch {
  id: string;
  createdAt: string;
  target: string;
  port: number;
  suite: Suite;
  tls: TlsMode;
  intervalMinutes: number;
  paused: boolean;
  alerts: StoredAlert[];
  state: WatchState;
  nextRunAt?: string;
  lastRunAt?: string;
}

/** One run, with what its probe row says now. */
export interface StoredRun {
  watchId: string;
  probeId: string;
  scheduled: boolean;
  startedAt: string;
  evaluated: boolean;
  status: 'running' | 'complete' | 'interrupted';
  verdict?: { code: string; label: string };
  finishedAt?: string;
}

/** The fields PATCH may change. */
export type WatchChanges = Partial<Pick<StoredWatch, 'paused' | 'intervalMinutes' | 'suite' | 'tls' | 'alerts'>> & { nextRunAt?: string | null };

interface WatchRow {
  id: string;
  created_at: string;
  target: string;
  port: number;
  suite: string;
  tls: string;
  interval_minutes: number;
  paused: number;
  alerts: string;
  state: string;
  next_run_at: string | null;
  last_run_at: string | null;
}

interface RunRow {
  watch_id: string;
  probe_id: string;
  scheduled: number;
  started_at: string;
  evaluated: number;
  status: string;
  verdict_code: string | null;
  verdict_label: string | null;
  finished_at: string | null;
}

function toWatch(row: WatchRow): StoredWatch {
  const watch: StoredWatch = {
    id: row.id,
    createdAt: row.created_at,
    target: row.target,
    port: row.port,
    suite: row.suite as Suite,
    tls: row.tls as TlsMode,
    intervalMinutes: row.interval_minutes,
    paused: row.paused === 1,
    alerts: JSON.parse(row.alerts) as StoredAlert[],
    state: JSON.parse(row.state) as WatchState,
  };
  if (row.next_run_at !== null) watch.nextRunAt = row.next_run_at;
  if (row.last_run_at !== null) watch.lastRunAt = row.last_run_at;
  return watch;
}

function toRun(row: RunRow): StoredRun {
  const run: StoredRun = {
    watchId: row.watch_id,
    probeId: row.probe_id,
    scheduled: row.scheduled === 1,
    startedAt: row.started_at,
    evaluated: row.evaluated === 1,
    status: row.status as StoredRun['status'],
  };
  if (row.verdict_code !== null && row.verdict_label !== null) run.verdict = { code: row.verdict_code, label: row.verdict_label };
  if (row.finished_at !== null) run.finishedAt = row.finished_at;
  return run;
}

const RUN_COLUMNS = 'r.watch_id, r.probe_id, r.scheduled, r.started_at, r.evaluated, p.status, p.verdict_code, p.verdict_label, p.finished_at';

function statements(db: Database.Database) {
  return {
    insert: db.prepare(`INSERT INTO watches (id, created_at, target, port, suite, tls, interval_minutes, paused, alerts, state, next_run_at)
      VALUES (@id, @createdAt, @target, @port, @suite, @tls, @intervalMinutes, @paused, @alerts, @state, @nextRunAt)`),
    select: db.prepare<[string], WatchRow>('SELECT * FROM watches WHERE id = ?'),
    list: db.prepare<[], WatchRow>('SELECT * FROM watches ORDER BY created_at, id'),
    remove: db.prepare<[string]>('DELETE FROM watches WHERE id = ?'),
    update: db.prepare(`UPDATE watches SET paused = @paused, interval_minutes = @intervalMinutes, suite = @suite, tls = @tls, alerts = @alerts,
      next_run_at = @nextRunAt WHERE id = @id`),
    setNext: db.prepare<[string | null, string]>('UPDATE watches SET next_run_at = ? WHERE id = ?'),
    insertRun: db.prepare<[string, string, number, string]>('INSERT INTO watch_runs (watch_id, probe_id, scheduled, started_at) VALUES (?, ?, ?, ?)'),
    ranAt: db.prepare<[string, string | null, string]>('UPDATE watches SET last_run_at = ?, next_run_at = ? WHERE id = ?'),
    evaluate: db.prepare<[string, string]>('UPDATE watch_runs SET evaluated = 1 WHERE watch_id = ? AND probe_id = ? AND evaluated = 0'),
    setState: db.prepare<[string, string]>('UPDATE watches SET state = ? WHERE id = ?'),
    runs: db.prepare<[string, number], RunRow>(`SELECT ${RUN_COLUMNS} FROM watch_runs r JOIN probes p ON p.id = r.probe_id WHERE r.watch_id = ? ORDER BY r.started_at DESC, r.rowid DESC LIMIT ?`),
    unevaluated: db.prepare<[], RunRow>(`SELECT ${RUN_COLUMNS} FROM watch_runs r JOIN probes p ON p.id = r.probe_id WHERE r.evaluated = 0 ORDER BY r.started_at, r.rowid`),
    run: db.prepare<[string, string], RunRow>(`SELECT ${RUN_COLUMNS} FROM watch_runs r JOIN probes p ON p.id = r.probe_id WHERE r.watch_id = ? AND r.probe_id = ?`),
  };
}

/** Stored watches, runs and deliveries. */
export class WatchStore {
  readonly deliveries: DeliveryReads;
  readonly #sql: ReturnType<typeof statements>;
  readonly #finishTx: (watchId: string, probeId: string, state: WatchState | undefined, deliveries: readonly NewDelivery[]) => boolean;
  readonly #startTx: (watchId: string, probeId: string, scheduled: boolean, startedAt: string, nextRunAt: string | undefined) => void;

  constructor(db: Database.Database) {
    const sql = (this.#sql = statements(db));
    this.deliveries = new DeliveryReads(db);
    this.#startTx = db.transaction((watchId: string, probeId: string, scheduled: boolean, startedAt: string, nextRunAt: string | undefined) => {
      sql.insertRun.run(watchId, probeId, scheduled ? 1 : 0, startedAt);
      sql.ranAt.run(startedAt, nextRunAt ?? null, watchId);
    });
    this.#finishTx = db.transaction((watchId: string, probeId: string, state: WatchState | undefined, deliveries: readonly NewDelivery[]) => {
      // Evaluated once: a second evaluation (a restart racing a late "done") changes nothing.
      if (sql.evaluate.run(watchId, probeId).changes !== 1) return false;
      if (state) sql.setState.run(JSON.stringify(state), watchId);
      for (const delivery of deliveries) this.deliveries.insert(delivery);
      return true;
    });
  }

  create(watch: StoredWatch): void {
    this.#sql.insert.run({ ...this.#row(watch), createdAt: watch.createdAt, target: watch.target, port: watch.port, state: JSON.stringify(watch.state) });
  }

  get(id: string): StoredWatch | undefined {
    const row = this.#sql.select.get(id);
    return row ? toWatch(row) : undefined;
  }

  /** Every watch, oldest first. */
  list(): StoredWatch[] {
    return this.#sql.list.all().map(toWatch);
  }

  /** Apply PATCH fields; false when there is no such watch. */
  update(id: string, changes: WatchChanges): StoredWatch | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const next: StoredWatch = { ...current, ...changes, nextRunAt: undefined };
    const nextRunAt = changes.nextRunAt === undefined ? current.nextRunAt : (changes.nextRunAt ?? undefined);
    if (nextRunAt !== undefined) next.nextRunAt = nextRunAt;
    this.#sql.update.run(this.#row(next));
    return next;
  }

  /** Delete a watch with its runs and deliveries (its probes stay); false when there was none. */
  delete(id: string): boolean {
    return this.#sql.remove.run(id).changes === 1;
  }

  setNextRun(id: string, at: string | undefined): void {
    this.#sql.setNext.run(at ?? null, id);
  }

  /** A run started: its row, the watch's last and next run, in one transaction. */
  startRun(watchId: string, probeId: string, scheduled: boolean, startedAt: string, nextRunAt: string | undefined): void {
    this.#startTx(watchId, probeId, scheduled, startedAt, nextRunAt);
  }

  /**
   * A run was evaluated: mark it, store the new state (when it changed) and the deliveries, in one
   * transaction. False when the run was already evaluated or is gone (its watch was deleted).
   */
  finishRun(watchId: string, probeId: string, state: WatchState | undefined, deliveries: readonly NewDelivery[]): boolean {
    return this.#finishTx(watchId, probeId, state, deliveries);
  }

  /** The latest runs of a watch, newest first. */
  runs(watchId: string, limit: number): StoredRun[] {
    return this.#sql.runs.all(watchId, limit).map(toRun);
  }

  run(watchId: string, probeId: string): StoredRun | undefined {
    const row = this.#sql.run.get(watchId, probeId);
    return row ? toRun(row) : undefined;
  }

  /** Runs not yet evaluated (in progress, or left so by a crash), oldest first. */
  unevaluatedRuns(): StoredRun[] {
    return this.#sql.unevaluated.all().map(toRun);
  }

  #row(watch: StoredWatch) {
    return {
      id: watch.id,
      suite: watch.suite,
      tls: watch.tls,
      intervalMinutes: watch.intervalMinutes,
      paused: watch.paused ? 1 : 0,
      alerts: JSON.stringify(watch.alerts),
      nextRunAt: watch.nextRunAt ?? null,
    };
  }
}
