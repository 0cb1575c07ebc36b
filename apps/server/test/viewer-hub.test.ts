// The viewer hub alone (probes/viewer-hub.ts): replay then live with nothing missed or repeated,
// `done` after the last event or a close at the end, a probe that is not live read from storage;
// and each viewer's bounded buffer: messages handed over only while the socket holds little and a
// page per turn (backpressure, so a replay is never queued whole), read receipts asked as bytes
// go out, and a viewer too far behind in reading dropped, while the others and the probe go on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as turn } from 'node:timers/promises';
import type { ProbeEvent, ServerMessage } from '@relayprobe/contracts';
import { FinishedResults, type StoredResults } from '../src/probes/finished-results.js';
import { LOW_WATER_BYTES, PAGE_BYTES, RECEIPT_EVERY_BYTES, UNREAD_LIMIT_BYTES, ViewerHub, type Viewer, type Watching } from '../src/probes/viewer-hub.js';
import { sampleEvent, sampleEvents } from './storage/sample-probes.js';

/**
 * A socket that records what it is handed. `reading`: confirms every receipt at once (a reader
 * that keeps up); otherwise it never confirms. `kernel`: bytes the kernel takes before the socket
 * starts holding them (its buffer), written callbacks held until `drain()`.
 */
class FakeViewer implements Viewer {
  readonly messages: ServerMessage[] = [];
  readonly receipts: number[] = [];
  closed: { code: number; reason: string } | undefined;
  dropped: string | undefined;
  bufferedBytes = 0;
  watching: Watching | undefined;
  #taken = 0;
  readonly #pending: (() => void)[] = [];
  constructor(private readonly options: { reading?: boolean; kernel?: number } = {}) {}
  send(data: string | Buffer, written: () => void): void {
    this.messages.push(JSON.parse(data.toString()) as ServerMessage);
    const bytes = Buffer.byteLength(data);
    if (this.#taken + bytes <= (this.options.kernel ?? Infinity)) {
      this.#taken += bytes;
      queueMicrotask(written);
    } else {
      this.bufferedBytes += bytes;
      this.#pending.push(written);
    }
  }
  askReceipt(offset: number): void {
    this.receipts.push(offset);
    if (this.options.reading !== false) queueMicrotask(() => this.watching?.readUpTo(offset));
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
  drop(reason: string): void {
    this.dropped = reason;
  }
  /** The kernel takes everything held. */
  drain(): void {
    this.bufferedBytes = 0;
    this.#taken = 0;
    for (const written of this.#pending.splice(0)) written();
  }
  seqs(): number[] {
    return this.messages.flatMap((m) => (m.type === 'event' ? [m.seq] : []));
  }
  last(): ServerMessage | undefined {
    return this.messages.at(-1);
  }
}

const nothingStored: StoredResults = { getProbe: () => undefined, getEvents: () => [] };

function liveHub(id: string, events: ProbeEvent[], stored: StoredResults = nothingStored): ViewerHub {
  const hub = new ViewerHub(new FinishedResults(stored));
  hub.open(id);
  for (const event of events) hub.publish(id, event);
  return hub;
}

function watch(hub: ViewerHub, id: string, after: number, viewer: FakeViewer): Watching | undefined {
  viewer.watching = hub.watch(id, after, viewer);
  return viewer.watching;
}

/** An event of about `bytes` bytes of JSON. */
const bigEvent = (seq: number, bytes: number): ProbeEvent => ({ seq, ms: seq, type: 'info', phase: 'vector', code: 'x', text: 'x'.repeat(bytes) });

test('joining a live probe: the events after `after`, then live ones, each once', () => {
  const hub = liveHub('p', sampleEvents(1, 5));
  const viewer = new FakeViewer();
  watch(hub, 'p', 2, viewer);
  hub.publish('p', sampleEvent(6));
  assert.deepEqual(viewer.seqs(), [3, 4, 5, 6]);
  assert.deepEqual((viewer.messages[0] as { event: unknown }).event, sampleEvent(3), 'the very event, as JSON');
});

test('the hub keeps the very objects published, in order', () => {
  const events = sampleEvents(1, 3);
  const hub = liveHub('p', events);
  const kept = hub.events('p');
  assert.equal(kept?.length, 3);
  events.forEach((event, i) => assert.equal(kept?.[i], event));
  assert.equal(hub.events('other'), undefined);
});

test('a live viewer that does not read is dropped past the unread limit; the others and the probe go on', async () => {
  const hub = liveHub('p', []);
  const deaf = new FakeViewer({ reading: false });
  const fine = new FakeViewer();
  watch(hub, 'p', 0, deaf);
  watch(hub, 'p', 0, fine);
  const count = Math.ceil((2 * UNREAD_LIMIT_BYTES) / 50_000);
  for (let seq = 1; seq <= count; seq++) {
    hub.publish('p', bigEvent(seq, 50_000));
    await turn(); // the receipts come back between events, as from a real reader
  }
  assert.match(deaf.dropped ?? '', /bytes sent and not read/);
  assert.ok(deaf.seqs().length < count);
  const heard = deaf.messages.length;
  hub.finish('p', { type: 'done', status: 'complete' });
  assert.equal(deaf.messages.length, heard, 'the dropped viewer hears nothing more, no done either');
  await turn();
  assert.deepEqual(
    fine.seqs(),
    Array.from({ length: count }, (_, i) => i + 1),
  );
  assert.deepEqual(fine.last(), { type: 'done', status: 'complete' });
  assert.equal(fine.dropped, undefined);
});

test('a replay is handed over as the socket drains: never more than the low-water mark and a message held', async () => {
  const events = Array.from({ length: 100 }, (_, i) => bigEvent(i + 1, 10_000));
  const hub = liveHub('p', events);
  const viewer = new FakeViewer({ kernel: 0 });
  watch(hub, 'p', 0, viewer);
  await turn();
  assert.ok(viewer.bufferedBytes <= LOW_WATER_BYTES + 11_000, `${viewer.bufferedBytes} bytes held`);
  assert.ok(viewer.messages.length < 10, `${viewer.messages.length} handed over before the socket drained`);
  while (viewer.seqs().length < 100) {
    viewer.drain();
    await turn();
    assert.ok(viewer.bufferedBytes <= LOW_WATER_BYTES + 11_000);
  }
  assert.deepEqual(
    viewer.seqs(),
    events.map((e) => e.seq),
  );
});

test('a page per turn of the event loop, and a read receipt asked every RECEIPT_EVERY_BYTES', async () => {
  const hub = liveHub(
    'p',
    Array.from({ length: 40 }, (_, i) => bigEvent(i + 1, 10_000)),
  );
  const viewer = new FakeViewer();
  watch(hub, 'p', 0, viewer);
  const firstTurn = viewer.messages.length;
  assert.ok(firstTurn * 10_000 <= PAGE_BYTES + 10_100 && firstTurn < 40, `${firstTurn} messages in the first turn`);
  for (let i = 0; i < 20 && viewer.seqs().length < 40; i++) await turn();
  assert.equal(viewer.seqs().length, 40);
  assert.ok(viewer.receipts.length >= Math.floor((40 * 10_000) / RECEIPT_EVERY_BYTES) - 1, `${viewer.receipts.length} receipts asked`);
  assert.deepEqual(
    [...viewer.receipts].sort((a, b) => a - b),
    viewer.receipts,
    'offsets grow',
  );
});

test('a pong cannot claim more than was sent: a viewer that claims everything early is still dropped when it stops reading', async () => {
  const hub = liveHub(
    'p',
    Array.from({ length: 150 }, (_, i) => bigEvent(i + 1, 10_000)),
  );
  const viewer = new FakeViewer({ reading: false });
  const watching = watch(hub, 'p', 0, viewer);
  watching?.readUpTo(Number.MAX_SAFE_INTEGER);
  for (let i = 0; i < 100 && viewer.dropped === undefined; i++) await turn();
  assert.match(viewer.dropped ?? '', /not read/);
});

test('a detached viewer hears nothing more', () => {
  const hub = liveHub('p', []);
  const viewer = new FakeViewer();
  const watching = watch(hub, 'p', 0, viewer);
  hub.publish('p', sampleEvent(1));
  watching?.detach();
  hub.publish('p', sampleEvent(2));
  hub.finish('p', { type: 'done', status: 'complete' });
  assert.deepEqual(
    viewer.messages.map((m) => m.type),
    ['event'],
  );
});

test('finish: `done` to every viewer after its last event, then a close, and the probe is no longer live', async () => {
  const hub = liveHub('p', sampleEvents(1, 2));
  const caughtUp = new FakeViewer();
  watch(hub, 'p', 0, caughtUp);
  const behind = new FakeViewer({ kernel: 0 });
  const done = { type: 'done', status: 'complete', verdict: { code: 'closed', label: 'Not an open relay' } } as const;
  for (const event of Array.from({ length: 20 }, (_, i) => bigEvent(i + 3, 10_000))) hub.publish('p', event);
  watch(hub, 'p', 0, behind);
  hub.finish('p', done);
  assert.deepEqual(caughtUp.last(), done);
  assert.deepEqual(caughtUp.closed, { code: 1000, reason: 'done' });
  assert.notDeepEqual(behind.last(), done, 'not before its last event');
  while (behind.closed === undefined) {
    behind.drain();
    await turn();
  }
  assert.deepEqual(
    behind.seqs(),
    Array.from({ length: 22 }, (_, i) => i + 1),
  );
  assert.deepEqual(behind.last(), done);
  assert.equal(hub.events('p'), undefined);
  assert.equal(hub.watch('p', 0, new FakeViewer()), undefined, 'nothing stored here, so no such probe');
});

test('fail: every viewer is closed with the code and reason, none gets done', () => {
  const hub = liveHub('p', sampleEvents(1, 2));
  const viewers = [new FakeViewer(), new FakeViewer()];
  for (const viewer of viewers) watch(hub, 'p', 0, viewer);
  hub.fail('p', 1011, 'the result could not be stored');
  for (const viewer of viewers) {
    assert.deepEqual(viewer.closed, { code: 1011, reason: 'the result could not be stored' });
    assert.ok(!viewer.messages.some((m) => m.type === 'done'));
  }
  assert.equal(hub.events('p'), undefined);
});

test('a probe that is not live: the stored events after `after`, then done from its row; read from storage once for all viewers', () => {
  let reads = 0;
  const stored: StoredResults = {
    getProbe: (id) => (id === 'old' ? { id, createdAt: '', status: 'interrupted', target: 't', request: {} as never, lastSeq: 3 } : undefined),
    getEvents: () => (reads++, sampleEvents(1, 3)),
  };
  const hub = new ViewerHub(new FinishedResults(stored));
  for (const after of [1, 0]) {
    const viewer = new FakeViewer();
    assert.ok(watch(hub, 'old', after, viewer));
    assert.deepEqual(viewer.seqs(), [1, 2, 3].slice(after));
    assert.deepEqual(viewer.last(), { type: 'done', status: 'interrupted' });
    assert.deepEqual(viewer.closed, { code: 1000, reason: 'done' });
  }
  assert.equal(reads, 1, 'a finished result is read once');
  assert.equal(hub.watch('unknown', 0, new FakeViewer()), undefined);
});

test('a finished result no viewer reads is dropped at the unread limit, not kept waiting', async () => {
  const events = Array.from({ length: 60 }, (_, i) => bigEvent(i + 1, 50_000));
  const stored: StoredResults = {
    getProbe: (id) => ({ id, createdAt: '', status: 'complete', target: 't', request: {} as never, lastSeq: events.length }),
    getEvents: () => events,
  };
  const hub = new ViewerHub(new FinishedResults(stored));
  const deaf = new FakeViewer({ reading: false });
  watch(hub, 'big', 0, deaf);
  for (let i = 0; i < 100 && deaf.dropped === undefined; i++) await turn();
  assert.match(deaf.dropped ?? '', /not read/);
  const sent = deaf.messages.length;
  assert.ok(sent * 50_000 <= UNREAD_LIMIT_BYTES + 100_000, `${sent} messages before the drop`);
  const reader = new FakeViewer();
  watch(hub, 'big', 0, reader);
  for (let i = 0; i < 100 && reader.closed === undefined; i++) await turn();
  assert.deepEqual(
    reader.seqs(),
    events.map((e) => e.seq),
    'a reader gets all of it',
  );
});

test('publishing to, or opening twice, a probe that is not live is a bug and says so', () => {
  const hub = liveHub('p', []);
  assert.throws(() => hub.publish('gone', sampleEvent(1)), /not live/);
  assert.throws(() => hub.open('p'), /already live/);
});
