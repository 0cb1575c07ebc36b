// A `probes` row as SQLite returns it, and its mapping to the StoredProbe the service uses.
// Absent values are left out of the object (not set to undefined), so a StoredProbe compares
// equal to the one that was written and serializes without nulls. A row whose JSON does not parse,
// or parses to something else than the service wrote, throws DamagedRowError naming the column:
// the CHECK constraints keep such rows out, but not a disk error, a hand edit or a bad restore.
import type { ProbeRequest, ProbeStatus, VerdictCode } from '@relayprobe/contracts';
import type { StoredProbe } from './probe-store.js';
import { DamagedRowError } from './storage-errors.js';

const STATUSES: readonly string[] = ['running', 'complete', 'interrupted'];

/** A JSON object (not an array, not null). */
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
/** What the listing and the result read of a request (older rows may lack fields added since). */
const isRequest = (value: unknown): boolean => isObject(value) && Number.isInteger(value.port) && typeof value.suite === 'string';

/** Parse a JSON column of probe `id`; DamagedRowError when it does not parse or fails `isValid`. */
export function parseJsonColumn(id: string, part: string, text: string, isValid: (value: unknown) => boolean): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DamagedRowError(id, part, 'is not valid JSON');
  }
  if (!isValid(value)) throw new DamagedRowError(id, part, 'is not what relayprobe stores there');
  return value;
}

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

/** Turn a row into a StoredProbe; throws DamagedRowError for a damaged row. */
export function toStoredProbe(row: ProbeRow): StoredProbe {
  if (!STATUSES.includes(row.status)) throw new DamagedRowError(row.id, 'status', 'is not one relayprobe writes');
  const probe: StoredProbe = {
    id: row.id,
    createdAt: row.created_at,
    status: row.status as ProbeStatus,
    target: row.target,
    request: parseJsonColumn(row.id, 'request', row.request, isRequest) as ProbeRequest,
    lastSeq: row.last_seq,
  };
  if (row.finished_at !== null) probe.finishedAt = row.finished_at;
  if (row.verdict_code !== null && row.verdict_label !== null) {
    probe.verdict = { code: row.verdict_code as VerdictCode, label: row.verdict_label };
  }
  if (row.result !== null) probe.result = parseJsonColumn(row.id, 'result', row.result, isObject) as NonNullable<StoredProbe['result']>;
  return probe;
}
