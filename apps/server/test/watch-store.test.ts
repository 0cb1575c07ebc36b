// Watch storage (migration 2): a database written before watches existed opens, keeps its probes
// and gains the tables; a run is evaluated once, its state and deliveries in one transaction;
// deleting a watch deletes its runs and deliveries but never its probes; delivery ids are never
// reused (receivers deduplicate on them); the outbox's attempts are recorded as they happen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ProbeStore } from '../src/storage/probe-store.js';
import { MIGRATIONS, applyMigrations } from '../src/storage/migrations.js';
import { openDatabase } from '../src/storage/open-database.js';
import { WatchStore, type StoredWatch } from '../src/watches/watch-store.js';
import type { NewDelivery } from '../src/watches/delivery-store.js';
import { makeTempDataDir } from './storage/temp-data-dir.js';
import { sampleRequest } from './storage/sample-probes.js';

const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 0, minute)).toISOString();
const watch = (id: string): StoredWatch => ({
  id,
  createdAt: at(0),
  target: '192.0.2.25',
  port: 25,
  suite: 'quick',
  tls: 'auto',
  intervalMinutes: 60,
  paused: false,
  alerts: [{ type: 'webhook', url: 'https://hooks.example.com/x', secret: 'sixteen-chars-secret' }],
  state: { failures: 0 },
  nextRunAt: at(30),
});
const delivery = (watchId: string, probeId: string): NewDelivery => ({
  watchId,
  probeId,
  type: 'webhook',
  destination: 'https://hooks.example.com/x',
  changes: ['verdict'],
  body: '{}',
  signature: 'sha256=00',
  createdAt: at(1),
  nextAttemptAt: at(1),
});

function withStores(run: (probes: ProbeStore, watches: WatchStore) => void): void {
  const temp = makeTempDataDir();
  const probes = ProbeStore.open(temp.dir);
  try {
    run(probes, new WatchStore(probes.connection));
  } finally {
    probes.close();
    temp.remove();
  }
}

test('a database from before watches (schema 1) opens: its probes are kept and the watch tables added', () => {
  const temp = makeTempDataDir();
  try {
    const file = join(temp.dir, 'relayprobe.sqlite');
    const old = openDatabase(file, 'FULL');
    applyMigrations(old, file, MIGRATIONS.slice(0, 1));
    old
      .prepare("INSERT INTO probes (id, created_at, status, target, request, last_seq) VALUES ('old-probe', ?, 'complete', 'mx.example.org', ?, 0)")
      .run(at(0), JSON.stringify(sampleRequest('mx.example.org')));
    old.close();
    const store = ProbeStore.open(temp.dir);
    assert.equal(store.schemaVersion(), 2);
    assert.equal(store.getProbe('old-probe')?.target, 'mx.example.org');
    assert.deepEqual(new WatchStore(store.connection).list(), []);
    assert.equal(store.integrityCheck(), 'ok');
    store.close();
    const raw = new Database(file, { readonly: true });
    const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('watches', 'watch_runs', 'alert_deliveries') ORDER BY name").pluck().all();
    raw.close();
    assert.deepEqual(tables, ['alert_deliveries', 'watch_runs', 'watches']);
  } finally {
    temp.remove();
  }
});

test('a run is evaluated once: state and deliveries commit together, a second evaluation changes nothing', () => {
  withStores((probes, watches) => {
    watches.create(watch('w1'));
    probes.createProbe({ id: 'p1', createdAt: at(2), target: '192.0.2.25', request: sampleRequest('192.0.2.25') });
    watches.startRun('w1', 'p1', true, at(2), at(62));
    assert.deepEqual([watches.get('w1')?.lastRunAt, watches.get('w1')?.nextRunAt], [at(2), at(62)]);
    assert.equal(watches.unevaluatedRuns().length, 1);
    const state = { failures: 0, verdict: { code: 'open' as const, label: 'Open relay' }, reachable: true, probeId: 'p1' };
    assert.equal(watches.finishRun('w1', 'p1', state, [delivery('w1', 'p1')]), true);
    assert.equal(watches.finishRun('w1', 'p1', { failures: 9 }, [delivery('w1', 'p1')]), false);
    assert.deepEqual(watches.get('w1')?.state, state);
    assert.equal(watches.deliveries.ofWatch('w1', 10).length, 1);
    assert.deepEqual(watches.unevaluatedRuns(), []);
    assert.deepEqual(
      watches.runs('w1', 10).map((r) => [r.probeId, r.scheduled, r.status]),
      [['p1', true, 'running']],
    );
  });
});

test('deleting a watch deletes its runs and deliveries, never its probes; delivery ids are not reused', () => {
  withStores((probes, watches) => {
    watches.create(watch('w1'));
    probes.createProbe({ id: 'p1', createdAt: at(2), target: '192.0.2.25', request: sampleRequest('192.0.2.25') });
    watches.startRun('w1', 'p1', false, at(2), undefined);
    watches.finishRun('w1', 'p1', undefined, [delivery('w1', 'p1'), delivery('w1', 'p1')]);
    const ids = watches.deliveries.ofWatch('w1', 10).map((d) => d.id);
    assert.equal(watches.delete('w1'), true);
    assert.equal(watches.delete('w1'), false);
    assert.ok(probes.getProbe('p1'), 'the probe stays');
    assert.equal(watches.finishRun('w1', 'p1', { failures: 0 }, []), false, "a deleted watch's run is gone");
    watches.create(watch('w2'));
    probes.createProbe({ id: 'p2', createdAt: at(3), target: '192.0.2.25', request: sampleRequest('192.0.2.25') });
    watches.startRun('w2', 'p2', false, at(3), undefined);
    watches.finishRun('w2', 'p2', undefined, [delivery('w2', 'p2')]);
    const [next] = watches.deliveries.ofWatch('w2', 10);
    assert.ok(next && next.id > Math.max(...ids), `id ${next?.id} after ${ids.join(', ')}`);
  });
});

test('the outbox: due deliveries in order, attempts recorded, a finished one stays finished', () => {
  withStores((probes, watches) => {
    watches.create(watch('w1'));
    probes.createProbe({ id: 'p1', createdAt: at(2), target: '192.0.2.25', request: sampleRequest('192.0.2.25') });
    watches.startRun('w1', 'p1', false, at(2), undefined);
    watches.finishRun('w1', 'p1', undefined, [delivery('w1', 'p1')]);
    const outbox = watches.deliveries;
    const [d] = outbox.due(at(1), 10);
    assert.ok(d);
    assert.deepEqual(outbox.due(at(0), 10), [], 'not due before its time');
    assert.equal(outbox.recordAttempt(d.id, { status: 'pending', at: at(1), retryAt: at(5), responseStatus: 503, error: 'HTTP 503' }), true);
    assert.equal(outbox.nextDueAt(), at(5));
    assert.deepEqual(outbox.due(at(4), 10), []);
    assert.equal(outbox.recordAttempt(d.id, { status: 'delivered', at: at(5), responseStatus: 200 }), true);
    assert.equal(outbox.recordAttempt(d.id, { status: 'failed', at: at(6), error: 'late' }), false, 'delivered is final');
    assert.deepEqual([outbox.get(d.id)?.status, outbox.get(d.id)?.attempts, outbox.get(d.id)?.error, outbox.nextDueAt()], ['delivered', 2, undefined, undefined]);
  });
});
