// The HTTP layer's answers at its edges (issue 12, item 12): whatever Fastify or Node would answer
// in their own words (a body in another charset, a URL or headers too long, a malformed request)
// comes in the API's error format, `{ error: { code, message } }`, without echoing the request;
// and a 401 names what the token guards on that route.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { ApiError, schemaErrors } from '@relayprobe/contracts';
import { startTestServer, type TestServer } from './helpers/server-under-test.js';
import { fetchJson } from './helpers/api-reading.js';

const TOKEN = 'edge-token-0123456789abcdef';
const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
const server = await startTestServer({ RELAYPROBE_AUTH_TOKEN: TOKEN });
servers.push(server);
const authorized = { authorization: `Bearer ${TOKEN}` };

/** The response is an API error with this status and code, and does not echo `notEchoed`. */
function assertApiError(response: { status: number; body: unknown }, status: number, code: string, notEchoed?: string): void {
  const shown = JSON.stringify(response.body).slice(0, 300);
  assert.equal(response.status, status, shown);
  assert.deepEqual(schemaErrors(ApiError, response.body), [], shown);
  assert.equal((response.body as ApiError).error.code, code, shown);
  if (notEchoed !== undefined) assert.ok(!shown.includes(notEchoed), `the request is not echoed: ${shown}`);
}

/** Send raw bytes on a new connection; the whole answer once the server closes it. */
function rawExchange(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(server.base).port), '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.end(bytes);
  });
}

/** The status and JSON body of a raw HTTP answer. */
function parseRaw(answer: string): { status: number; contentType: string | undefined; body: unknown } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const contentType = /^content-type: *(.+)$/im.exec(head)?.[1];
  return { status, contentType, body: JSON.parse(body) };
}

test('a JSON body in a charset other than UTF-8 is refused with 415 in the API format', async () => {
  for (const charset of ['utf-16', 'UTF-16LE', 'iso-8859-1', '"utf-16"']) {
    const response = await fetchJson(`${server.base}/api/v1/probes`, {
      method: 'POST',
      headers: { 'content-type': `application/json; charset=${charset}`, ...authorized },
      body: Buffer.from(JSON.stringify({ target: '127.0.0.1', port: 2525 }), 'utf16le'),
    });
    assertApiError(response, 415, 'invalid-request');
    assert.match(response.body.error.message, /UTF-8/, charset);
  }
  // UTF-8, however it is spelled, still reaches the route (here: the port check answers).
  for (const type of ['application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF8', 'application/json; charset="utf-8"']) {
    const response = await fetchJson(`${server.base}/api/v1/probes`, { method: 'POST', headers: { 'content-type': type, ...authorized }, body: JSON.stringify({ target: '127.0.0.1', port: 1 }) });
    assertApiError(response, 403, 'port-not-allowed');
  }
});

test('a path parameter too long answers 414 in the API format, without echoing the URL', async () => {
  const long = 'a'.repeat(500);
  for (const path of [`/api/v1/probes/${long}`, `/api/v1/probes/${long}/events`, `/r/${long}`]) {
    const response = await fetchJson(`${server.base}${path}`);
    assertApiError(response, 414, 'invalid-request', long.slice(0, 50));
    assert.match(response.body.error.message, /too long/);
  }
});

test('headers too large and a malformed request line answer in the API format too', async () => {
  const huge = parseRaw(await rawExchange(`GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`));
  assertApiError(huge, 431, 'invalid-request', 'bbbbbbbbbb');
  assert.match(huge.contentType ?? '', /^application\/json; charset=utf-8/);
  const garbage = parseRaw(await rawExchange('NOT HTTP AT ALL\r\n\r\n'));
  assertApiError(garbage, 400, 'invalid-request', 'NOT HTTP');
});

test('a 401 names what the token guards on that route', async () => {
  const cases: [string, RequestInit, RegExp][] = [
    ['/api/v1/probes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ target: '127.0.0.1' }) }, /token to start probes/],
    ['/api/v1/probes', {}, /token to list the stored results/],
    ['/metrics', {}, /token to read the metrics/],
  ];
  for (const [path, init, words] of cases) {
    const response = await fetchJson(`${server.base}${path}`, init);
    assertApiError(response, 401, 'unauthorized');
    assert.match(response.body.error.message, words, `${init.method ?? 'GET'} ${path}`);
    assert.match(response.body.error.message, /Authorization: Bearer/);
  }
});
