// The store's logic, tested directly (STACK.md pitfall 9): merging events from the document and
// the live stream without gaps or duplicates, progress, verdict, final status, and the slices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldEvents } from '@relayprobe/contracts';
import { applyDocument, applyDone, emptyResult, hasGap, isRunning, lastSeq, mergeEvents } from '../src/store/result-state.js';
import { createAppStore } from '../src/store/app-store.js';
import { loadToken, saveToken } from '../src/store/token-storage.js';
import { documentOf, openRelayTranscript, VERDICT_OPEN } from './helpers/events.js';

const events = openRelayTranscript().events;
const seqs = (list: readonly { seq: number }[]) => list.map((e) => e.seq);

test('events merged in order are appended and counted', () => {
  const state = mergeEvents(emptyResult('a'), events.slice(0, 5));
  assert.deepEqual(seqs(state.events), [1, 2, 3, 4, 5]);
  assert.equal(lastSeq(state), 5);
  assert.equal(hasGap(state), false);
});

test('a replayed event (seq <= last seen) is ignored, and the state object is unchanged', () => {
  const state = mergeEvents(emptyResult('a'), events.slice(0, 5));
  const again = mergeEvents(state, events.slice(2, 5));
  assert.equal(again, state);
  const overlapping = mergeEvents(state, events.slice(3, 8));
  assert.deepEqual(seqs(overlapping.events), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test('an event past a gap waits, and is appended once the gap is filled', () => {
  let state = mergeEvents(emptyResult('a'), events.slice(0, 3));
  state = mergeEvents(state, [events[5]!, events[4]!]);
  assert.deepEqual(seqs(state.events), [1, 2, 3]);
  assert.equal(lastSeq(state), 3, 'held events do not count until the gap fills');
  assert.equal(hasGap(state), true);
  state = mergeEvents(state, [events[3]!]);
  assert.deepEqual(seqs(state.events), [1, 2, 3, 4, 5, 6]);
  assert.equal(lastSeq(state), 6);
  assert.equal(hasGap(state), false);
});

test('a duplicate arriving while events are held does not disturb them', () => {
  let state = mergeEvents(emptyResult('a'), events.slice(0, 2));
  state = mergeEvents(state, [events[3]!, events[3]!, events[1]!]);
  assert.deepEqual(seqs(state.events), [1, 2]);
  state = mergeEvents(state, [events[2]!]);
  assert.deepEqual(seqs(state.events), [1, 2, 3, 4]);
});

test('progress follows the latest vector-start and the verdict comes from its event', () => {
  const upToR01 = mergeEvents(emptyResult('a'), events.slice(0, 13));
  assert.deepEqual(upToR01.view.progress, { vector: 'R01', index: 2, total: 2 });
  assert.equal(upToR01.view.verdict, undefined);
  const all = mergeEvents(upToR01, events);
  assert.deepEqual(all.view.verdict, VERDICT_OPEN);
});

test('the derived view is the fold of the merged events, however they arrived', () => {
  const whole = foldEvents(events);
  let state = applyDocument(emptyResult('a'), documentOf('a', events.slice(0, 9), 'running'));
  state = mergeEvents(state, [events[12]!, events[11]!]); // ahead of a gap: held, not folded
  assert.deepEqual(state.view, foldEvents(events.slice(0, 9)));
  for (let at = 5; at < events.length; at += 4) state = mergeEvents(state, events.slice(at, at + 4));
  assert.deepEqual(state.view, whole);
  const replayed = mergeEvents(state, events);
  assert.equal(replayed.view, state.view, 'a replay folds nothing');
});

test('a document and the stream overlap without duplicates', () => {
  let state = applyDocument(emptyResult('a'), documentOf('a', events.slice(0, 10), 'running'));
  assert.equal(state.lookup, 'found');
  assert.equal(state.status, 'running');
  assert.equal(isRunning(state), true);
  state = mergeEvents(state, events.slice(6)); // the stream resumed from an older seq
  assert.deepEqual(
    seqs(state.events),
    events.map((e) => e.seq),
  );
});

test('done is final: a document read before it cannot turn the result back to running', () => {
  let state = mergeEvents(emptyResult('a'), events);
  state = applyDone(state, { status: 'complete', verdict: { code: 'open', label: 'Open relay' } });
  state = applyDocument(state, documentOf('a', events, 'running'));
  assert.equal(state.status, 'complete');
  assert.equal(isRunning(state), false);
  assert.deepEqual(state.doneVerdict, { code: 'open', label: 'Open relay' });
});

test('a finished document brings the session facts', () => {
  const session = { port: 25, attempts: [], heloFallback: false, extensions: ['PIPELINING'], pipelining: true, starttlsOffered: false, tls: null, localNames: [], connections: 1 };
  const state = applyDocument(emptyResult('a'), documentOf('a', events, 'complete', { session }));
  assert.deepEqual(state.view.session, session);
});

test('the store: opening a result clears the previous one; documents of another id are ignored', () => {
  const store = createAppStore();
  store.getState().openResult('a');
  store.getState().receiveEvents(events.slice(0, 4));
  store.getState().openResult('b');
  assert.equal(store.getState().result.id, 'b');
  assert.equal(store.getState().result.events.length, 0);
  assert.equal(store.getState().result.lookup, 'loading');
  store.getState().receiveDocument(documentOf('a', events, 'complete'));
  assert.equal(store.getState().result.events.length, 0);
  store.getState().receiveDocument(documentOf('b', events, 'complete'));
  assert.equal(store.getState().result.events.length, events.length);
  assert.equal(store.getState().result.status, 'complete');
});

test('the store: not found, and a failure that does not hide a result already shown', () => {
  const store = createAppStore();
  store.getState().openResult('a');
  store.getState().markNotFound();
  assert.equal(store.getState().result.lookup, 'not-found');
  store.getState().openResult('b');
  store.getState().markFailed('Could not reach the relayprobe server.');
  assert.equal(store.getState().result.lookup, 'failed');
  store.getState().receiveDocument(documentOf('b', events.slice(0, 3), 'running'));
  store.getState().markFailed('again');
  assert.equal(store.getState().result.lookup, 'found');
});

test('the store: form, auth and connection slices', () => {
  const store = createAppStore();
  const s = () => store.getState();
  assert.equal(s().form.port, '25');
  assert.equal(s().form.suite, 'standard');
  assert.equal(s().form.tls, 'auto');
  s().setField('target', 'mx.example.com');
  s().setProblem('The port must be a whole number from 1 to 65535.', 'port');
  assert.equal(s().form.target, 'mx.example.com');
  assert.equal(s().form.problemField, 'port');
  s().setProblem(undefined);
  assert.equal(s().form.problemField, undefined);
  assert.equal(s().auth.tokenNeeded, false);
  s().requireToken();
  s().setToken('secret');
  assert.deepEqual(s().auth, { token: 'secret', tokenNeeded: true });
  s().setConnection('retrying', 2);
  assert.deepEqual(s().connection, { phase: 'retrying', retries: 2 });
});

test('the token survives in storage, and blocked storage is not an error', () => {
  const map = new Map<string, string>();
  const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), removeItem: (k: string) => void map.delete(k) };
  assert.equal(saveToken(storage, 'abc'), true);
  assert.equal(loadToken(storage), 'abc');
  saveToken(storage, '');
  assert.equal(loadToken(storage), '');
  const blocked = {
    getItem: () => {
      throw new Error('SecurityError');
    },
    setItem: () => {
      throw new Error('QuotaExceeded');
    },
    removeItem: () => {},
  };
  assert.equal(loadToken(blocked), '');
  assert.equal(saveToken(blocked, 'abc'), false);
  assert.equal(loadToken(undefined), '');
});
