// A test run twice (greylist retry) must show once, with its latest result, where it first stood.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldEvents, type ProbeEvent, type VectorResult } from '../src/index.js';

// The projection moved into the fold (fold-events.ts); this is what `latestVectorResults` was.
const latestVectorResults = (events: readonly ProbeEvent[]) => foldEvents(events).vectors;

const result = (key: string, outcome: VectorResult['outcome']): VectorResult => ({ id: key, key, name: key, weight: 'strong', mailFrom: '<x@ext>', rcptTo: '<r@ext>', outcome, flags: [] });
const event = (seq: number, r: VectorResult): ProbeEvent => ({ seq, ms: seq, type: 'vector-result', result: r });

test('the latest result per key, in order of first appearance', () => {
  const events = [event(1, result('C1', 'deferred')), event(2, result('R01', 'deferred')), event(3, result('C1', 'accepted'))];
  assert.deepEqual(
    latestVectorResults(events).map((r) => [r.key, r.outcome]),
    [
      ['C1', 'accepted'],
      ['R01', 'deferred'],
    ],
  );
  assert.deepEqual(latestVectorResults([]), []);
});
