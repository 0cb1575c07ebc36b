// The result document as GET /api/v1/probes/:id returns it: the final result when there is one,
// otherwise what the events so far say (a running or interrupted probe), read through the
// contracts' one fold of the events.
import { RELAYPROBE_VERSION, RESULT_SCHEMA_VERSION, documentFields, foldEvents, type ProbeEvent, type ResultDocument } from '@relayprobe/contracts';
import type { StoredProbe } from '../storage/probe-store.js';

/** Build the document from a stored row and its events. */
export function resultDocument(row: StoredProbe, events: readonly ProbeEvent[]): ResultDocument {
  if (row.result) return { ...row.result, status: row.status, events: [...events] };
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    id: row.id,
    tool: { name: 'relayprobe', version: RELAYPROBE_VERSION },
    status: row.status,
    request: row.request,
    startedAt: row.createdAt,
    ...(row.finishedAt ? { finishedAt: row.finishedAt } : {}),
    ...documentFields(foldEvents(events)),
    events: [...events],
  };
}
