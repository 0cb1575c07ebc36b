// Attack: abusing the service by volume (SECURITY.md §4). A client starts probes as fast as it can
// (using the prober's reputation and bandwidth), dodges the per-client limit by forging
// X-Forwarded-For, or enumerates result ids (links are capabilities) by asking for many unknown
// ones. The per-client limit must answer 429 `rate-limited` JSON; X-Forwarded-For counts only
// when the connection comes from a configured proxy (RELAYPROBE_TRUST_PROXY); 404s are limited too.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { closedPort } from '@relayprobe/testkit';
import { postProbe, startTestServer, waitForResult, type TestServer } from './helpers/server-under-test.js';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
const serve = async (env: Record<string, string | undefined>) => {
  const s = await startTestServer(env);
  servers.push(s);
  return s;
};

/** A cheap probe that really starts: a closed loopback port (a new one each time, so target limits stay out of the way). */
const cheapProbe = async () => ({ target: '127.0.0.1', port: await closedPort(), suite: 'quick' as const });

/** Starting probes: status codes in order; the started ones are awaited so nothing outlives the test. */
async function startProbes(server: TestServer, forwardedFor: (i: number) => string | undefined, count: number): Promise<{ status: number; body: any }[]> {
  const responses: { status: number; body: any }[] = [];
  for (let i = 0; i < count; i++) {
    const xff = forwardedFor(i);
    responses.push(await postProbe(server.base, await cheapProbe(), xff ? { 'x-forwarded-for': xff } : {}));
  }
  for (const r of responses) if (r.status === 201) await waitForResult(server.base, r.body.id);
  return responses;
}

function assertRateLimited(response: { status: number; body: any }, what: string): void {
  assert.equal(response.status, 429, `${what}: ${response.status} ${JSON.stringify(response.body)}`);
  assert.equal(response.body.error?.code, 'rate-limited', what);
  assert.match(response.body.error.message, /try again in \d+ s/, `${what}: says when to come back`);
}

test('RELAYPROBE_RATE_LIMIT=3: the 4th probe within a minute gets 429 rate-limited JSON', async () => {
  const server = await serve({ RELAYPROBE_RATE_LIMIT: '3' });
  const responses = await startProbes(server, () => undefined, 4);
  assert.deepEqual(
    responses.map((r) => r.status),
    [201, 201, 201, 429],
  );
  assertRateLimited(responses[3] as { status: number; body: any }, '4th POST');
  const raw = await fetch(`${server.base}/api/v1/probes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(await cheapProbe()) });
  assert.equal(raw.status, 429);
  assert.match(raw.headers.get('content-type') ?? '', /^application\/json/);
  assert.ok(Number(raw.headers.get('retry-after')) > 0, 'Retry-After says when');
  await raw.body?.cancel();
});

test('a forged X-Forwarded-For (new on every request) changes nothing without RELAYPROBE_TRUST_PROXY', async () => {
  const server = await serve({ RELAYPROBE_RATE_LIMIT: '3', RELAYPROBE_TRUST_PROXY: undefined });
  const responses = await startProbes(server, (i) => `203.0.113.${i + 1}`, 5);
  assert.deepEqual(
    responses.map((r) => r.status),
    [201, 201, 201, 429, 429],
    'every request counts against 127.0.0.1',
  );
  assertRateLimited(responses[3] as { status: number; body: any }, '4th POST with a fresh forged address');
});

test('X-Forwarded-For from an address that is not the configured proxy is not believed either', async () => {
  const server = await serve({ RELAYPROBE_RATE_LIMIT: '3', RELAYPROBE_TRUST_PROXY: '10.0.0.1' });
  const responses = await startProbes(server, (i) => `203.0.113.${i + 1}`, 4);
  assert.deepEqual(
    responses.map((r) => r.status),
    [201, 201, 201, 429],
  );
});

test('with RELAYPROBE_TRUST_PROXY=127.0.0.1 the forwarded client address is believed: each client gets its own budget', async () => {
  const server = await serve({ RELAYPROBE_RATE_LIMIT: '3', RELAYPROBE_TRUST_PROXY: '127.0.0.1' });
  const first = await startProbes(server, () => '203.0.113.7', 4);
  assert.deepEqual(
    first.map((r) => r.status),
    [201, 201, 201, 429],
    'one client behind the proxy hits its limit',
  );
  const other = await startProbes(server, () => '203.0.113.8', 1);
  assert.equal(other[0]?.status, 201, 'another client behind the same proxy has its own budget');
  // A client that prepends a forged hop gets nothing: the proxy appends the real one, and the
  // right-most untrusted address is the client.
  const forgedHop = await startProbes(server, () => '198.51.100.1, 203.0.113.7', 1);
  assert.equal(forgedHop[0]?.status, 429, 'a forged hop before the real client address changes nothing');
});

const unknownId = (i: number) => `unknown${String(i).padStart(15, '0')}`; // 22 characters, like a real id
const NOT_FOUND_ROUTES: readonly [string, (base: string, i: number) => string, boolean][] = [
  ['GET /api/v1/probes/:id', (base, i) => `${base}/api/v1/probes/${unknownId(i)}`, true],
  ['GET /r/:id', (base, i) => `${base}/r/${unknownId(i)}`, false],
  ['GET /api/v1/<unknown route>', (base, i) => `${base}/api/v1/nothing-${i}`, true],
];

for (const [what, url, json] of NOT_FOUND_ROUTES) {
  test(`404s are rate limited too: many unknown ids at ${what} eventually get 429`, async () => {
    const server = await serve({});
    const statuses: number[] = [];
    let limited: Response | undefined;
    // Bounded: a limit that never comes fails the test instead of looping.
    for (let i = 0; i < 300 && !limited; i++) {
      const response = await fetch(url(server.base, i));
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else await response.body?.cancel();
    }
    assert.ok(limited, `${what}: ${statuses.length} unknown ids, no 429 (statuses seen: ${[...new Set(statuses)].join(', ')})`);
    assert.ok(
      statuses.slice(0, -1).every((s) => s === 404),
      `${what}: 404 until the limit`,
    );
    if (json) assert.equal(((await limited.json()) as any).error?.code, 'rate-limited', what);
    else await limited.body?.cancel();
  });
}
