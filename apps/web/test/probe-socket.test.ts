// The live stream module (src/live/probe-socket.ts) against fake sockets: messages become store
// actions; a dropped socket reopens with backoff from the last seq seen; replayed events are not
// duplicated; a `done` with a gap replays; stop() closes everything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchProbe } from '../src/live/probe-socket.js';
import { reconnectDelay } from '../src/live/reconnect-delay.js';
import { createAppStore } from '../src/store/app-store.js';
import { liveStoreOf } from '../src/live/live-store.js';
import { lastSeq } from '../src/store/result-state.js';
import { FakeScheduler, FakeSocket } from './helpers/fake-live.js';
import { openRelayTranscript } from './helpers/events.js';

const events = openRelayTranscript().events;

function setup() {
  const store = createAppStore();
  store.getState().openResult('abc');
  const s = () => store.getState();
  const sockets: FakeSocket[] = [];
  const scheduler = new FakeScheduler();
  let doneCalls = 0;
  const missingAtDone: boolean[] = [];
  const stop = watchProbe({
    id: 'abc',
    store: liveStoreOf(s), // the binding the browser uses (live/follow-in-browser.ts)
    open: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    url: (id, after) => `ws://test/api/v1/probes/${id}/events?after=${after}`,
    schedule: scheduler.schedule,
    cancel: scheduler.cancel,
    onDone: (missing) => {
      doneCalls += 1;
      missingAtDone.push(missing);
    },
  });
  return { s, sockets, scheduler, stop, doneCalls: () => doneCalls, missingAtDone, last: () => sockets.at(-1) as FakeSocket };
}

test('events become store updates in order; done ends the stream', () => {
  const t = setup();
  assert.equal(t.last().url, 'ws://test/api/v1/probes/abc/events?after=0');
  assert.equal(t.s().connection.phase, 'connecting');
  t.last().open();
  assert.equal(t.s().connection.phase, 'live');
  for (const e of events) t.last().event(e);
  t.scheduler.runDue(); // the batch flushes
  assert.equal(lastSeq(t.s().result), events.length);
  t.last().done('complete', { code: 'open', label: 'Open relay' });
  assert.equal(t.s().result.status, 'complete');
  assert.equal(t.s().connection.phase, 'closed');
  assert.equal(t.last().closed, true);
  assert.equal(t.doneCalls(), 1);
  assert.equal(t.sockets.length, 1);
});

test('a dropped socket reopens after a backoff, resuming after the last seq, with no duplicates', () => {
  const t = setup();
  t.last().open();
  for (const e of events.slice(0, 7)) t.last().event(e);
  t.last().drop();
  assert.equal(lastSeq(t.s().result), 7, 'events received before the drop are kept');
  assert.equal(t.s().connection.phase, 'retrying');
  assert.deepEqual(t.scheduler.delays(), [reconnectDelay(1)]);
  t.scheduler.runDue();
  assert.equal(t.sockets.length, 2);
  assert.equal(t.last().url, 'ws://test/api/v1/probes/abc/events?after=7');
  t.last().open();
  // A server may replay a little more than asked: nothing is counted twice.
  for (const e of events.slice(5)) t.last().event(e);
  t.scheduler.runDue();
  t.last().done();
  assert.deepEqual(
    t.s().result.events.map((e) => e.seq),
    events.map((e) => e.seq),
  );
  assert.equal(t.s().result.status, 'complete');
});

test('repeated failures back off further; a successful open resets the count', () => {
  const t = setup();
  t.last().drop();
  assert.deepEqual(t.scheduler.delays(), [reconnectDelay(1)]);
  t.scheduler.runDue();
  t.last().drop();
  assert.deepEqual(t.scheduler.delays(), [reconnectDelay(2)]);
  assert.equal(t.s().connection.retries, 2);
  t.scheduler.runDue();
  t.last().open();
  t.last().drop();
  assert.deepEqual(t.scheduler.delays(), [reconnectDelay(1)]);
  assert.ok(reconnectDelay(2) > reconnectDelay(1));
  assert.equal(reconnectDelay(100), reconnectDelay(50), 'the delay is capped');
});

test('a done that arrives while an event is missing replays from the last good seq', () => {
  const t = setup();
  t.last().open();
  for (const e of events) if (e.seq !== 4) t.last().event(e);
  t.last().done();
  assert.equal(t.s().result.status, undefined, 'not finished while an event is missing');
  assert.equal(t.sockets.length, 2);
  assert.equal(t.last().url, 'ws://test/api/v1/probes/abc/events?after=3');
  t.last().open();
  for (const e of events.slice(3)) t.last().event(e);
  t.last().done();
  assert.equal(lastSeq(t.s().result), events.length);
  assert.equal(t.s().result.status, 'complete');
  assert.equal(t.doneCalls(), 1);
});

test('done tells whether events are still missing: none after a full stream, some when the replays never filled the gap', () => {
  const full = setup();
  full.last().open();
  for (const e of events) full.last().event(e);
  full.last().done();
  assert.deepEqual(full.missingAtDone, [false]);
  const lossy = setup();
  for (let attempt = 0; attempt < 10 && lossy.doneCalls() === 0; attempt += 1) {
    lossy.last().open();
    for (const e of events) if (e.seq !== 4) lossy.last().event(e);
    lossy.last().done();
  }
  assert.equal(lossy.sockets.length, 4, 'three replays, then done is taken as is');
  assert.equal(lossy.s().result.status, 'complete');
  assert.deepEqual(lossy.missingAtDone, [true]);
});

test('messages that are not the contract are ignored, and nothing breaks', () => {
  const t = setup();
  t.last().open();
  t.last().receive('not json');
  t.last().receive(JSON.stringify({ type: 'surprise' }));
  t.last().receive(JSON.stringify({ type: 'event', seq: 0, event: {} }));
  t.last().receive(new Uint8Array([1, 2, 3]));
  t.last().event(events[0]!);
  t.scheduler.runDue();
  assert.equal(lastSeq(t.s().result), 1);
  assert.equal(t.s().result.status, undefined);
});

test('stop() closes the socket, cancels a pending reconnect and never reopens', () => {
  const t = setup();
  t.last().open();
  t.last().drop();
  assert.equal(t.scheduler.pending.size, 1);
  t.stop();
  assert.equal(t.scheduler.pending.size, 0);
  assert.equal(t.s().connection.phase, 'idle');
  const second = setup();
  second.last().open();
  second.stop();
  assert.equal(second.last().closed, true);
  second.last().drop(); // a late close event from the browser
  assert.equal(second.sockets.length, 1);
  assert.equal(second.scheduler.pending.size, 0);
});
