// Nothing lost across kill -9 (SECURITY.md §5): the real server runs as a child process on one
// data directory; each round starts probes against slow targets, SIGKILLs the server at a random
// moment (some POSTs acknowledged, others in flight) and restarts it on the same directory.
// Every probe a client was told about (201) must then exist and be `complete` (a verdict, events
// gap-free from 1 and ending in the verdict event) or `interrupted` (events gap-free from 1),
// never `running` or missing; a finished result never changes afterwards; and SQLite's
// `PRAGMA integrity_check` says ok, both on the file a kill left behind and after a clean stop.
// A process kill is not a power cut (the OS keeps the page cache): this checks the write model.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProfile, type ServerHandle } from '@relayprobe/testkit';
import { ResultDocument, schemaErrors, type ProbeEvent } from '@relayprobe/contracts';
import { ProbeStore } from '../src/storage/probe-store.js';
import { TEST_ENV } from './helpers/server-under-test.js';
import { listAllProbes } from './helpers/api-reading.js';
import { killAllServerProcesses, startServerProcess } from './helpers/server-process.js';

const ROUNDS = 20;
/** Distinct targets: one target runs one probe at a time (per-target limit). */
const TARGETS = 8;
/** Probes started and acknowledged before the kill timer starts; the rest go out during it. */
const FIRST_WAVE = 4;
const KILL_DELAY_MS = { min: 20, max: 600 };
/** Bounds the whole test so a stuck server fails it instead of hanging; not a timing assertion. */
const TEST_BOUND_MS = 150_000;

interface Acknowledged {
  round: number;
  suite: 'quick' | 'standard';
}

/** What a finished probe looked like the first time it was read; it must never change. */
interface FirstSeen {
  status: 'complete' | 'interrupted';
  events: number;
  verdict: string | undefined;
}

const dataDir = mkdtempSync(join(tmpdir(), 'relayprobe-durability-'));
const targets: ServerHandle[] = [];
after(async () => {
  await killAllServerProcesses();
  await Promise.all(targets.map((t) => t.close()));
  rmSync(dataDir, { recursive: true, force: true });
});

