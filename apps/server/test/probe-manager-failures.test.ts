// What the manager does when storage fails under a running probe and never comes back (the
// database closed under it): event writes and the final state are retried with backoff instead of
// on every event, nothing is dropped and no `done` is sent without a final commit; the viewer stays
// attached meanwhile, and only a shutdown that gives up on the final state closes it, with 1012
// "server restarting, reconnect" (it then reads what storage holds). A full disk that frees up
// again is storage-full.test.ts. The failure is real: the SQLite store is closed mid-probe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startProfile } from '@relayprobe/testkit';
import type { ServerMessage } from '@relayprobe/contracts';
import type { FastifyBaseLogger } from 'fastify';
import { ProbeManager } from '../src/probes/probe-manager.js';
import type { Watching } from '../src/probes/viewer-hub.js';
import { ProbeStore } from '../src/storage/probe-store.js';
import { Metrics } from '../src/metrics.js';
import { loadConfig } from '../src/config.js';
import { makeTempDataDir } from './storage/temp-data-dir.js';
import { noDns, TEST_ENV } from './helpers/server-under-test.js';

test('storage failing mid-probe for good: slow retries, no done, and at shutdown a 1012 that says reconnect', async () => {
  const target = await startProfile('postfix-closed', { latencyMs: 60 });
  const { dir, remove } = makeTempDataDir();
  const store = ProbeStore.open(dir);
  const errors: string[] = [];
  const log = {
    error: (_o: unknown, msg: string) => errors.push(msg),
    warn() {},
    info() {},
    debug() {},
    trace() {},
    fatal() {},
    child() {
      return log;
    },
  } as unknown as FastifyBaseLogger;
  const loaded = loadConfig({ ...TEST_ENV, RELAYPROBE_DATA_DIR: dir });
  assert.ok(loaded.ok);
  const manager = new ProbeManager({ store, config: loaded.config, metrics: new Metrics(), log, resolver: noDns, linkTo: (id) => `/r/${id}`, storageRetryMs: 100 });
  try {
    const started = await manager.start({ target: '127.0.0.1', port: target.port, suite: 'standard' });
    assert.ok(started.ok);
    const messages: ServerMessage[] = [];
    let closed: { code: number; reason: string } | undefined;
    // A viewer that reads everything at once (probes/viewer-hub.ts's Viewer).
    let watching: Watching | undefined;
    // eslint-disable-next-line prefer-const -- a receipt asked while watch() runs must see undefined, not the temporal dead zone
    watching = manager.watch(started.id, 0, {
      send: (data, written) => (messages.push(JSON.parse(data.toString()) as ServerMessage), written()),
      bufferedBytes: 0,
      askReceipt: (offset) => watching?.readUpTo(offset),
      close: (code, reason) => (closed = { code, reason }),
      drop: (reason) => assert.fail(`a viewer that reads was dropped: ${reason}`),
    });
    await new Promise((r) => setTimeout(r, 300));
    store.close(); // every write from now on fails
    const until = Date.now() + 20_000;
    while (!messages.some((m) => m.type === 'event' && m.event.type === 'verdict') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.ok(
      messages.some((m) => m.type === 'event' && m.event.type === 'verdict'),
      'the probe went on to its verdict after storage failed',
    );
    assert.ok(messages.filter((m) => m.type === 'event').length > 30);
    assert.equal(closed, undefined, 'the viewer stays attached while the final state waits');
    assert.ok(!messages.some((m) => m.type === 'done'), 'no done without a final commit');
    assert.match(manager.storageProblem ?? '', /database connection is not open/);
    const refused = await manager.start({ target: '127.0.0.1', port: target.port, suite: 'quick' });
    assert.deepEqual(refused.ok ? undefined : [refused.status, refused.code], [503, 'storage-unavailable']);

    await manager.shutdown(0);
    assert.deepEqual(closed, { code: 1012, reason: 'server restarting, reconnect' });
    assert.ok(!messages.some((m) => m.type === 'done'));
    const failures = errors.filter((m) => m.startsWith('storing to the database failed')).length;
    // Events arrive every few ms; retries wait 100 ms, then twice as long each time: failures stay few.
    assert.ok(failures >= 1 && failures <= 40, `${failures} failed writes`);
    assert.ok(errors.some((m) => m.startsWith('the final result could not be stored before shutdown')));
  } finally {
    await target.close();
    remove();
  }
});
