// The result document as GET /api/v1/probes/:id returns it: the final result when there is one,
// otherwise what the events so far say (a running or interrupted probe).
import { RELAYPROBE_VERSION, RESULT_SCHEMA_VERSION, latestVectorResults, type ProbeEvent, type ResultDocument } from '@relayprobe/contracts';
import type { StoredProbe } from '../storage/probe-store.js';

/** Build the document from a stored row and its events. */
export function resultDocument(row: StoredProbe, events: readonly ProbeEvent[]): ResultDocument {
  if (row.result) return { ...row.result, status: row.status, events: [...events] };
  const find = <T extends ProbeEvent['type']>(type: T) => events.filter((e): e is Extract<ProbeEvent, { type: T }> => e.type === type);
  const resolution = find('resolution')[0]?.resolution;
  const delivery = find('delivery').at(-1)?.result;
  const verdict = find('verdict').at(-1)?.verdict;
  return {
    schemaVersion: RESULT_SCHEMA_VERSION, id: row.id, tool: { name: 'relayprobe', version: RELAYPROBE_VERSION }, status: row.status,
    request: row.request, startedAt: row.createdAt, ...(row.finishedAt ? { finishedAt: row.finishedAt } : {}),
    ...(resolution ? { resolution } : {}), vectors: latestVectorResults(events), ...(delivery ? { delivery } : {}),
    ...(verdict ? { verdict } : {}), events: [...events],
  };
}
