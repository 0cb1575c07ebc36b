// A data directory the server cannot write (issue 12, item 8): the start used to fail with
// SQLite's bare "unable to open database file", naming neither the path nor why. It must name the
// directory or file, the variable that sets it, and the cause (permission denied, read-only file
// system), and exit 1. The failure is real: the directory is mode 0555 and the server runs
// without the capabilities that let root ignore file modes (when the tests run as root; else as
// the tester, to whom the modes apply anyway). A read-only file system (EROFS) takes a mount and so is checked by hand, not here.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProbeStore } from '../src/storage/probe-store.js';
import { TEST_ENV } from './helpers/server-under-test.js';
import { freePort, killAllServerProcesses, spawnServer } from './helpers/server-process.js';

const EXIT_BOUND_MS = 20_000;
const root = process.getuid?.() === 0;
const uid = process.getuid?.();

const parent = realpathSync(mkdtempSync(join(tmpdir(), 'relayprobe-readonly-')));
chmodSync(parent, 0o755);
after(async () => {
  await killAllServerProcesses();
  rmSync(parent, { recursive: true, force: true });
});

/** Start the server on `dataDir`; it must exit 1 with one "cannot start" line. */
async function refusedStart(dataDir: string): Promise<string> {
  const server = spawnServer({ ...TEST_ENV, RELAYPROBE_DATA_DIR: dataDir, RELAYPROBE_PORT: String(await freePort()) }, { withoutFileCapabilities: root });
  const exit = await server.exited(EXIT_BOUND_MS);
  assert.deepEqual(exit, { code: 1, signal: null }, server.output());
  const line = server.stderr().trim();
  assert.match(line, /^relayprobe: cannot start: /, line);
  return line;
}

test('a read-only data directory: the message names the directory, RELAYPROBE_DATA_DIR and "permission denied"', async () => {
  const dir = join(parent, 'empty');
  mkdirSync(dir, { mode: 0o555 });
  chmodSync(dir, 0o555);
  const line = await refusedStart(dir);
  assert.ok(line.includes(dir), line);
  assert.match(line, /RELAYPROBE_DATA_DIR/);
  assert.match(line, /permission denied \(EACCES\)/);
  assert.match(line, new RegExp(`uid ${uid}\\b`), 'says which user needs the access');
});

test('a database the service user may not write: the message names the file and the cause', async () => {
  const dir = join(parent, 'with-database');
  mkdirSync(dir);
  ProbeStore.open(dir).close();
  chmodSync(join(dir, 'relayprobe.sqlite'), 0o444);
  const line = await refusedStart(dir);
  assert.ok(line.includes(join(dir, 'relayprobe.sqlite')), line);
  assert.match(line, /permission denied \(EACCES\)|read-only/);
});

test('a data directory that cannot be created: the message names it and why', async () => {
  const locked = join(parent, 'locked');
  mkdirSync(locked, { mode: 0o555 });
  chmodSync(locked, 0o555);
  const dir = join(locked, 'data');
  const line = await refusedStart(dir);
  assert.ok(line.includes(dir), line);
  assert.match(line, /RELAYPROBE_DATA_DIR/);
  assert.match(line, /permission denied \(EACCES\)/);
});
