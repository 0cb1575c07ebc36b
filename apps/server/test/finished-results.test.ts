// Finished results as served text (probes/finished-results.ts): built from storage once, however
// many GETs and viewers ask (a finished result never changes); exactly the document the server
// would otherwise build and serialize; bounded by bytes, least recently used first out, an entry
// being replayed kept; a row still running never kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toSafeJson, type ProbeEvent } from '@relayprobe/contracts';
import { FinishedResults, type StoredResults } from '../src/probes/finished-results.js';
import { resultDocument } from '../src/probes/result-view.js';
import type { StoredProbe } from '../src/storage/probe-store.js';
import { isoAt, sampleEvents, sampleRequest, sampleResult } from './storage/sample-probes.js';

function storeOf(rows: StoredProbe[], events: (id: string) => ProbeEvent[]): StoredResults & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    getProbe: (id) => rows.find((r) => r.id === id),
    getEvents: (id) => (reads.push(id), events(id)),
  };
}

const complete = (id: string): StoredProbe => {
  const request = sampleRequest('mx.example.com');
  return {
    id,
    createdAt: isoAt(0),
    status: 'complete',
    target: 'mx.example.com',
    request,
    finishedAt: isoAt(9),
    verdict: { code: 'closed', label: 'Not an open relay' },
    result: { ...sampleResult(id, request, isoAt(0), isoAt(9)), status: 'complete' },
    lastSeq: 10,
  };
};
const interrupted = (id: string): StoredProbe => ({
  id,
  createdAt: isoAt(0),
  status: 'interrupted',
  target: 'mx.example.com',
  request: sampleRequest('mx.example.com'),
  finishedAt: isoAt(3),
  lastSeq: 10,
});

test('the JSON of a finished result is the document the server would build, as toSafeJson writes it', () => {
  for (const row of [complete('a'), interrupted('b')]) {
    const events = sampleEvents(1, 10);
    const results = new FinishedResults(storeOf([row], () => events));
    const json = results.get(row.id)?.document.toString('utf8') ?? '';
    assert.equal(json, toSafeJson(resultDocument(row, events)), row.status);
    assert.deepEqual(JSON.parse(json), JSON.parse(JSON.stringify(resultDocument(row, events))));
  }
});

test("each event's bytes are a view into the document: its JSON, as toSafeJson writes it", () => {
  const events = sampleEvents(1, 10);
  const result = new FinishedResults(storeOf([complete('a')], () => events)).get('a');
  assert.equal(result?.eventCount, 10);
  events.forEach((event, i) => {
    assert.equal(result?.event(i).toString('utf8'), toSafeJson(event));
    assert.equal(result?.event(i).buffer, result?.document.buffer, 'no copy');
  });
});

test('built from storage once, for every GET and every viewer', () => {
  const store = storeOf([complete('a')], () => sampleEvents(1, 10));
  const results = new FinishedResults(store);
  const first = results.get('a')?.document;
  for (let i = 0; i < 20; i++) assert.equal(results.get('a')?.document, first, 'the very bytes');
  results.hold('a')?.release();
  assert.deepEqual(store.reads, ['a']);
});

test('bounded by bytes: the least recently used goes first, one being replayed stays until released', () => {
  const rows = ['a', 'b', 'c'].map(complete);
  const store = storeOf(rows, () => sampleEvents(1, 10));
  const size = new FinishedResults(storeOf(rows, () => sampleEvents(1, 10))).get('a')?.document.length ?? 0;
  const results = new FinishedResults(store, Math.floor(size * 1.5));
  const held = results.hold('a');
  assert.ok(held?.result.document);
  results.get('b');
  results.get('c'); // over budget: b goes (a is held)
  results.get('a');
  assert.deepEqual(store.reads, ['a', 'b', 'c'], 'a was still there');
  results.get('b');
  assert.deepEqual(store.reads, ['a', 'b', 'c', 'b'], 'b had gone');
  held?.release();
  results.get('c');
  results.get('a');
  assert.equal(store.reads.filter((id) => id === 'a').length, 2, 'released and least recently used, a went');
});

test('a row still running (not live here) is built each time, never kept', () => {
  const row: StoredProbe = { ...interrupted('r'), status: 'running' };
  const store = storeOf([row], () => sampleEvents(1, 3));
  const results = new FinishedResults(store);
  assert.equal(results.get('r')?.status, 'running');
  results.get('r');
  assert.deepEqual(store.reads, ['r', 'r']);
  assert.equal(results.get('none'), undefined);
});
