// Group commit: writes requested in one turn of the event loop share one transaction, each caller
// learns of its own write only after the commit, and one bad write never fails the others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommit } from '../src/probes/group-commit.js';
import { ProbeStore } from '../src/storage/probe-store.js';
import { makeTempDataDir } from './storage/temp-data-dir.js';
import { isoAt, sampleEvents, sampleRequest } from './storage/sample-probes.js';

const settle = (commit: GroupCommit<number>, item: number) => new Promise<unknown>((resolve) => commit.add(item, (error) => resolve(error ?? 'ok')));

test('writes added in the same turn go in one writeAll, after which every caller hears', async () => {
  const calls: number[][] = [];
  const commit = new GroupCommit<number>(
    (items) => calls.push(items),
    () => assert.fail('no single writes'),
  );
  const results = await Promise.all([settle(commit, 1), settle(commit, 2), settle(commit, 3)]);
  assert.deepEqual(calls, [[1, 2, 3]]);
  assert.deepEqual(results, ['ok', 'ok', 'ok']);
  await settle(commit, 4);
  assert.deepEqual(calls, [[1, 2, 3], [4]]);
});

test('a failed batch is retried one by one, and only the bad item fails', async () => {
  const written: number[] = [];
  const commit = new GroupCommit<number>(
    () => {
      throw new Error('batch failed');
    },
    (item) => {
      if (item === 2) throw new Error('bad item');
      written.push(item);
    },
  );
  const results = await Promise.all([settle(commit, 1), settle(commit, 2), settle(commit, 3)]);
  assert.deepEqual(written, [1, 3]);
  assert.equal(results[0], 'ok');
  assert.match(String(results[1]), /bad item/);
  assert.equal(results[2], 'ok');
});

test('createProbes and finishProbes are all-or-nothing on a real SQLite file', () => {
  const { dir, remove } = makeTempDataDir();
  const store = ProbeStore.open(dir);
  try {
    const row = (id: string, s: number) => ({ id, createdAt: isoAt(s), target: `${id}.example`, request: sampleRequest(`${id}.example`) });
    store.createProbes([row('a'.repeat(22), 1), row('b'.repeat(22), 2)]);
    assert.equal(store.listProbes({ limit: 10 }).items.length, 2);
    // A duplicate id inside the batch rolls the whole batch back.
    assert.throws(() => store.createProbes([row('c'.repeat(22), 3), row('a'.repeat(22), 4)]));
    assert.equal(store.getProbe('c'.repeat(22)), undefined);

    const final = (s: number) => ({ status: 'complete' as const, finishedAt: isoAt(s), events: sampleEvents(1, 3) });
    store.finishProbes([
      { id: 'a'.repeat(22), final: final(10) },
      { id: 'b'.repeat(22), final: final(11) },
    ]);
    assert.equal(store.getProbe('a'.repeat(22))?.status, 'complete');
    assert.equal(store.getEvents('b'.repeat(22)).length, 3);
    // Finishing an already finished probe in a batch leaves the other one running.
    store.createProbe(row('d'.repeat(22), 12));
    assert.throws(() =>
      store.finishProbes([
        { id: 'd'.repeat(22), final: final(13) },
        { id: 'a'.repeat(22), final: final(14) },
      ]),
    );
    assert.equal(store.getProbe('d'.repeat(22))?.status, 'running');
    assert.equal(store.getEvents('d'.repeat(22)).length, 0);
    assert.equal(store.integrityCheck(), 'ok');
  } finally {
    store.close();
    remove();
  }
});
