// Calls to /api/v1/watches (issue 14): list, create ("Watch this server"), run now, pause or
// resume, delete. Every call resolves to an ApiOutcome through probes-api.ts's one `call` path.
import type { CreateWatchBody, CreateWatchResponse, RunWatchResponse, WatchList } from '@relayprobe/contracts';
import type { ApiOutcome } from './api-outcome.js';
import { bearer, call, type Fetch } from './probes-api.js';
import { readCreateProbeResponse, readRunWatchResponse, readWatchList } from '../live/server-messages.js';

const json = (token: string) => ({ 'content-type': 'application/json', ...bearer(token) });
const path = (id: string) => `/api/v1/watches/${encodeURIComponent(id)}`;

/** GET /api/v1/watches. */
export function listWatches(token: string, fetchFn: Fetch = fetch): Promise<ApiOutcome<WatchList>> {
  return call(fetchFn, '/api/v1/watches', { headers: bearer(token), cache: 'no-store' }, readWatchList);
}

/** POST /api/v1/watches (the answer has the same { id, url } shape as a new probe's). */
export function createWatch(body: CreateWatchBody, token: string, fetchFn: Fetch = fetch): Promise<ApiOutcome<CreateWatchResponse>> {
  return call(fetchFn, '/api/v1/watches', { method: 'POST', headers: json(token), body: JSON.stringify(body) }, readCreateProbeResponse);
}

/** POST /api/v1/watches/:id/run. */
export function runWatch(id: string, token: string, fetchFn: Fetch = fetch): Promise<ApiOutcome<RunWatchResponse>> {
  return call(fetchFn, `${path(id)}/run`, { method: 'POST', headers: bearer(token) }, readRunWatchResponse);
}

/** PATCH /api/v1/watches/:id { paused }. */
export function setWatchPaused(id: string, paused: boolean, token: string, fetchFn: Fetch = fetch): Promise<ApiOutcome<true>> {
  return call(fetchFn, path(id), { method: 'PATCH', headers: json(token), body: JSON.stringify({ paused }) }, () => true);
}

/** DELETE /api/v1/watches/:id. */
export function deleteWatch(id: string, token: string, fetchFn: Fetch = fetch): Promise<ApiOutcome<true>> {
  return call(fetchFn, path(id), { method: 'DELETE', headers: bearer(token) }, () => true);
}
