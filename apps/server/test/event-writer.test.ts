// The event writer alone (probes/event-writer.ts), against a recording store: events wait for the
// flush timer or the batch size, go in one transaction across probes, are written exactly once
// (in a batch or in their probe's final transaction), and after a failed batch wait for one
// slow retry instead of a write per event. A final state that fails (a full disk) is kept and
// retried with backoff until it is stored; its caller hears only then (or, at shutdown, that it
// could not be), and the writer says storage is failing until nothing waits any more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProbeEvent } from '@relayprobe/contracts';
import type { EventBatch, NewProbe, ProbeFinal } from '../src/storage/probe-store.js';
import { EventWriter, type EventWriterOptions, type StoreWrites } from '../src/probes/event-writer.js';
import { isoAt, sampleEvents, sampleRequest } from './storage/sample-probes.js';

/** A store that records every write; `failBatches` makes the next appendEventBatches calls throw. */
class RecordingStore implements StoreWrites {
  readonly batches: { id: string; seqs: number[] }[][] = [];
  readonly created: string[][] = [];
  readonly finals: { id: string; status: string; seqs: number[] }[][] = [];
  /** performance.now() of every appendEventBatches call. */
  readonly attemptedAt: number[] = [];
  failBatches = 0;
  failWrites = false;
  /** performance.now() of every finishProbes call (a group commit of finals; a retry round). */
  readonly finalAttemptsAt: number[] = [];
  createProbes(probes: readonly NewProbe[]): void {
    if (this.failWrites) throw new Error('disk full');
    this.created.push(probes.map((p) => p.id));
  }
  createProbe(probe: NewProbe): void {
    this.createProbes([probe]);
  }
  appendEventBatches(batches: readonly EventBatch[]): void {
    this.attemptedAt.push(performance.now());
    if (this.failBatches > 0) {
      this.failBatches--;
      throw new Error('disk full');
    }
    this.batches.push(batches.map(({ id, events }) => ({ id, seqs: events.map((e) => e.seq) })));
  }
  finishProbes(finals: readonly { id: string; final: ProbeFinal }[]): void {
    this.finalAttemptsAt.push(performance.now());
    if (this.failWrites) throw new Error('disk full');
    this.finals.push(finals.map(({ id, final }) => ({ id, status: final.status, seqs: final.events.map((e) => e.seq) })));
  }
  finishProbe(id: string, final: ProbeFinal): void {
    if (this.failWrites) throw new Error('disk full');
    this.finals.push([{ id, status: final.status, seqs: final.events.map((e) => e.seq) }]);
  }
  /** Every seq written for a probe, in batches and finals, in write order. */
  written(id: string): number[] {
    return [...this.batches.flat(), ...this.finals.flat()].filter((b) => b.id === id).flatMap((b) => b.seqs);
  }
}

const FINAL = { status: 'complete', finishedAt: isoAt(9) } as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function writerOn(store: RecordingStore, options: Partial<EventWriterOptions> = {}) {
  const failures: unknown[] = [];
  const writer = new EventWriter({ store, onWriteFailed: (error) => failures.push(error), flushMs: 10, retryMs: 100, ...options });
  return { writer, failures };
}
const append = (writer: EventWriter, id: string, events: ProbeEvent[]) => events.forEach((e) => writer.append(id, e));
const finished = (writer: EventWriter, id: string) => new Promise<unknown>((resolve) => writer.finish(id, FINAL, (error) => resolve(error ?? 'ok')));

test("events wait for the flush timer, then every probe's go in one batch, in order", async () => {
  const store = new RecordingStore();
  const { writer } = writerOn(store);
  append(writer, 'a', sampleEvents(1, 2));
  append(writer, 'b', sampleEvents(1, 1));
  append(writer, 'a', sampleEvents(3, 1));
  assert.equal(store.attemptedAt.length, 0, 'nothing is written per event');
  assert.equal(writer.waiting, 4);
  await until(() => store.batches.length > 0, 'the batch');
  assert.deepEqual(store.batches, [
    [
      { id: 'a', seqs: [1, 2, 3] },
      { id: 'b', seqs: [1] },
    ],
  ]);
  assert.equal(writer.waiting, 0);
});

test('flushEvents waiting: written at once, without waiting for the timer', () => {
  const store = new RecordingStore();
  const { writer } = writerOn(store, { flushEvents: 3, flushMs: 60_000 });
  append(writer, 'a', sampleEvents(1, 2));
  assert.equal(store.attemptedAt.length, 0);
  writer.append('b', sampleEvents(1, 1)[0] as ProbeEvent);
  assert.deepEqual(store.batches, [
    [
      { id: 'a', seqs: [1, 2] },
      { id: 'b', seqs: [1] },
    ],
  ]);
});

