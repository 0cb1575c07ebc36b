// Graceful shutdown of the server process (SECURITY.md §5 "Nothing lost"): on SIGTERM it stops
// taking probes, lets running ones finish for RELAYPROBE_SHUTDOWN_GRACE seconds, stores the rest
// as `interrupted` with their events, closes the database cleanly and exits 0. The process is the
// real entry point, `node apps/server/dist/server.js`, on a port picked by listening on 0.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startProfile, type ServerHandle } from '@relayprobe/testkit';
import type { ResultDocument } from '@relayprobe/contracts';
import { ProbeStore } from '../src/storage/probe-store.js';
import { TEST_ENV, postProbe } from './helpers/server-under-test.js';
import { startServerProcess, type ServingProcess } from './helpers/server-process.js';
import { makeTempDataDir } from './storage/temp-data-dir.js';

/** Bounds so a broken shutdown cannot hang the run; not timing assertions. */
const START_BOUND_MS = 20_000;
const EXIT_BOUND_MS = 20_000;

const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Start the server process with a fresh data directory unless one is given; resolves once it serves. */
async function startServer(graceSeconds: number, existingDataDir?: string): Promise<{ server: ServingProcess; base: string; dataDir: string }> {
  let dataDir = existingDataDir;
  if (dataDir === undefined) {
    const data = makeTempDataDir();
    cleanups.push(data.remove);
    dataDir = data.dir;
  }
  // Log level info: the "shutting down" line tells the test the server has begun draining.
  const server = await startServerProcess(
    { ...TEST_ENV, RELAYPROBE_DATA_DIR: dataDir, RELAYPROBE_SHUTDOWN_GRACE: String(graceSeconds), RELAYPROBE_LOG_LEVEL: 'info' },
    { startBoundMs: START_BOUND_MS },
  );
  cleanups.push(() => server.kill9());
  return { server, base: server.base, dataDir };
}

async function slowTarget(latencyMs: number): Promise<ServerHandle> {
  const target = await startProfile('postfix-closed', { latencyMs });
  cleanups.push(() => target.close());
  return target;
}

/** GET the result until it has at least one event (the probe is connected and talking). */
async function untilEvents(base: string, id: string): Promise<ResultDocument> {
  for (const until = Date.now() + 10_000; ; await new Promise((r) => setTimeout(r, 25))) {
    const doc = (await (await fetch(`${base}/api/v1/probes/${id}`)).json()) as ResultDocument;
    if (doc.events.length > 0 || doc.status !== 'running' || Date.now() > until) return doc;
  }
}

/** POST a probe over a fresh TCP connection: the answer, or the socket error code when there is none. */
function postOnNewConnection(base: string, body: object): Promise<{ status: number; text: string } | { refused: string }> {
  return new Promise((resolve) => {
    const payload = JSON.stringify(body);
    const req = request(`${base}/api/v1/probes`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let text = '';
      res
        .setEncoding('utf8')
        .on('data', (chunk: string) => (text += chunk))
        .on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ refused: error.code ?? error.message }));
    req.end(payload);
  });
}

/** Open the database the process left behind, read it, close it. */
function readStore<T>(dataDir: string, read: (store: ProbeStore) => T): T {
  const store = ProbeStore.open(dataDir);
  try {
    return read(store);
  } finally {
    store.close();
  }
}

