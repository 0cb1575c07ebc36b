// What the manager does when storage fails under a running probe (a full disk, a closed
// database): event writes retry at a slow pace instead of on every event, and viewers are closed
// with 1011 (so they reconnect and read what storage holds) instead of being left hanging.
// The failure is real: the SQLite store is closed while a probe against a slow target runs.
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

test('storage failing mid-probe: slow retries, viewers closed with 1011', async () => {
  const target = await startProfile('postfix-closed', { latencyMs: 60 });
  const { dir, remove } = makeTempDataDir();
  const store = ProbeStore.open(dir);
  const errors: string[] = [];
  const log = { error: (_o: unknown, msg: string) => errors.push(msg), warn() {}, info() {}, debug() {}, trace() {}, fatal() {}, child() { return log; } } as unknown as FastifyBaseLogger;
  const loaded = loadConfig({ ...TEST_ENV, RELAYPROBE_DATA_DIR: dir });
  assert.ok(loaded.ok);
  const manager = new ProbeManager({ store, config: loaded.config, metrics: new Metrics(), log, resolver: noDns, linkTo: (id) => `/r/${id}` });
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
    while (!closed && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(closed, { code: 1011, reason: 'the result could not be stored' });
    assert.ok(!messages.some((m) => m.type === 'done'), 'no done without a final commit');
    const eventFailures = errors.filter((m) => m.startsWith('storing events failed')).length;
    // Events arrive every few ms; retries wait a second, so failures stay few.
    assert.ok(eventFailures >= 1 && eventFailures <= 30, `${eventFailures} failed event writes`);
    assert.ok(errors.includes('storing the final result failed'));
    assert.ok(messages.filter((m) => m.type === 'event').length > 30, 'the probe went on after storage failed');
  } finally {
    await target.close();
    remove();
  }
});
