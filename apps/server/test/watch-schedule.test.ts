// The watch scheduler in the running service, on a clock the test moves (issue 14, "Tests"): a
// restart in the middle of an interval keeps the slot; a slot missed while the service was down
// runs once at start, not once per missed slot; a run interrupted by a shutdown runs again at
// start; a watch deleted while it runs leaves an ordinary result and no alert; scheduled runs are
// marked so, obey the per-target limits (deferred, then run) and feed the per-watch gauges.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProfile } from '@relayprobe/testkit';
import type { WatchDocument } from '@relayprobe/contracts';
import { postProbe, startTestServer, waitForResult, type TestServer } from './helpers/server-under-test.js';
import { api, startWebhookReceiver } from './helpers/watch-fixtures.js';
import { metricValue } from './helpers/api-reading.js';
import { fakeClock, until, type FakeClock } from './helpers/fake-clock.js';

const HOUR = 3_600_000;
const closed = await startProfile('postfix-closed', { tls: 'valid' });
const slow = await startProfile('postfix-closed', { latencyMs: 150 });
const receiver = await startWebhookReceiver();
const dataDir = mkdtempSync(join(tmpdir(), 'relayprobe-watch-schedule-'));
after(async () => {
  for (const server of open) await server.close();
  await Promise.all([closed.close(), slow.close(), receiver.close()]);
  rmSync(dataDir, { recursive: true, force: true });
});

const open = new Set<TestServer>();
/** A server on the shared data directory; whatever a failed test left open is closed before the next starts. */
async function start(clock: FakeClock, env: Record<string, string> = {}): Promise<TestServer> {
  for (const server of open) await server.close();
  open.clear();
  const server = await startTestServer({ RELAYPROBE_DATA_DIR: dataDir, RELAYPROBE_ALLOW_WEBHOOKS: '127.0.0.0/8', ...env }, { watchClock: clock });
  open.add(server);
  return server;
}
const getWatch = async (server: TestServer, id: string): Promise<WatchDocument> => (await api(server.base, 'GET', `/api/v1/watches/${id}`)).body as WatchDocument;
const create = async (server: TestServer, port: number, intervalMinutes = 60) =>
  (
    await api(server.base, 'POST', '/api/v1/watches', {
      target: '127.0.0.1',
      port,
      suite: 'quick',
      intervalMinutes,
      alerts: [{ type: 'webhook', url: `${receiver.base}/hook`, secret: 'schedule-test-secret' }],
    })
  ).body.id as string;
/** Wait until the watch has `runs` runs, the newest evaluated; returns it. */
async function evaluatedRuns(server: TestServer, id: string, runs: number): Promise<WatchDocument> {
  let watch = await getWatch(server, id);
  await until(async () => {
    watch = await getWatch(server, id);
    return watch.history.length === runs && watch.history[0]?.status !== 'running' && watch.state.probeId === watch.history[0]?.probeId;
  }, `${runs} evaluated runs`);
  return watch;
}

test('restart mid-interval keeps the slot; a slot missed while down runs once at start; the next one follows', async () => {
  const clock = fakeClock(Date.parse('2030-03-01T00:00:00.000Z'));
  let server = await start(clock);
  const id = await create(server, closed.port);
  const slot = Date.parse((await getWatch(server, id)).nextRunAt ?? '');
  assert.ok(slot >= clock.now() && slot < clock.now() + HOUR);
  await server.close();

  // Back before the slot: nothing runs at start, the slot is the same.
  clock.set(slot - 1);
  server = await start(clock);
  let watch = await getWatch(server, id);
  assert.deepEqual([watch.history.length, watch.nextRunAt], [0, new Date(slot).toISOString()]);
  clock.set(slot);
  watch = await evaluatedRuns(server, id, 1);
  assert.equal(watch.history[0]?.scheduled, true, 'marked as scheduled');
  assert.equal(watch.state.verdict?.code, 'closed');
  assert.equal(watch.nextRunAt, new Date(slot + HOUR).toISOString());
  await server.close();

  // Down for three slots: one run at start, then the first slot after it.
  clock.set(slot + 3 * HOUR + 600_000);
  server = await start(clock);
  watch = await evaluatedRuns(server, id, 2);
  assert.equal(watch.nextRunAt, new Date(slot + 4 * HOUR).toISOString());
  assert.equal((await getWatch(server, id)).history.length, 2, 'once, not once per missed slot');
  clock.set(slot + 4 * HOUR);
  await evaluatedRuns(server, id, 3);

  // The per-watch gauges.
  const exposition = await (await fetch(`${server.base}/metrics`)).text();
  const labels = `watch="${id}",target="127.0.0.1:${closed.port}"`;
  assert.equal(metricValue(exposition, `relayprobe_watch_verdict{${labels},verdict="closed"}`), 1);
  assert.equal(metricValue(exposition, `relayprobe_watch_last_run_timestamp_seconds{${labels}}`), (slot + 4 * HOUR) / 1000);
  const days = metricValue(exposition, `relayprobe_watch_certificate_days_left{${labels}}`);
  assert.ok(days !== undefined && days > 14, `certificate days left: ${days}`);
  await api(server.base, 'DELETE', `/api/v1/watches/${id}`);
  await server.close();
});

