// The REST calls (src/api/probes-api.ts) against a fake fetch: one call path for all of them, so
// each answers the same way: the value read from a good body, the server's ApiError for a refusal,
// "unexpected-response" for a body this page cannot read, "network-error" when nothing answered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProbe, getResult, getResultJson, listRecent } from '../src/api/probes-api.js';
import { documentOf, openRelayTranscript } from './helpers/events.js';

interface Sent {
  url: string;
  init: RequestInit | undefined;
}

/** A fetch that answers every request with `status` and `body`, and records what was sent. */
function fakeFetch(status: number, body: string) {
  const sent: Sent[] = [];
  const fetchFn = async (url: string, init?: RequestInit) => {
    sent.push({ url, init });
    return new Response(body, { status, headers: { 'content-type': 'application/json' } });
  };
  return { fetchFn, sent, headers: (i = 0) => new Headers(sent[i]?.init?.headers) };
}

const refusal = JSON.stringify({ error: { code: 'port-not-allowed', message: 'Port 2525 is not allowed.', field: 'port' } });

test('createProbe posts the body as JSON with the token, and reads the id and link', async () => {
  const f = fakeFetch(201, JSON.stringify({ id: 'AAAAAAAAAAAAAAAAAAAAAA', url: '/r/AAAAAAAAAAAAAAAAAAAAAA' }));
  const body = { target: 'mail.example.com', port: 25 };
  assert.deepEqual(await createProbe(body, 's3cret', f.fetchFn), { ok: true, value: { id: 'AAAAAAAAAAAAAAAAAAAAAA', url: '/r/AAAAAAAAAAAAAAAAAAAAAA' } });
  assert.equal(f.sent[0]?.url, '/api/v1/probes');
  assert.equal(f.sent[0]?.init?.method, 'POST');
  assert.deepEqual(JSON.parse(String(f.sent[0]?.init?.body)), body);
  assert.equal(f.headers().get('authorization'), 'Bearer s3cret');
  assert.equal(f.headers().get('accept'), 'application/json');
  const anonymous = fakeFetch(201, JSON.stringify({ id: 'x', url: '/r/x' }));
  await createProbe(body, '', anonymous.fetchFn);
  assert.equal(anonymous.headers().get('authorization'), null, 'no token, no Authorization header');
});

test("a refusal is the server's code, sentence and field, whichever call it was", async () => {
  const expected = { ok: false, status: 403, code: 'port-not-allowed', message: 'Port 2525 is not allowed.', field: 'port' };
  assert.deepEqual(await createProbe({ target: 'x' }, '', fakeFetch(403, refusal).fetchFn), expected);
  assert.deepEqual(await getResult('abc', fakeFetch(403, refusal).fetchFn), expected);
  assert.deepEqual(await getResultJson('abc', fakeFetch(403, refusal).fetchFn), expected);
  assert.deepEqual(await listRecent('', fakeFetch(403, refusal).fetchFn), expected);
});

test('an error page that is not JSON, or a success this page cannot read, is "unexpected-response"', async () => {
  const proxyError = await getResultJson('abc', fakeFetch(502, '<html>Bad gateway</html>').fetchFn);
  assert.deepEqual(proxyError, { ok: false, status: 502, code: 'unexpected-response', message: 'The relayprobe server answered with HTTP status 502.' });
  for (const body of ['{}', '{"id":1,"url":"/r/x"}', 'not json']) {
    const got = await createProbe({ target: 'x' }, '', fakeFetch(201, body).fetchFn);
    assert.equal(got.ok === false && got.code, 'unexpected-response', body);
  }
  const notADocument = await getResult('abc', fakeFetch(200, '{"id":"abc"}').fetchFn);
  assert.equal(notADocument.ok === false && notADocument.code, 'unexpected-response');
});

test('no answer at all is "network-error" with status 0', async () => {
  const failing = async () => {
    throw new TypeError('Failed to fetch');
  };
  assert.deepEqual(await getResult('abc', failing), { ok: false, status: 0, code: 'network-error', message: 'Could not reach the relayprobe server (Failed to fetch).' });
  assert.equal((await getResultJson('abc', failing)).ok, false);
});

test('getResult reads the document; getResultJson gives the same answer as the server wrote it', async () => {
  const doc = documentOf('a/b', openRelayTranscript().events, 'complete');
  const written = JSON.stringify(doc, null, 2);
  const f = fakeFetch(200, written);
  const read = await getResult('a/b', f.fetchFn);
  assert.ok(read.ok);
  assert.deepEqual(read.value.events, doc.events);
  assert.equal(f.sent[0]?.url, '/api/v1/probes/a%2Fb', 'the id is one path segment');
  assert.equal(f.sent[0]?.init?.cache, 'no-store');
  assert.deepEqual(await getResultJson('a/b', fakeFetch(200, written).fetchFn), { ok: true, value: written });
});

test('listRecent asks for 20 with the token and keeps only the items it can show', async () => {
  const item = {
    id: 'a',
    url: '/r/a',
    target: 'mx.example.com',
    port: 25,
    suite: 'quick',
    status: 'complete',
    verdict: { code: 'closed', label: 'Not an open relay' },
    createdAt: '2026-01-01T00:00:00Z',
  };
  const unreadable = [{ ...item, port: '25' }, { ...item, status: 'paused' }, { ...item, verdict: { label: 'no code' } }, 'x', null];
  const f = fakeFetch(200, JSON.stringify({ items: [item, ...unreadable, { ...item, id: 'b', status: 'running', verdict: undefined }] }));
  const got = await listRecent('tok', f.fetchFn);
  assert.ok(got.ok);
  assert.deepEqual(
    got.value.items.map((i) => i.id),
    ['a', 'b'],
  );
  assert.equal(f.sent[0]?.url, '/api/v1/probes?limit=20');
  assert.equal(f.headers().get('authorization'), 'Bearer tok');
  const notAList = await listRecent('', fakeFetch(200, '{"items":"none"}').fetchFn);
  assert.equal(notAList.ok === false && notAList.code, 'unexpected-response');
});
