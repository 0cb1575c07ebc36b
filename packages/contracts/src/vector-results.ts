// The vector results an event stream holds: one per test key, the latest (a test run again, after a
// greylister's delay or with another sender for the controls, emits a second vector-result),
// in the order the tests first appeared. Used wherever results are read from events.
import type { ProbeEvent } from './events.js';
import type { VectorResult } from './results.js';

/** The latest result of each test, in order of first appearance. */
export function latestVectorResults(events: readonly ProbeEvent[]): VectorResult[] {
  const byKey = new Map<string, VectorResult>();
  for (const event of events) if (event.type === 'vector-result') byKey.set(event.result.key, event.result);
  return [...byKey.values()];
}
