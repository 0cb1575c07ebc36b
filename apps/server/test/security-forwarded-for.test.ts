// Attack: a forged client id through a trusted proxy (SECURITY.md §4, issue 12 item 12). With
// RELAYPROBE_TRUST_PROXY set, the client's address is read from X-Forwarded-For; a proxy that
// passes on what the client wrote (or a client inside the trusted range) can put any text there,
// and Fastify takes the text as the client id: each new string is a new rate-limit budget and a
// new name in the logs. A forwarded client id that is not an IP address is refused with 400 in
// the API's format; a real one is still believed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, schemaErrors } from '@relayprobe/contracts';
import { postProbe, startTestServer, type TestServer } from './helpers/server-under-test.js';
import { fetchJson } from './helpers/api-reading.js';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
const server = await startTestServer({ RELAYPROBE_TRUST_PROXY: '127.0.0.1', RELAYPROBE_RATE_LIMIT: '2' });
servers.push(server);

test('a forwarded client id that is not an IP address is refused with 400, on every route', async () => {
  for (const forged of ['not-an-ip', 'unknown', '_hidden', '203.0.113.1.evil', '[2001:db8::1]:443', '0x7f.1']) {
    for (const path of ['/api/v1/health', '/api/v1/probes', '/r/AAAAAAAAAAAAAAAAAAAAAA']) {
      const response = await fetchJson(`${server.base}${path}`, { headers: { 'x-forwarded-for': `${forged}, 127.0.0.1` } });
      assert.equal(response.status, 400, `${JSON.stringify(forged)} ${path}: ${JSON.stringify(response.body)}`);
      assert.deepEqual(schemaErrors(ApiError, response.body), []);
      assert.equal(response.body.error.code, 'invalid-request');
      assert.match(response.body.error.message, /X-Forwarded-For/);
    }
  }
});

test('forged ids do not buy rate-limit budget: starting probes with them is refused before the limit counts', async () => {
  for (let i = 0; i < 4; i++) {
    const response = await postProbe(server.base, { target: '127.0.0.1', port: 1 }, { 'x-forwarded-for': `client-${i}` });
    assert.equal(response.status, 400, JSON.stringify(response.body));
  }
  // A real forwarded address is believed and has its own budget of 2.
  const real = [];
  for (let i = 0; i < 3; i++) real.push((await postProbe(server.base, { target: '127.0.0.1', port: 1 }, { 'x-forwarded-for': '198.51.100.7' })).status);
  assert.deepEqual(real, [403, 403, 429], 'port 1 is refused twice, then the budget of that client is spent');
});