const serverEnv = { ...TEST_ENV, RELAYPROBE_DATA_DIR: dataDir, RELAYPROBE_LOG_LEVEL: 'warn' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const randomBetween = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

/** POST a probe; the id when the server answered 201, undefined when the kill cut the exchange. */
async function tryPost(base: string, target: ServerHandle, suite: Acknowledged['suite']): Promise<string | undefined> {
  let response: Response;
  let body: { id?: string; error?: unknown };
  try {
    response = await fetch(`${base}/api/v1/probes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: '127.0.0.1', port: target.port, suite }),
      signal: AbortSignal.timeout(10_000),
    });
    body = (await response.json()) as typeof body;
  } catch {
    return undefined; // never told: no promise was made
  }
  assert.equal(response.status, 201, `POST to a free target must be accepted: ${JSON.stringify(body)}`);
  assert.equal(typeof body.id, 'string');
  return body.id;
}

/** The checks every acknowledged probe must pass, on its status and events; returns what it saw. */
function checkOutcome(label: string, status: string, events: readonly ProbeEvent[], verdict: { code: string } | undefined): FirstSeen {
  assert.ok(status === 'complete' || status === 'interrupted', `${label} is ${status} after a restart`);
  const seqs = events.map((e) => e.seq);
  assert.deepEqual(
    seqs,
    seqs.map((_, i) => i + 1),
    `${label}: event seqs gap-free from 1`,
  );
  if (status === 'complete') {
    const last = events.at(-1);
    if (last?.type !== 'verdict') assert.fail(`${label}: a complete probe's events end in its verdict, not ${last?.type}`);
    assert.equal(verdict?.code, 'closed', `${label}: postfix-closed is not an open relay`);
    assert.equal(last.verdict.code, verdict?.code, `${label}: the verdict event is the result's verdict`);
  }
  return { status: status as FirstSeen['status'], events: events.length, verdict: verdict?.code };
}

/** Check one acknowledged probe through GET, as a client would see it. */
async function checkThroughApi(base: string, id: string, info: Acknowledged): Promise<FirstSeen> {
  const label = `probe ${id} (round ${info.round}, ${info.suite})`;
  const response = await fetch(`${base}/api/v1/probes/${id}`);
  assert.equal(response.status, 200, `${label} was acknowledged with 201 but is missing`);
  const doc = (await response.json()) as ResultDocument;
  assert.deepEqual(schemaErrors(ResultDocument, doc), [], label);
  const seen = checkOutcome(label, doc.status, doc.events, doc.verdict);
  const last = doc.events.at(-1);
  if (doc.status === 'complete' && last?.type === 'verdict') assert.deepEqual(last.verdict, doc.verdict, `${label}: the verdict event is the result's verdict`);
  return seen;
}

test(`kill -9 during probes, ${ROUNDS} rounds: every acknowledged probe survives complete or interrupted`, { timeout: TEST_BOUND_MS }, async (t) => {
  for (let i = 0; i < TARGETS; i++) targets.push(await startProfile('postfix-closed', { latencyMs: randomBetween(30, 80) }));
  const acknowledged = new Map<string, Acknowledged>();
  const firstSeen = new Map<string, FirstSeen>();

  // GET /api/v1/probes/:id is rate-limited per client (SECURITY.md §4), so each probe is read
  // through the API once, by the restart after its round; at the end all are read from storage.
  const checkThroughApiOnce = async (base: string, ids: readonly string[]) => {
    for (const id of ids) firstSeen.set(id, await checkThroughApi(base, id, acknowledged.get(id) as Acknowledged));
  };

  let previousRound: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const server = await startServerProcess(serverEnv);
    // The restart turned what the last kill left running into `interrupted` (start-up recovery).
    await checkThroughApiOnce(server.base, previousRound);

    const order = [...targets.keys()].sort(() => Math.random() - 0.5);
    const suiteOf = (): Acknowledged['suite'] => (Math.random() < 0.7 ? 'quick' : 'standard');
    const post = async (index: number) => {
      const suite = suiteOf();
      const id = await tryPost(server.base, targets[index] as ServerHandle, suite);
      if (id !== undefined) acknowledged.set(id, { round, suite });
      return id;
    };
    const firstWave = await Promise.all(order.slice(0, FIRST_WAVE).map(post));
    assert.ok(
      firstWave.every((id) => id !== undefined),
      `round ${round}: a running server acknowledged the first wave`,
    );

    // The kill lands at a random moment; the second wave's POSTs go out during the wait, so some
    // are answered just before it, some are cut by it.
    const killDelay = randomBetween(KILL_DELAY_MS.min, KILL_DELAY_MS.max);
    const secondWave = order.slice(FIRST_WAVE).map(async (index) => {
      await sleep(Math.random() * killDelay);
      return post(index);
    });
    await sleep(killDelay);
    await server.kill9();
    const secondIds = await Promise.all(secondWave);
    previousRound = [...firstWave, ...secondIds].filter((id): id is string => id !== undefined);
  }

  // The file exactly as the last kill left it (WAL not checkpointed): sound?
  const crashed = ProbeStore.open(dataDir);
  try {
    assert.equal(crashed.integrityCheck(), 'ok', 'integrity_check on the file a kill -9 left');
  } finally {
    crashed.close();
  }

  const last = await startServerProcess(serverEnv);
  await checkThroughApiOnce(last.base, previousRound);
  const listed = await listAllProbes(last.base);
  for (const id of acknowledged.keys())
    assert.ok(
      listed.some((item) => item.id === id),
      `probe ${id} is in the list`,
    );
  const stillRunning = listed.filter((item) => item.status === 'running');
  assert.deepEqual(stillRunning, [], 'after a restart no probe, acknowledged or not, is left running');
  assert.equal(await last.stop(), 0, `clean shutdown: ${last.output()}`);

  // Everything again from storage: still there, still sound, and unchanged since it was first read.
  const store = ProbeStore.open(dataDir);
  try {
    assert.equal(store.integrityCheck(), 'ok', 'integrity_check after the last clean stop');
    for (const [id, info] of acknowledged) {
      const label = `probe ${id} (round ${info.round}, ${info.suite}) as stored`;
      const row = store.getProbe(id);
      assert.ok(row, `${label}: missing`);
      const events = store.getEvents(id);
      const stored = checkOutcome(label, row.status, events, row.verdict);
      assert.deepEqual(stored, firstSeen.get(id), `${label}: changed after it was first read`);
      assert.equal(row.lastSeq, events.length, `${label}: last_seq matches its events`);
    }
  } finally {
    store.close();
  }

  const outcomes = [...firstSeen.values()];
  const complete = outcomes.filter((o) => o.status === 'complete').length;
  const interrupted = outcomes.length - complete;
  t.diagnostic(`${ROUNDS} kills; ${acknowledged.size} probes acknowledged (of ${listed.length} created): ${complete} complete, ${interrupted} interrupted`);
  assert.equal(firstSeen.size, acknowledged.size, 'every acknowledged probe was checked');
  assert.ok(acknowledged.size >= ROUNDS * FIRST_WAVE, 'every round acknowledged its first wave');
  // Random kill moments must have hit both sides of the final commit, or the test proved little.
  assert.ok(complete > 0, 'some probes finished before a kill');
  assert.ok(interrupted > 0, 'some probes were cut by a kill');
});
