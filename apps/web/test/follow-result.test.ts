// Following a result (src/live/follow-result.ts): the document first, then the live stream only
// while running, a 404 as "No such result", retries when the server cannot be reached. One read
// per result: the stream carries the session facts, so `done` needs no second read, unless the
// stream ended with events still missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProbeEvent, ResultDocument, SessionFacts } from '@relayprobe/contracts';
import { followResult } from '../src/live/follow-result.js';
import type { ApiOutcome } from '../src/api/api-outcome.js';
import { createAppStore } from '../src/store/app-store.js';
import { lastSeq } from '../src/store/result-state.js';
import { FakeScheduler } from './helpers/fake-live.js';
import { documentOf, openRelayTranscript } from './helpers/events.js';

const events = openRelayTranscript().events;
const session: SessionFacts = {
  port: 25,
  attempts: [{ address: '192.0.2.1', port: 25, outcome: 'smtp-session' }],
  heloFallback: false,
  extensions: [],
  pipelining: true,
  starttlsOffered: false,
  tls: null,
  localNames: [],
  connections: 1,
};
/** The same probe as the engine streams it now: the session event just before the verdict. */
const streamed: ProbeEvent[] = [
  ...events.slice(0, -1),
  { seq: events.length, ms: events.length * 10, type: 'session', phase: 'done', facts: session },
  { ...(events.at(-1) as ProbeEvent), seq: events.length + 1 },
];
const flush = () => new Promise((resolve) => setImmediate(resolve));

function setup(answers: ApiOutcome<ResultDocument>[]) {
  const store = createAppStore();
  const scheduler = new FakeScheduler();
  const watched: { id: string; onDone: (missing: boolean) => void }[] = [];
  let streamStopped = 0;
  let reads = 0;
  const stop = followResult({
    id: 'abc',
    fetchDocument: async () => answers[Math.min(reads++, answers.length - 1)] as ApiOutcome<ResultDocument>,
    watch: (id, onDone) => {
      watched.push({ id, onDone });
      return () => void (streamStopped += 1);
    },
    store: store.getState(),
    schedule: scheduler.schedule,
    cancel: scheduler.cancel,
  });
  return { s: () => store.getState(), store, scheduler, watched, stop, reads: () => reads, streamStopped: () => streamStopped };
}

test('a running result: the document, then the stream; done needs no second read, the stream brought the session facts', async () => {
  const t = setup([
    { ok: true, value: documentOf('abc', streamed.slice(0, 5), 'running') },
    { ok: true, value: documentOf('abc', streamed, 'complete', { session }) },
  ]);
  assert.equal(t.s().result.lookup, 'loading');
  await flush();
  assert.equal(t.s().result.lookup, 'found');
  assert.equal(lastSeq(t.s().result), 5);
  assert.equal(t.watched.length, 1);
  t.store.getState().receiveEvents(streamed.slice(5)); // what the live stream delivers (probe-socket.ts)
  t.watched[0]!.onDone(false);
  await flush();
  assert.equal(t.reads(), 1, 'one GET for the whole result');
  assert.deepEqual(t.s().result.view.session, session);
  t.stop();
  assert.equal(t.streamStopped(), 1);
});

test('a stream that ended with events still missing reads the document once more, which has them all', async () => {
  const t = setup([
    { ok: true, value: documentOf('abc', streamed.slice(0, 5), 'running') },
    { ok: true, value: documentOf('abc', streamed, 'complete') },
  ]);
  await flush();
  t.store.getState().receiveEvents(streamed.slice(6)); // event 6 never came
  t.watched[0]!.onDone(true);
  await flush();
  assert.equal(t.reads(), 2);
  assert.equal(lastSeq(t.s().result), streamed.length);
  assert.deepEqual(t.s().result.view.session, session);
});

test('a finished result is read once: one GET, no stream', async () => {
  const t = setup([{ ok: true, value: documentOf('abc', streamed, 'complete', { session }) }]);
  await flush();
  await flush();
  assert.equal(t.reads(), 1);
  assert.equal(t.watched.length, 0);
  assert.deepEqual(t.s().result.view.session, session);
});

test('a finished result stored before the session event existed still shows its session facts', async () => {
  const t = setup([{ ok: true, value: documentOf('abc', events, 'complete', { session }) }]);
  await flush();
  assert.equal(t.reads(), 1);
  assert.deepEqual(t.s().result.view.session, session);
});

test('a finished result needs no stream', async () => {
  const t = setup([{ ok: true, value: documentOf('abc', events, 'complete') }]);
  await flush();
  assert.equal(t.watched.length, 0);
  assert.equal(t.s().result.status, 'complete');
  assert.equal(t.s().result.events.length, events.length);
});

test('an unknown id is "not found", with no stream and no retry', async () => {
  const t = setup([{ ok: false, status: 404, code: 'not-found', message: 'No result with that id.' }]);
  await flush();
  assert.equal(t.s().result.lookup, 'not-found');
  assert.equal(t.watched.length, 0);
  assert.equal(t.scheduler.pending.size, 0);
});

test('an unreachable server is retried until the document comes', async () => {
  const t = setup([
    { ok: false, status: 0, code: 'network-error', message: 'Could not reach the relayprobe server.' },
    { ok: true, value: documentOf('abc', events, 'complete') },
  ]);
  await flush();
  assert.equal(t.s().result.lookup, 'failed');
  assert.equal(t.s().result.failure, 'Could not reach the relayprobe server.');
  assert.equal(t.scheduler.pending.size, 1);
  t.scheduler.runDue();
  await flush();
  assert.equal(t.s().result.lookup, 'found');
  assert.equal(t.s().result.failure, undefined);
});

test('stopping before the document arrives leaves the store alone', async () => {
  const t = setup([{ ok: true, value: documentOf('abc', events, 'running') }]);
  t.stop();
  await flush();
  assert.equal(t.s().result.lookup, 'loading');
  assert.equal(t.watched.length, 0);
});
