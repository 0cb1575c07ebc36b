// A damaged stored row (issue 12, item 7): JSON in the database that does not parse, or parses to
// the wrong shape (a disk error, a hand edit, a restore gone wrong). The listing skips such a row
// and logs it instead of answering 500 to everyone; a GET of that one result, its share page and
// its live stream say that this result is damaged. The damage is made for real, in the server's
// own SQLite file, through a second connection that ignores the CHECK constraints.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { closedPort } from '@relayprobe/testkit';
import { ApiError, schemaErrors } from '@relayprobe/contracts';
import { DATABASE_FILE_NAME } from '../src/storage/probe-store.js';
import { collectEvents, postProbe, startTestServer, waitForResult } from './helpers/server-under-test.js';
import { fetchJson, listAllProbes, refusedUpgrade } from './helpers/api-reading.js';

// The probes are made by one server; the damage is done while none runs (a finished result is
// cached once read, so damage under a running server shows only after a restart), and a fresh
// server on the same data directory is the one under test.
const writer = await startTestServer();

/** Seven finished probes, oldest first. */
const ids: string[] = [];
for (let i = 0; i < 7; i++) {
  const created = await postProbe(writer.base, { target: '127.0.0.1', port: await closedPort(), suite: 'quick' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await waitForResult(writer.base, created.body.id);
  ids.push(created.body.id as string);
}
const [badRequest, badResult, wrongShape, resultArray, badEvent, good1, good2] = ids as [string, string, string, string, string, string, string];

await writer.app.close(); // not writer.close(): that removes the data directory

const raw = new Database(join(writer.dataDir, DATABASE_FILE_NAME));
raw.pragma('ignore_check_constraints = ON');
raw.prepare('UPDATE probes SET request = ? WHERE id = ?').run('{"target":', badRequest);
raw.prepare('UPDATE probes SET result = ? WHERE id = ?').run('not json at all', badResult);
raw.prepare('UPDATE probes SET request = ? WHERE id = ?').run('"just a string"', wrongShape);
raw.prepare('UPDATE probes SET result = ? WHERE id = ?').run('[1, 2]', resultArray);
raw.prepare('UPDATE events SET body = ? WHERE probe_id = ? AND seq = 1').run('{"seq":1,', badEvent);
raw.close();

const logs: string[] = [];
const server = await startTestServer({ RELAYPROBE_LOG_LEVEL: 'info', RELAYPROBE_DATA_DIR: writer.dataDir }, { logStream: { write: (line) => void logs.push(line) } });
after(async () => {
  await server.close();
  await writer.close();
});

const damagedRows = [badRequest, badResult, wrongShape, resultArray];
const logLines = () => logs.map((line) => JSON.parse(line) as { msg: string; probe?: string; level: number });

test('the listing skips the damaged rows and logs each; the others are listed, and paging goes past them', async () => {
  const all = await fetchJson(`${server.base}/api/v1/probes`);
  assert.equal(all.status, 200, JSON.stringify(all.body));
  assert.deepEqual(
    all.body.items.map((i: { id: string }) => i.id),
    [good2, good1, badEvent],
  );
  for (const id of damagedRows) {
    const lines = logLines().filter((l) => l.probe === id && /damaged/.test(l.msg));
    assert.ok(lines.length > 0, `a log line names ${id}`);
    assert.ok(
      lines.every((l) => l.level >= 40),
      'logged as a warning or an error',
    );
  }
  // Pages of 1 and 2: every page answers, and together they list the same undamaged probes.
  const paged: string[] = [];
  for (const limit of [1, 2]) {
    paged.length = 0;
    let before: string | undefined;
    do {
      const page = await fetchJson(`${server.base}/api/v1/probes?limit=${limit}${before ? `&before=${encodeURIComponent(before)}` : ''}`);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      paged.push(...page.body.items.map((i: { id: string }) => i.id));
      before = page.body.next;
    } while (before !== undefined);
    assert.deepEqual(paged, [good2, good1, badEvent], `limit ${limit}`);
  }
  assert.deepEqual(
    (await listAllProbes(server.base)).map((i) => i.id),
    [good2, good1, badEvent],
  );
});

test('a GET of a damaged result says so: 500 stored-result-damaged, naming what is damaged', async () => {
  const expected: [string, RegExp][] = [
    [badRequest, /request/],
    [badResult, /result/],
    [wrongShape, /request/],
    [resultArray, /result/],
    [badEvent, /event 1/],
  ];
  for (const [id, what] of expected) {
    const response = await fetchJson(`${server.base}/api/v1/probes/${id}`);
    assert.equal(response.status, 500, id);
    assert.deepEqual(schemaErrors(ApiError, response.body), []);
    assert.equal(response.body.error.code, 'stored-result-damaged');
    assert.match(response.body.error.message, what, id);
    assert.match(response.body.error.message, /damaged/);
  }
  const good = await fetchJson(`${server.base}/api/v1/probes/${good1}`);
  assert.equal(good.status, 200, 'the other results are unharmed');
});

test('the share page and the live stream of a damaged result say so too', async () => {
  for (const id of [badRequest, badEvent]) {
    const page = await fetch(`${server.base}/r/${id}`);
    assert.equal(page.status, 500, id);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await page.text(), /damaged/);
  }
  const refused = await refusedUpgrade(`${server.wsBase}/api/v1/probes/${badResult}/events`);
  assert.equal(refused.status, 500);
  assert.equal(JSON.parse(refused.body).error.code, 'stored-result-damaged');
  const stream = await collectEvents(server.wsBase, badEvent);
  assert.equal(stream.code, 1011, 'closed with "internal error", not left open');
  assert.deepEqual(stream.messages, []);
  // And the server is still fine for everyone else.
  assert.equal((await collectEvents(server.wsBase, good1)).messages.at(-1)?.type, 'done');
});
