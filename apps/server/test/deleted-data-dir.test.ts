// A data directory deleted (or replaced) under a running server (issue 12, item 5): SQLite keeps
// writing to the deleted file through its open descriptor, so the server went on acknowledging
// probes whose results a restart then lost (404 for links already handed out). The database file's
// device and inode are checked periodically and before every 201: once the file is gone or another
// one stands in its place, new probes are refused with 503 storage-unavailable, health says
// `degraded` with the reason, and the log says so once, clearly.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { closedPort } from '@relayprobe/testkit';
import { ProbeStore } from '../src/storage/probe-store.js';
import { postProbe, startTestServer, waitForResult, type TestServer } from './helpers/server-under-test.js';
import { fetchJson } from './helpers/api-reading.js';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function loggingServer(): Promise<{ server: TestServer; lines: () => { msg: string; level: number }[] }> {
  const logs: string[] = [];
  const server = await startTestServer({ RELAYPROBE_LOG_LEVEL: 'info' }, { logStream: { write: (line) => void logs.push(line) } });
  servers.push(server);
  return { server, lines: () => logs.map((line) => JSON.parse(line) as { msg: string; level: number }) };
}
const probe = async () => ({ target: '127.0.0.1', port: await closedPort(), suite: 'quick' as const });

/** Storage is reported broken: health degraded with `reason`, and a new probe refused with it. */
async function assertRefusing(server: TestServer, reason: RegExp): Promise<void> {
  const health = await fetchJson(`${server.base}/api/v1/health`);
  assert.equal(health.status, 200);
  assert.equal(health.body.status, 'degraded');
  assert.match(health.body.reason, reason);
  const refused = await postProbe(server.base, await probe());
  assert.equal(refused.status, 503, JSON.stringify(refused.body));
  assert.equal(refused.body.error.code, 'storage-unavailable');
  assert.match(refused.body.error.message, reason);
}

test('the data directory deleted: new probes are refused, health is degraded, the log says it once', async () => {
  const { server, lines } = await loggingServer();
  const before = await postProbe(server.base, await probe());
  assert.equal(before.status, 201);
  await waitForResult(server.base, before.body.id);

  rmSync(server.dataDir, { recursive: true, force: true });
  const refused = await postProbe(server.base, await probe());
  assert.equal(refused.status, 503, `no 201 for a probe whose row went to a deleted file: ${JSON.stringify(refused.body)}`);
  assert.equal(refused.body.error.code, 'storage-unavailable');
  await assertRefusing(server, /relayprobe\.sqlite was deleted/);
  // Recreating the directory does not bring the old file back: still refused.
  mkdirSync(server.dataDir);
  await assertRefusing(server, /relayprobe\.sqlite was deleted/);

  const said = lines().filter((l) => /the database file .*relayprobe\.sqlite was deleted/.test(l.msg));
  assert.equal(said.length, 1, 'one clear line, not one per request');
  assert.equal(said[0]?.level, 50, 'at level error');
  assert.match(said[0]?.msg ?? '', /restart relayprobe/);
});

test('the database file replaced by another one: refused the same way', async () => {
  const { server } = await loggingServer();
  rmSync(server.dataDir, { recursive: true, force: true });
  ProbeStore.open(server.dataDir).close(); // a new, empty database where the old one was
  await assertRefusing(server, /relayprobe\.sqlite was replaced/);
});
