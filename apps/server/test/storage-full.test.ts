// A full disk (issue 12, item 4): "database or disk is full" used to drop finished results (rows
// left `running` for good), send viewers `done` with status running, and leave health at ok. Now
// the final state stays in memory and is retried with backoff until it is stored; new probes are
// refused with 503 storage-unavailable meanwhile; health says `degraded` with the reason; the
// viewer gets `done` only after the final commit. The failure is SQLite's own SQLITE_FULL: the
// real database file is capped at its size (max_page_count) while a probe runs, then freed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { closedPort, startScriptedServer, type ServerHandle } from '@relayprobe/testkit';
import type { ProbeStore } from '../src/storage/probe-store.js';
import { postProbe, startTestServer } from './helpers/server-under-test.js';
import { fetchJson } from './helpers/api-reading.js';
import { openViewer } from './helpers/security-ws-client.js';

const BOUND_MS = 20_000;
const logs: string[] = [];
let store: ProbeStore | undefined;
const server = await startTestServer({ RELAYPROBE_LOG_LEVEL: 'info' }, { storeOpened: (opened) => (store = opened), storageRetryMs: 50, logStream: { write: (line) => void logs.push(line) } });

// A mail server that stops at the first MAIL FROM until the test opens the gate, and refuses every
// relay with a long reply, so the final result is larger than a database page (it needs new pages).
let reachedGate!: () => void;
const atGate = new Promise<void>((resolve) => (reachedGate = resolve));
let openGate!: () => void;
const gate = new Promise<void>((resolve) => (openGate = resolve));
const target: ServerHandle = await startScriptedServer(async (peer) => {
  peer.write('220 gate.relayprobe.test ESMTP\r\n');
  for (let line = await peer.readLine(); line !== null; line = await peer.readLine()) {
    const verb = line.slice(0, 4).toUpperCase();
    if (verb === 'QUIT') {
      peer.write('221 2.0.0 Bye\r\n');
      return peer.end();
    }
    if (verb === 'MAIL') {
      reachedGate();
      await gate;
    }
    peer.write(verb === 'RCPT' ? `554 5.7.1 Relay access denied ${'because this server is not an open relay '.repeat(8).trim()}\r\n` : '250 2.0.0 Ok\r\n');
  }
});
after(async () => {
  openGate();
  await target.close();
  await server.close();
});

const health = async () => (await fetchJson(`${server.base}/api/v1/health`)).body as { status: string; reason?: string };
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (const bound = Date.now() + BOUND_MS; !(await condition()); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > bound) assert.fail(`still waiting after ${BOUND_MS} ms: ${what}`);
  }
}

test('a full disk: the final state waits in memory, new probes get 503, health is degraded; once there is room, it is stored and then done', async () => {
  assert.deepEqual(await health(), { ...(await health()), status: 'ok' });
  const created = await postProbe(server.base, { target: '127.0.0.1', port: target.port, suite: 'quick' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id as string;
  const viewer = await openViewer(`${server.wsBase}/api/v1/probes/${id}/events`);

  await atGate;
  assert.ok(store, 'the test holds the store');
  store.capSize(true); // every write that needs a new page now fails with SQLITE_FULL
  openGate();

  await until(async () => (await health()).status === 'degraded', 'health says degraded');
  const degraded = await health();
  assert.match(degraded.reason ?? '', /database or disk is full/);
  // The probe has finished its session (its verdict event was streamed) but is not stored: no done.
  await until(async () => viewer.messages.some((m) => m.type === 'event' && m.event.type === 'verdict'), 'the verdict event');
  assert.ok(!viewer.messages.some((m) => m.type === 'done'), 'no done before the final commit');
  const running = await fetchJson(`${server.base}/api/v1/probes/${id}`);
  assert.equal(running.body.status, 'running', 'the stored state is still running, and the API says so');

  const refused = await postProbe(server.base, { target: '127.0.0.1', port: await closedPort(), suite: 'quick' });
  assert.equal(refused.status, 503, JSON.stringify(refused.body));
  assert.equal(refused.body.error.code, 'storage-unavailable');
  assert.match(refused.body.error.message, /database or disk is full/);

  store.capSize(false); // room again: the next retry stores the final state
  const closed = await viewer.closed;
  assert.equal(closed.code, 1000);
  assert.deepEqual(viewer.messages.at(-1), { type: 'done', status: 'complete', verdict: { code: 'closed', label: 'Not an open relay' } });
  assert.equal((await health()).status, 'ok');
  const stored = await fetchJson(`${server.base}/api/v1/probes/${id}`);
  assert.equal(stored.body.status, 'complete');
  assert.equal(stored.body.events.at(-1).type, 'verdict');
  const again = await postProbe(server.base, { target: '127.0.0.1', port: await closedPort(), suite: 'quick' });
  assert.equal(again.status, 201, 'new probes are accepted again');

  const lines = logs.map((line) => JSON.parse(line) as { msg: string });
  const failures = lines.filter((l) => l.msg.startsWith('storing to the database failed')).length;
  assert.ok(failures >= 1 && failures <= 20, `failed writes are retried with backoff, not in a loop: ${failures}`);
  assert.ok(lines.some((l) => l.msg.startsWith('storing to the database works again')));
});
