// The document GET /api/v1/probes/:id returns (src/probes/result-view.ts): a stored final result as
// it was stored (older ones, written before the session event existed, keep their session facts),
// and for a probe without one (running, or interrupted) the contracts' fold of its events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldEvents, type ProbeEvent, type ProbeRequest, type SessionFacts, type VectorResult, type Verdict } from '@relayprobe/contracts';
import { resultDocument } from '../src/probes/result-view.js';
import type { StoredProbe } from '../src/storage/probe-store.js';

const request: ProbeRequest = { target: '192.0.2.1', port: 25, suite: 'quick', tls: 'auto', helo: 'prober.example.net', testDomain: 'example.com', sendMessage: false, timeoutSeconds: 30 };
const row = (extra: Partial<StoredProbe> = {}): StoredProbe => ({ id: 'abc', createdAt: '2026-01-01T00:00:00.000Z', status: 'running', target: '192.0.2.1', request, lastSeq: 0, ...extra });
const result = (key: string, outcome: VectorResult['outcome']): VectorResult => ({
  id: key,
  key,
  name: key,
  weight: key.startsWith('C') ? 'control' : 'strong',
  mailFrom: '<x@ext>',
  rcptTo: '<r@ext>',
  outcome,
  flags: [],
});
const facts: SessionFacts = { port: 25, attempts: [], heloFallback: false, extensions: ['PIPELINING'], pipelining: true, starttlsOffered: false, tls: null, localNames: [], connections: 2 };
const verdict: Verdict = { code: 'closed', label: 'Not an open relay', summary: 's', advice: 'a', reasons: [] };

function events(withSession: boolean): ProbeEvent[] {
  const bodies = [
    { type: 'vector-start', vector: 'C1', name: 'C1', index: 1, total: 2 },
    { type: 'vector-result', result: result('C1', 'deferred') },
    { type: 'vector-start', vector: 'R01', name: 'R01', index: 2, total: 2 },
    { type: 'vector-result', result: result('R01', 'relay-denied') },
    { type: 'vector-start', vector: 'C1', name: 'C1', index: 1, total: 2 },
    { type: 'vector-result', result: result('C1', 'accepted') },
    ...(withSession ? [{ type: 'session', phase: 'done', facts }] : []),
    { type: 'verdict', verdict },
  ];
  return bodies.map((body, i) => ({ ...body, seq: i + 1, ms: i }) as ProbeEvent);
}

test('a probe without a stored result: the fold of its events, session facts included', () => {
  const stream = events(true);
  const doc = resultDocument(row({ status: 'interrupted', finishedAt: '2026-01-01T00:01:00.000Z' }), stream);
  assert.equal(doc.status, 'interrupted');
  assert.deepEqual(
    doc.vectors.map((v) => `${v.key}:${v.outcome}`),
    ['C1:accepted', 'R01:relay-denied'],
    'retried C1 once, with its latest result',
  );
  assert.deepEqual(doc.session, facts);
  assert.deepEqual(doc.verdict, verdict);
  assert.deepEqual(doc.events, stream);
  assert.equal(doc.resolution, undefined, 'what the events do not say is left out');
  assert.equal(doc.delivery, undefined);
});

test('a running probe with no events yet has no findings', () => {
  const doc = resultDocument(row(), []);
  assert.deepEqual(doc.vectors, []);
  assert.ok(!('session' in doc) && !('verdict' in doc));
});

test('a stored result from before the session event keeps its session facts', () => {
  const stream = events(false);
  const view = foldEvents(stream);
  const stored = {
    schemaVersion: 1 as const,
    id: 'abc',
    tool: { name: 'relayprobe' as const, version: '0.1.0' },
    status: 'complete' as const,
    request,
    startedAt: '2026-01-01T00:00:00.000Z',
    vectors: [...view.vectors],
    verdict,
    session: facts,
  };
  const doc = resultDocument(row({ status: 'complete', result: stored }), stream);
  assert.deepEqual(doc.session, facts);
  assert.deepEqual(doc.events, stream);
});