test('SIGTERM during a slow probe: exit 0, the probe stored interrupted with its events, the database sound', async () => {
  const { server, base, dataDir } = await startServer(1);
  const slow = await slowTarget(500);
  const created = await postProbe(base, { target: '127.0.0.1', port: slow.port, suite: 'standard' });
  assert.equal(created.status, 201);
  const id = created.body.id as string;
  const seen = await untilEvents(base, id);
  assert.equal(seen.status, 'running');
  assert.ok(seen.events.length > 0);

  server.child.kill('SIGTERM');
  assert.deepEqual(await server.exited(EXIT_BOUND_MS), { code: 0, signal: null }, server.stderr());

  readStore(dataDir, (store) => {
    assert.equal(store.integrityCheck(), 'ok');
    const row = store.getProbe(id);
    assert.ok(row, 'the probe is stored');
    assert.notEqual(row.status, 'running');
    assert.ok(['interrupted', 'complete'].includes(row.status), row.status);
    assert.ok(row.finishedAt, 'a finish time is stored');
    const events = store.getEvents(id);
    assert.ok(events.length >= seen.events.length, 'every event a client saw was kept');
    assert.deepEqual(events.slice(0, seen.events.length), seen.events);
    assert.deepEqual(
      events.map((e) => e.seq),
      events.map((_, i) => i + 1),
      'no gaps',
    );
  });

  // The link the client was given still works after a restart on the same data.
  const restarted = await startServer(1, dataDir);
  const served = (await (await fetch(`${restarted.base}/api/v1/probes/${id}`)).json()) as ResultDocument;
  assert.ok(served.status === 'interrupted' || served.status === 'complete', served.status);
  assert.deepEqual(served.events.slice(0, seen.events.length), seen.events);
  restarted.server.child.kill('SIGTERM');
  assert.equal((await restarted.server.exited(EXIT_BOUND_MS)).code, 0);
});

test('SIGTERM with a probe that finishes inside the grace period: it is stored complete with its verdict', async () => {
  const { server, base, dataDir } = await startServer(15);
  const slow = await slowTarget(100);
  const created = await postProbe(base, { target: '127.0.0.1', port: slow.port, suite: 'quick' });
  assert.equal(created.status, 201);
  const id = created.body.id as string;
  assert.equal(((await (await fetch(`${base}/api/v1/probes/${id}`)).json()) as ResultDocument).status, 'running');

  server.child.kill('SIGTERM');
  assert.deepEqual(await server.exited(EXIT_BOUND_MS), { code: 0, signal: null }, server.stderr());

  readStore(dataDir, (store) => {
    assert.equal(store.integrityCheck(), 'ok');
    const row = store.getProbe(id);
    assert.equal(row?.status, 'complete');
    assert.deepEqual(row?.verdict, { code: 'closed', label: 'Not an open relay' });
    assert.equal(store.getEvents(id).at(-1)?.type, 'verdict');
  });
});

test('a draining server takes no new probe: the POST is refused (connection refused, or 503 shutting-down)', async () => {
  const { server, base, dataDir } = await startServer(1);
  const slow = await slowTarget(500);
  const created = await postProbe(base, { target: '127.0.0.1', port: slow.port, suite: 'standard' });
  assert.equal(created.status, 201);
  await untilEvents(base, created.body.id as string);

  server.child.kill('SIGTERM');
  await server.waitForOutput('shutting down', EXIT_BOUND_MS);
  assert.equal(server.child.exitCode, null, 'still draining: the running probe holds the grace period');
  const other = await slowTarget(0);
  // A new connection, as a new client would open (fetch could reuse a pooled one the server closed).
  const late = await postOnNewConnection(base, { target: '127.0.0.1', port: other.port, suite: 'quick' });
  if ('refused' in late) {
    assert.equal(late.refused, 'ECONNREFUSED', 'the listener is closed while draining');
  } else {
    assert.equal(late.status, 503, late.text);
    assert.equal(JSON.parse(late.text).error.code, 'shutting-down', late.text);
  }
  const outcome = 'refused' in late ? late.refused : `${late.status}`;
  assert.deepEqual(await server.exited(EXIT_BOUND_MS), { code: 0, signal: null }, server.stderr());
  assert.equal(other.connections, 0, `the late probe (${outcome}) never connected`);
  readStore(dataDir, (store) => {
    assert.deepEqual(
      store.listProbes({ limit: 10 }).items.map((p) => p.id),
      [created.body.id],
      'only the first probe was stored',
    );
  });
});