test('a failed batch: its events wait, new ones only wait too, one retry writes them all once', async () => {
  const store = new RecordingStore();
  store.failBatches = 1;
  const { writer, failures } = writerOn(store, { flushEvents: 2 });
  append(writer, 'a', sampleEvents(1, 2));
  assert.equal(store.attemptedAt.length, 1);
  assert.equal(failures.length, 1);
  append(writer, 'a', sampleEvents(3, 5));
  assert.equal(store.attemptedAt.length, 1, 'no write per event while the retry waits');
  assert.equal(writer.waiting, 7);
  await until(() => store.batches.length > 0, 'the retry');
  assert.deepEqual(store.written('a'), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(failures.length, 1);
  const [failed = 0, retried = 0] = store.attemptedAt;
  assert.ok(retried - failed >= 90, `the retry waited retryMs (100), not flushMs: ${retried - failed} ms`);
});

test('finish takes the waiting events into the final transaction; no batch writes them again', async () => {
  const store = new RecordingStore();
  const { writer } = writerOn(store);
  append(writer, 'a', sampleEvents(1, 3));
  append(writer, 'b', sampleEvents(1, 2));
  const done = finished(writer, 'a');
  assert.equal(writer.waiting, 2, "only b's events wait for the batch");
  assert.equal(await done, 'ok');
  assert.deepEqual(store.finals, [[{ id: 'a', status: 'complete', seqs: [1, 2, 3] }]]);
  await until(() => store.batches.length > 0, 'the batch');
  assert.deepEqual(store.written('a'), [1, 2, 3]);
  assert.deepEqual(store.batches, [[{ id: 'b', seqs: [1, 2] }]]);
});

test('finals and rows of one turn share a commit, and each caller hears only after it', async () => {
  const store = new RecordingStore();
  const { writer } = writerOn(store);
  const creates = Promise.all([
    writer.create({ id: 'x', createdAt: isoAt(1), target: 't', request: sampleRequest('t') }),
    writer.create({ id: 'y', createdAt: isoAt(2), target: 't', request: sampleRequest('t') }),
  ]);
  assert.deepEqual(store.created, [], 'not before the commit');
  await creates;
  assert.deepEqual(store.created, [['x', 'y']]);
  let heard = 0;
  writer.finish('x', FINAL, () => heard++);
  writer.finish('y', FINAL, () => heard++);
  assert.equal(heard, 0);
  await until(() => heard === 2, 'both finals');
  assert.deepEqual(
    store.finals.map((batch) => batch.map((f) => f.id)),
    [['x', 'y']],
  );
});

test('a failed create reaches its caller, and the writer reports storage failing until a write succeeds', async () => {
  const store = new RecordingStore();
  store.failWrites = true;
  const { writer, failures } = writerOn(store);
  await assert.rejects(writer.create({ id: 'x', createdAt: isoAt(1), target: 't', request: sampleRequest('t') }), /disk full/);
  assert.equal(failures.length, 1);
  assert.match(writer.failure?.message ?? '', /disk full/);
  assert.equal(writer.retrying, false, 'nothing of its own to retry: the next create is the test');
  store.failWrites = false;
  await writer.create({ id: 'y', createdAt: isoAt(2), target: 't', request: sampleRequest('t') });
  assert.equal(writer.failure, undefined);
});

test('a final state that fails is kept and retried with backoff; its caller hears only after the commit', async () => {
  const store = new RecordingStore();
  store.failWrites = true;
  const { writer, failures } = writerOn(store, { retryMs: 40, retryMaxMs: 160 });
  append(writer, 'a', sampleEvents(1, 3));
  let heard: unknown = 'nothing';
  writer.finish('a', FINAL, (error) => (heard = error ?? 'ok'));
  await until(() => store.finalAttemptsAt.length >= 5, 'five attempts');
  assert.equal(heard, 'nothing', 'no word before the final state is stored');
  assert.equal(writer.retrying, true);
  assert.match(writer.failure?.message ?? '', /disk full/);
  assert.ok(failures.length >= 5);
  const gaps = store.finalAttemptsAt.slice(1).map((at, i) => at - (store.finalAttemptsAt[i] as number));
  assert.ok(gaps[0] !== undefined && gaps[0] >= 35, `the first retry waits retryMs: ${gaps.join(', ')}`);
  assert.ok(gaps[2] !== undefined && gaps[2] >= 150, `the wait doubles up to retryMaxMs: ${gaps.join(', ')}`);
  store.failWrites = false;
  await until(() => heard !== 'nothing', 'the stored final');
  assert.equal(heard, 'ok');
  assert.deepEqual(store.written('a'), [1, 2, 3], 'its events went in with it, once');
  assert.equal(writer.retrying, false);
  assert.equal(writer.failure, undefined, 'storage works again');
});

test("a failed batch whose events then go into their probe's stored final: nothing waits, storage works again", async () => {
  const store = new RecordingStore();
  store.failBatches = 1;
  const { writer } = writerOn(store, { flushEvents: 2, retryMs: 60_000 });
  append(writer, 'a', sampleEvents(1, 2));
  assert.equal(writer.retrying, true);
  assert.match(writer.failure?.message ?? '', /disk full/);
  assert.equal(await finished(writer, 'a'), 'ok');
  assert.deepEqual(store.written('a'), [1, 2]);
  assert.equal(writer.retrying, false, 'the batch retry has nothing left to write');
  assert.equal(writer.failure, undefined, 'the final commit shows storage works');
});

test('at shutdown, flushAll tries a kept final once more; if it still fails, its caller hears the error', () => {
  const store = new RecordingStore();
  store.failWrites = true;
  const { writer } = writerOn(store, { retryMs: 60_000 });
  let heard: unknown = 'nothing';
  writer.finish('a', FINAL, (error) => (heard = error ?? 'ok'));
  writer.flushAll();
  assert.match(String(heard), /disk full/);
  assert.equal(writer.retrying, false, 'nothing is retried after shutdown gave up');
});

test('flushAll writes waiting finals and events now, synchronously', () => {
  const store = new RecordingStore();
  const { writer } = writerOn(store, { flushMs: 60_000 });
  append(writer, 'a', sampleEvents(1, 2));
  append(writer, 'b', sampleEvents(1, 1));
  let heard = false;
  writer.finish('b', FINAL, () => (heard = true));
  writer.flushAll();
  assert.equal(heard, true);
  assert.deepEqual(store.finals, [[{ id: 'b', status: 'complete', seqs: [1] }]]);
  assert.deepEqual(store.batches, [[{ id: 'a', seqs: [1, 2] }]]);
  assert.equal(writer.waiting, 0);
});
