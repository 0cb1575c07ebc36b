// Two servers on one data directory (issue 12, item 3): the second one's start-up recovery used to
// mark the first one's running probes as interrupted, losing their verdicts. A server now holds
// an exclusive lock on its data directory for its whole life, taken before recovery; a second one
// refuses to start with a message naming the directory and the pid that holds it, and leaves the
// first one's probes alone. A lock left by a process that died (kill -9) is no lock: the next start
// takes it over and says so. The processes are the real entry point, on ports picked by the OS.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { startProfile, type ServerHandle } from '@relayprobe/testkit';
import type { ResultDocument } from '@relayprobe/contracts';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/app.js';
import { TEST_ENV, noDns, postProbe, waitForResult } from './helpers/server-under-test.js';
import { freePort, killAllServerProcesses, spawnServer, startServerProcess } from './helpers/server-process.js';
import { makeTempDataDir } from './storage/temp-data-dir.js';

const EXIT_BOUND_MS = 20_000;
const cleanups: (() => unknown)[] = [];
after(async () => {
  await killAllServerProcesses();
  for (const cleanup of cleanups.reverse()) await cleanup();
});
const dataDir = () => {
  const data = makeTempDataDir();
  cleanups.push(data.remove);
  return realpathSync(data.dir);
};
const target = async (latencyMs: number): Promise<ServerHandle> => {
  const t = await startProfile('postfix-closed', { latencyMs });
  cleanups.push(() => t.close());
  return t;
};

test("a second server on the same data directory refuses to start, naming it and the pid; the first one's probe is untouched", async () => {
  const dir = dataDir();
  const env = { ...TEST_ENV, RELAYPROBE_DATA_DIR: dir, RELAYPROBE_LOG_LEVEL: 'warn' };
  const first = await startServerProcess(env);
  const slow = await target(150);
  const created = await postProbe(first.base, { target: '127.0.0.1', port: slow.port, suite: 'quick' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id as string;

  const second = spawnServer({ ...env, RELAYPROBE_PORT: String(await freePort()) });
  const exit = await second.exited(EXIT_BOUND_MS);
  assert.deepEqual(exit, { code: 1, signal: null }, second.output());
  assert.match(second.stderr(), /^relayprobe: cannot start: /m);
  assert.ok(second.stderr().includes(dir), `the message names the directory: ${second.stderr()}`);
  assert.match(second.stderr(), new RegExp(`\\bpid ${first.pid}\\b`), `the message names the pid holding it: ${second.stderr()}`);

  // The first server's probe finishes with its verdict: nothing marked it interrupted.
  const doc: ResultDocument = await waitForResult(first.base, id);
  assert.equal(doc.status, 'complete');
  assert.equal(doc.verdict?.code, 'closed');
  assert.equal(await first.stop(), 0, first.output());
});

test('the lock of a server killed with -9 is taken over by the next start, which says whose it was', async () => {
  const dir = dataDir();
  const env = { ...TEST_ENV, RELAYPROBE_DATA_DIR: dir, RELAYPROBE_LOG_LEVEL: 'info' };
  const killed = await startServerProcess(env);
  await killed.kill9();
  const next = await startServerProcess(env);
  await next.waitForOutput('lock', EXIT_BOUND_MS);
  const line = next
    .stdout()
    .split('\n')
    .find((l) => l.includes('lock'));
  assert.ok(line?.includes(String(killed.pid)), `the log names the dead holder: ${line}`);
  assert.match(line ?? '', /no longer running/);
  assert.equal(await next.stop(), 0, next.output());
  // After a clean stop the directory is free again.
  const again = await startServerProcess(env);
  assert.equal(await again.stop(), 0, again.output());
});

test('in one process too: a second app on a locked directory fails to build, and the lock is free once the first closes', async () => {
  const dir = dataDir();
  const loaded = loadConfig({ ...TEST_ENV, RELAYPROBE_DATA_DIR: dir });
  assert.ok(loaded.ok);
  const first = await buildApp(loaded.config, { resolver: noDns, logger: false });
  await assert.rejects(buildApp(loaded.config, { resolver: noDns, logger: false }), (error: Error) => {
    assert.ok(error.message.includes(dir), error.message);
    assert.match(error.message, new RegExp(`\\bpid ${process.pid}\\b`));
    return true;
  });
  await first.close();
  const second = await buildApp(loaded.config, { resolver: noDns, logger: false });
  await second.close();
});
