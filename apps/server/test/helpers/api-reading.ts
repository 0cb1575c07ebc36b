// Small readers for API tests (and the benchmarks, by relative path): JSON responses with their
// headers, every stored probe through the list's pages, a refused WebSocket upgrade, one
// Prometheus series, and the head tags of a page. No assertions here; tests assert.
import WebSocket from 'ws';
import type { ProbeList, ProbeSummary } from '@relayprobe/contracts';

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** fetch and parse the JSON body (throws if it is not JSON: every API answer must be). */
export async function fetchJson(url: string, init: RequestInit = {}): Promise<JsonResponse> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, headers: response.headers, body };
}

/** Every probe the server lists (acknowledged or not), newest first, through GET /api/v1/probes pages. */
export async function listAllProbes(base: string): Promise<ProbeSummary[]> {
  const items: ProbeSummary[] = [];
  let before: string | undefined;
  do {
    const page = (await (await fetch(`${base}/api/v1/probes?limit=100${before ? `&before=${encodeURIComponent(before)}` : ''}`)).json()) as ProbeList;
    items.push(...page.items);
    before = page.next;
  } while (before !== undefined);
  return items;
}

/** Try a WebSocket upgrade that the server should refuse; resolves with the HTTP status and body it sent instead. */
export function refusedUpgrade(url: string, boundMs = 5000): Promise<{ status: number; contentType: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no answer to the upgrade of ${url} within ${boundMs} ms`));
    }, boundMs);
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'], body });
      });
    });
    socket.on('open', () => {
      clearTimeout(timer);
      socket.terminate();
      reject(new Error(`the upgrade of ${url} was accepted`));
    });
    socket.on('error', () => {
      // 'unexpected-response' or 'open' settles the promise; errors after that are the aborted socket.
    });
  });
}

/** The value of one series (`name` or `name{labels}`, written exactly as exposed), or undefined when absent. */
export function metricValue(exposition: string, series: string): number | undefined {
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    if (space > 0 && line.slice(0, space) === series) return Number(line.slice(space + 1));
  }
  return undefined;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescape = (text: string) => text.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);

/** Text of the page's <title>, unescaped. */
export function pageTitle(page: string): string | undefined {
  const match = /<title>([^<]*)<\/title>/.exec(page);
  return match?.[1] === undefined ? undefined : unescape(match[1]);
}

/** content of `<meta property|name="key" content="...">`, unescaped. */
export function metaContent(page: string, key: string): string | undefined {
  for (const tag of page.match(/<meta\b[^>]*>/g) ?? []) {
    const named = new RegExp(`\\b(?:property|name)="${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`).test(tag);
    const content = /\bcontent="([^"]*)"/.exec(tag)?.[1];
    if (named && content !== undefined) return unescape(content);
  }
  return undefined;
}
