// Calls to the REST API (DESIGN.md "Contracts"): start a probe, read a result, list recent ones.
// Every call resolves to an ApiOutcome; nothing here throws for a refused or failed request.
// Bodies are checked by the hand-written readers of live/server-messages.ts.
import type { CreateProbeBody, CreateProbeResponse, ProbeList, ResultDocument } from '@relayprobe/contracts';
import { networkFailure, readApiError, type ApiOutcome } from './api-outcome.js';
import { readCreateProbeResponse, readProbeList, readResultDocument } from '../live/server-messages.js';

/** fetch, or a stand-in (tests). */
export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** How many recent results the home page lists. */
const RECENT_LIMIT = 20;

/** The Authorization header for a token ('' sends none). */
export const bearer = (token: string): Record<string, string> => (token === '' ? {} : { authorization: `Bearer ${token}` });

/** The body as JSON, or undefined when it is not JSON (an error page from a proxy, say). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The one path of every call: send, read the body, turn an error status into the server's
 * ApiError (or a sentence of ours), and a success into `read(json, text)`'s value.
 */
export async function call<T>(fetchFn: Fetch, url: string, init: RequestInit, read: (body: unknown, text: string) => T | undefined): Promise<ApiOutcome<T>> {
  let response: Response;
  let text: string;
  try {
    response = await fetchFn(url, { ...init, headers: { accept: 'application/json', ...init.headers } });
    text = await response.text();
  } catch (error) {
    return networkFailure(error);
  }
  const body = parseJson(text);
  if (!response.ok) return readApiError(response.status, body);
  const value = read(body, text);
  return value === undefined ? { ok: false, status: response.status, code: 'unexpected-response', message: 'The relayprobe server sent an answer this page cannot read.' } : { ok: true, value };
}

/** POST /api/v1/probes. */
export function createProbe(body: CreateProbeBody, token: string, fetchFn: Fetch = fetch): Promise<ApiOutcome<CreateProbeResponse>> {
  const init = { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(token) }, body: JSON.stringify(body) };
  return call(fetchFn, '/api/v1/probes', init, readCreateProbeResponse);
}

/** GET /api/v1/probes/:id. */
export function getResult(id: string, fetchFn: Fetch = fetch): Promise<ApiOutcome<ResultDocument>> {
  return call(fetchFn, `/api/v1/probes/${encodeURIComponent(id)}`, { cache: 'no-store' }, readResultDocument);
}

/** GET /api/v1/probes/:id as the server wrote it, byte for byte (for "Download JSON"). */
export function getResultJson(id: string, fetchFn: Fetch = fetch): Promise<ApiOutcome<string>> {
  return call(fetchFn, `/api/v1/probes/${encodeURIComponent(id)}`, { cache: 'no-store' }, (_body, text) => text);
}

/** GET /api/v1/probes?limit=20, the latest first. */
export function listRecent(token: string, fetchFn: Fetch = fetch): Promise<ApiOutcome<ProbeList>> {
  return call(fetchFn, `/api/v1/probes?limit=${RECENT_LIMIT}`, { headers: bearer(token), cache: 'no-store' }, readProbeList);
}
