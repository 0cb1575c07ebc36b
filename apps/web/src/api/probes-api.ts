// Calls to the REST API (DESIGN.md "Contracts"): start a probe, read a result, list recent ones.
// Every call resolves to an ApiOutcome; nothing here throws for a refused or failed request.
import type { CreateProbeBody, CreateProbeResponse, ProbeList, ResultDocument } from '@relayprobe/contracts';
import { networkFailure, readApiError, type ApiOutcome } from './api-outcome.js';
import { readResultDocument } from '../live/server-messages.js';

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

const bearer = (token: string): Record<string, string> => (token === '' ? {} : { authorization: `Bearer ${token}` });

async function call<T>(fetchFn: Fetch, url: string, init: RequestInit, read: (body: unknown) => T | undefined): Promise<ApiOutcome<T>> {
  let response: Response;
  let body: unknown;
  try {
    response = await fetchFn(url, { ...init, headers: { accept: 'application/json', ...init.headers } });
    body = await response.json().catch(() => undefined);
  } catch (error) {
    return networkFailure(error);
  }
  if (!response.ok) return readApiError(response.status, body);
  const value = read(body);
  return value === undefined ? { ok: false, status: response.status, code: 'unexpected-response', message: 'The relayprobe server sent an answer this page cannot read.' } : { ok: true, value };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** POST /api/v1/probes. */
export function createProbe(body: CreateProbeBody, token: string, fetchFn: Fetch = fetch): Promise<ApiOutcome<CreateProbeResponse>> {
  const init = { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(token) }, body: JSON.stringify(body) };
  return call(fetchFn, '/api/v1/probes', init, (b) => (isObject(b) && typeof b.id === 'string' && typeof b.url === 'string' ? (b as CreateProbeResponse) : undefined));
}

/** GET /api/v1/probes/:id. */
export function getResult(id: string, fetchFn: Fetch = fetch): Promise<ApiOutcome<ResultDocument>> {
  return call(fetchFn, `/api/v1/probes/${encodeURIComponent(id)}`, { cache: 'no-store' }, readResultDocument);
}

/** GET /api/v1/probes?limit=N. */
export function listRecent(token: string, limit = 20, fetchFn: Fetch = fetch): Promise<ApiOutcome<ProbeList>> {
  return call(fetchFn, `/api/v1/probes?limit=${limit}`, { headers: bearer(token), cache: 'no-store' }, readProbeList);
}

/** The list with the items this page can show (id, target, port, status; verdict label when present). */
function readProbeList(body: unknown): ProbeList | undefined {
  if (!isObject(body) || !Array.isArray(body.items)) return undefined;
  const usable = (item: unknown) =>
    isObject(item) && typeof item.id === 'string' && typeof item.target === 'string' && Number.isInteger(item.port) && typeof item.status === 'string' &&
    (item.verdict === undefined || (isObject(item.verdict) && typeof item.verdict.label === 'string'));
  return { items: body.items.filter(usable) as ProbeList['items'] };
}

/** GET /api/v1/probes/:id as the server wrote it (for "Download JSON"). */
export async function getResultJson(id: string, fetchFn: Fetch = fetch): Promise<ApiOutcome<string>> {
  try {
    const response = await fetchFn(`/api/v1/probes/${encodeURIComponent(id)}`, { headers: { accept: 'application/json' }, cache: 'no-store' });
    const text = await response.text();
    if (response.ok) return { ok: true, value: text };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return readApiError(response.status, body);
  } catch (error) {
    return networkFailure(error);
  }
}