test('a run interrupted by a shutdown runs again at the next start', async () => {
  const clock = fakeClock(Date.parse('2030-04-01T00:00:00.000Z'));
  let server = await start(clock, { RELAYPROBE_SHUTDOWN_GRACE: '0' });
  const id = await create(server, slow.port);
  const probeId = (await api(server.base, 'POST', `/api/v1/watches/${id}/run`)).body.probeId as string;
  await until(async () => (await getWatch(server, id)).runningProbeId === probeId, 'the run is going');
  await server.close();
  server = await start(clock);
  let watch = await getWatch(server, id);
  await until(async () => (watch = await getWatch(server, id)).history.length === 2, 'a run at start');
  assert.equal(watch.history[1]?.status, 'interrupted');
  assert.equal(watch.history[0]?.scheduled, true);
  await evaluatedRuns(server, id, 2);
  await api(server.base, 'DELETE', `/api/v1/watches/${id}`);
  await server.close();
});

test('a watch deleted while it runs: the probe finishes as an ordinary result, no alert, nothing breaks', async () => {
  const clock = fakeClock(Date.parse('2030-05-01T00:00:00.000Z'));
  const server = await start(clock);
  const id = await create(server, slow.port);
  const before = receiver.requests.length;
  const probeId = (await api(server.base, 'POST', `/api/v1/watches/${id}/run`)).body.probeId as string;
  assert.equal((await api(server.base, 'DELETE', `/api/v1/watches/${id}`)).status, 204);
  const result = await waitForResult(server.base, probeId);
  assert.equal(result.status, 'complete');
  assert.equal(result.verdict?.code, 'closed');
  assert.equal((await api(server.base, 'GET', `/api/v1/watches/${id}`)).status, 404);
  // The service goes on: another watch of the same server runs and is evaluated.
  const other = await create(server, slow.port);
  await api(server.base, 'POST', `/api/v1/watches/${other}/run`);
  await evaluatedRuns(server, other, 1);
  assert.equal(receiver.requests.length, before);
  await api(server.base, 'DELETE', `/api/v1/watches/${other}`);
  await server.close();
});

test('per-target limits: a scheduled run of a busy server is deferred a minute, then runs', async () => {
  const clock = fakeClock(Date.parse('2030-06-01T00:00:00.000Z'));
  const server = await start(clock);
  const id = await create(server, slow.port);
  // A visitor's probe of the same server is running.
  const visitor = await postProbe(server.base, { target: '127.0.0.1', port: slow.port, suite: 'quick' });
  assert.equal(visitor.status, 201);
  // "Run now" is refused while it runs, like any probe of a busy server.
  const refused = await api(server.base, 'POST', `/api/v1/watches/${id}/run`);
  assert.equal(refused.status, 429);
  assert.equal(refused.body.error.code, 'target-busy');
  // The watch's slot comes while the server is busy: deferred by a minute, shown as its next run.
  const slot = Date.parse((await getWatch(server, id)).nextRunAt ?? '');
  clock.set(slot);
  await until(async () => (await getWatch(server, id)).nextRunAt === new Date(slot + 60_000).toISOString(), 'the deferral is shown as the next run');
  assert.equal((await getWatch(server, id)).history.length, 0);
  await waitForResult(server.base, visitor.body.id as string);
  clock.advance(60_000);
  const watch = await evaluatedRuns(server, id, 1);
  assert.equal(watch.history[0]?.scheduled, true);
  assert.equal(watch.nextRunAt, new Date(slot + HOUR).toISOString(), 'then back on its slots');
  await server.close();
});
