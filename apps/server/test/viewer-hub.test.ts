// The viewer hub alone (probes/viewer-hub.ts): replay then live with nothing missed or repeated,
// a failing viewer dropped while the others and the probe go on, `done` or a close at the end,
// and a probe that is not live read from storage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProbeEvent, ServerMessage } from '@relayprobe/contracts';
import { ViewerHub, type StoredStream, type Viewer } from '../src/probes/viewer-hub.js';
import { sampleEvent, sampleEvents } from './storage/sample-probes.js';

/** A viewer that records what it is sent; `accept` says how many sends succeed. */
class RecordingViewer implements Viewer {
  readonly messages: { message: ServerMessage; replay: boolean }[] = [];
  closed: { code: number; reason: string } | undefined;
  /** Sends tried, the failed ones included. */
  tried = 0;
  constructor(public accept = Infinity) {}
  send(message: ServerMessage, replay: boolean): boolean {
    this.tried++;
    if (this.accept-- <= 0) return false;
    this.messages.push({ message, replay });
    return true;
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
  seqs(replay?: boolean): number[] {
    return this.messages.filter((m) => replay === undefined || m.replay === replay).flatMap(({ message }) => (message.type === 'event' ? [message.seq] : []));
  }
  last(): ServerMessage | undefined {
    return this.messages.at(-1)?.message;
  }
}

const nothingStored: StoredStream = { getProbe: () => undefined, getEvents: () => [] };

function liveHub(id: string, events: ProbeEvent[]): ViewerHub {
  const hub = new ViewerHub(nothingStored);
  hub.open(id);
  for (const event of events) hub.publish(id, event);
  return hub;
}

test('joining a live probe: the events after `after` as replay, then live ones, each once', () => {
  const hub = liveHub('p', sampleEvents(1, 5));
  const viewer = new RecordingViewer();
  hub.watch('p', 2, viewer);
  hub.publish('p', sampleEvent(6));
  assert.deepEqual(viewer.seqs(true), [3, 4, 5]);
  assert.deepEqual(viewer.seqs(false), [6]);
});

test('the hub keeps the very objects published, in order', () => {
  const events = sampleEvents(1, 3);
  const hub = liveHub('p', events);
  const kept = hub.events('p');
  assert.equal(kept?.length, 3);
  events.forEach((event, i) => assert.equal(kept?.[i], event));
  assert.equal(hub.events('other'), undefined);
});

test('a viewer whose live send fails is dropped; the others and the probe go on', () => {
  const hub = liveHub('p', []);
  const slow = new RecordingViewer(1);
  const fine = new RecordingViewer();
  hub.watch('p', 0, slow);
  hub.watch('p', 0, fine);
  for (const event of sampleEvents(1, 4)) hub.publish('p', event);
  assert.deepEqual(slow.seqs(), [1]);
  assert.equal(slow.tried, 2, 'after its first failed send the viewer is not tried again');
  assert.deepEqual(fine.seqs(), [1, 2, 3, 4]);
  hub.finish('p', { type: 'done', status: 'complete' });
  assert.equal(slow.messages.length, 1, 'the dropped viewer gets no done either');
  assert.deepEqual(fine.last(), { type: 'done', status: 'complete' });
});

test('a viewer whose replay fails is not subscribed', () => {
  const hub = liveHub('p', sampleEvents(1, 3));
  const viewer = new RecordingViewer(1);
  const detach = hub.watch('p', 0, viewer);
  assert.equal(typeof detach, 'function');
  viewer.accept = Infinity;
  hub.publish('p', sampleEvent(4));
  assert.deepEqual(viewer.seqs(), [1]);
});

test('a detached viewer hears nothing more', () => {
  const hub = liveHub('p', []);
  const viewer = new RecordingViewer();
  const detach = hub.watch('p', 0, viewer);
  hub.publish('p', sampleEvent(1));
  detach?.();
  hub.publish('p', sampleEvent(2));
  hub.finish('p', { type: 'done', status: 'complete' });
  assert.deepEqual(
    viewer.messages.map((m) => m.message.type),
    ['event'],
  );
});

test('finish: `done` to every viewer, and the probe is no longer live', () => {
  const hub = liveHub('p', sampleEvents(1, 2));
  const viewer = new RecordingViewer();
  hub.watch('p', 0, viewer);
  const done = { type: 'done', status: 'complete', verdict: { code: 'closed', label: 'Not an open relay' } } as const;
  hub.finish('p', done);
  assert.deepEqual(viewer.last(), done);
  assert.equal(viewer.messages.at(-1)?.replay, false);
  assert.equal(hub.events('p'), undefined);
  assert.equal(hub.watch('p', 0, new RecordingViewer()), undefined, 'nothing stored here, so no such probe');
});

test('fail: every viewer is closed with the code and reason, none gets done', () => {
  const hub = liveHub('p', sampleEvents(1, 2));
  const viewers = [new RecordingViewer(), new RecordingViewer()];
  for (const viewer of viewers) hub.watch('p', 0, viewer);
  hub.fail('p', 1011, 'the result could not be stored');
  for (const viewer of viewers) {
    assert.deepEqual(viewer.closed, { code: 1011, reason: 'the result could not be stored' });
    assert.ok(!viewer.messages.some((m) => m.message.type === 'done'));
  }
  assert.equal(hub.events('p'), undefined);
});

test('a probe that is not live: the stored events after `after`, then done from its row, all as replay', () => {
  const asked: [string, number][] = [];
  const stored: StoredStream = {
    getProbe: (id) => (id === 'old' ? { id, createdAt: '', status: 'interrupted', target: 't', request: {} as never, lastSeq: 3 } : undefined),
    getEvents: (id, after = 0) => (asked.push([id, after]), sampleEvents(after + 1, 3 - after)),
  };
  const hub = new ViewerHub(stored);
  const viewer = new RecordingViewer();
  assert.equal(typeof hub.watch('old', 1, viewer), 'function');
  assert.deepEqual(asked, [['old', 1]]);
  assert.deepEqual(viewer.seqs(true), [2, 3]);
  assert.deepEqual(viewer.last(), { type: 'done', status: 'interrupted' });
  assert.ok(viewer.messages.every((m) => m.replay));
  assert.equal(hub.watch('unknown', 0, new RecordingViewer()), undefined);
});

test('publishing to, or opening twice, a probe that is not live is a bug and says so', () => {
  const hub = liveHub('p', []);
  assert.throws(() => hub.publish('gone', sampleEvent(1)), /not live/);
  assert.throws(() => hub.open('p'), /already live/);
});
