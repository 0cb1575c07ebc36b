// A `probes` row as SQLite returns it, and its mapping to the StoredProbe the service uses.
// Absent values are left out of the object (not set to undefined), so a StoredProbe compares
// equal to the one that was written and serializes without nulls.
import type { ProbeRequest, ProbeStatus, VerdictCode } from '@relayprobe/contracts';
import type { StoredProbe } from './probe-store.js';

/** The columns of `probes` (migration 1). */
export interface ProbeRow {
  id: string;
  created_at: string;
  status: string;
  target: string;
  request: string;
  finished_at: string | null;
  verdict_code: string | null;
  verdict_label: string | null;
  result: string | null;
  last_seq: number;
}

/** Turn a row into a StoredProbe (the CHECK constraints guarantee the status). */
export function toStoredProbe(row: ProbeRow): StoredProbe {
  const probe: StoredProbe = {
    id: row.id,
    createdAt: row.created_at,
    status: row.status as ProbeStatus,
    target: row.target,
    request: JSON.parse(row.request) as ProbeRequest,
    lastSeq: row.last_seq,
  };
  if (row.finished_at !== null) probe.finishedAt = row.finished_at;
  if (row.verdict_code !== null && row.verdict_label !== null) {
    probe.verdict = { code: row.verdict_code as VerdictCode, label: row.verdict_label };
  }
  if (row.result !== null) probe.result = JSON.parse(row.result) as NonNullable<StoredProbe['result']>;
  return probe;
}
