// Attack: DNS rebinding (issue 12, item 9). A page on evil.example whose name the attacker then
// points at the service's address (127.0.0.1, an intranet address) is same-origin with it in the
// visitor's browser: without a check of the Host header, it can list every result (every result
// link) and start probes on a server without a token, and read the answers. REST checked neither
// Host nor Origin; the WebSocket only compared the two, which a rebound page passes. Now every
// route, REST, pages and the WebSocket alike, accepts only the hosts the service is reached by
// (RELAYPROBE_PUBLIC_URL's host, the listen address, localhost, RELAYPROBE_ALLOWED_HOSTS; any IP
// literal when it listens on every interface, since a literal cannot be rebound) and answers 421
// host-not-allowed otherwise; a request whose Origin is not the service's own gets 403. Both in
// the API's error format, before the route does anything.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { startTrapListener } from '@relayprobe/testkit';
import { ApiError, schemaErrors } from '@relayprobe/contracts';
import { startTestServer, waitForResult, type TestServer } from './helpers/server-under-test.js';
import { connectViewer } from './helpers/security-ws-client.js';

const PUBLIC_URL = 'https://relayprobe.example.com';
const trap = await startTrapListener();
const servers: TestServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await trap.close();
});
const serve = async (env: Record<string, string | undefined>) => {
  const s = await startTestServer(env);
  servers.push(s);
  return s;
};
const server = await serve({ RELAYPROBE_PUBLIC_URL: PUBLIC_URL, RELAYPROBE_ALLOWED_HOSTS: 'relayprobe.lan, 10.9.8.7,[fd00::7]' });
const port = new URL(server.base).port;

/** One request with exactly these headers (Host included); the status and JSON body. */
function send(s: TestServer, method: string, path: string, headers: Record<string, string>, body?: object): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${s.base}${path}`,
      { method, agent: false, setHost: false, headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}) } },
      (res) => {
        let text = '';
        res
          .setEncoding('utf8')
          .on('data', (chunk: string) => (text += chunk))
          .on('end', () => {
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // pages are HTML
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function assertRefused(response: { status: number; body: any }, status: number, code: string, what: string): void {
  assert.equal(response.status, status, `${what}: ${JSON.stringify(response.body).slice(0, 200)}`);
  assert.deepEqual(schemaErrors(ApiError, response.body), [], what);
  assert.equal(response.body.error.code, code, what);
}

const finished = await (async () => {
  const response = await send(server, 'POST', '/api/v1/probes', { host: `127.0.0.1:${port}` }, { target: '127.0.0.1', port: trap.port, suite: 'quick' });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  await waitForResult(server.base, response.body.id);
  return response.body.id as string;
})();
const trapBefore = trap.connections;

const ROUTES: [method: string, path: string, body?: object][] = [
  ['GET', '/api/v1/probes'],
  ['POST', '/api/v1/probes', { target: '127.0.0.1', port: trap.port, suite: 'quick' }],
  ['GET', `/api/v1/probes/${finished}`],
  ['GET', `/r/${finished}`],
  ['GET', '/'],
  ['GET', '/api/v1/health'],
  ['GET', '/metrics'],
  ['GET', '/api/v1/openapi.json'],
  ['GET', '/no/such/route'],
];

test('a Host the service is not reached by gets 421 host-not-allowed on every route; nothing runs', async () => {
  const hosts = [
    'evil.example',
    `evil.example:${port}`,
    'relayprobe.example.com.evil.example',
    `127.0.0.1.nip.io:${port}`,
    'localhost.evil.example',
    'relayprobe.lan.evil.example',
    '192.0.2.10',
    `[2001:db8::1]:${port}`,
  ];
  for (const host of hosts) {
    for (const [method, path, body] of ROUTES) {
      const response = await send(server, method, path, { host }, body);
      assertRefused(response, 421, 'host-not-allowed', `${method} ${path} with Host ${host}`);
      assert.match(response.body.error.message, /RELAYPROBE_ALLOWED_HOSTS/);
    }
  }
  assert.equal(trap.connections, trapBefore, 'no probe was started');
});

test('the WebSocket upgrade checks the Host too, and the Origin', async () => {
  const url = `${server.wsBase}/api/v1/probes/${finished}/events`;
  const rebound = await connectViewer(url, { headers: { host: `evil.example:${port}` }, origin: `http://evil.example:${port}` });
  assert.ok(rebound.refused, 'a rebound page (Origin and Host both evil.example) is refused');
  if (rebound.refused) {
    assert.equal(rebound.status, 421);
    assert.equal(JSON.parse(rebound.body).error.code, 'host-not-allowed');
  }
  const foreign = await connectViewer(url, { origin: 'https://evil.example' });
  assert.ok(foreign.refused && foreign.status === 403, 'a foreign Origin on the right Host is refused');
});

test('the server closes the connection of a refused upgrade itself (refused sockets cannot pile up)', async () => {
  for (const headers of [`Host: evil.example:${port}`, `Host: 127.0.0.1:${port}\r\nOrigin: https://evil.example`]) {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let text = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      // A bound, so that a server that keeps the socket open fails the test instead of hanging it.
      const bound = setTimeout(() => {
        socket.destroy();
        reject(new Error(`the server kept the refused upgrade's connection open: ${text.slice(0, 80)}`));
      }, 10_000);
      socket.on('end', () => {
        clearTimeout(bound);
        resolve(text); // the server's FIN, while this side keeps its end open
      });
      socket.on('error', reject);
      socket.write(
        `GET /api/v1/probes/${finished}/events HTTP/1.1\r\n${headers}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      );
    });
    assert.match(answer, /^HTTP\/1\.1 (421|403) /, answer.slice(0, 80));
  }
});

test('the hosts it is reached by are accepted: public URL, listen address, localhost, RELAYPROBE_ALLOWED_HOSTS', async () => {
  const hosts = [
    'relayprobe.example.com',
    'RELAYPROBE.Example.COM',
    'relayprobe.example.com.',
    'relayprobe.example.com:443',
    `127.0.0.1:${port}`,
    `localhost:${port}`,
    'localhost',
    `relayprobe.lan:${port}`,
    `10.9.8.7:${port}`,
    `[fd00::7]:${port}`,
  ];
  for (const host of hosts) {
    const response = await send(server, 'GET', '/api/v1/health', { host });
    assert.equal(response.status, 200, `Host ${host}: ${JSON.stringify(response.body)}`);
  }
});

test("a request whose Origin is not the service's own gets 403, REST and WebSocket alike; its own Origin is fine", async () => {
  const host = `127.0.0.1:${port}`;
  for (const origin of ['https://evil.example', 'null', `http://127.0.0.1:${Number(port) + 1}`, 'http://relayprobe.example.com', `${PUBLIC_URL}.evil.example`, 'not a url']) {
    for (const [method, path, body] of ROUTES) {
      const response = await send(server, method, path, { host, origin }, body);
      assertRefused(response, 403, 'invalid-request', `${method} ${path} from Origin ${origin}`);
      assert.match(response.body.error.message, /Origin/);
    }
  }
  for (const origin of [`http://${host}`, PUBLIC_URL]) {
    assert.equal((await send(server, 'GET', '/api/v1/probes', { host, origin })).status, 200, origin);
  }
  assert.equal(trap.connections, trapBefore, 'no probe was started');
});

test('listening on every interface: any IP literal is a Host it may be reached by, a name is not', async () => {
  const wildcard = await serve({ RELAYPROBE_HOST: '0.0.0.0' });
  const wildPort = new URL(wildcard.base).port;
  for (const host of [`192.0.2.10:${wildPort}`, `10.1.2.3:${wildPort}`, `[2001:db8::1]:${wildPort}`, `localhost:${wildPort}`]) {
    assert.equal((await send(wildcard, 'GET', '/api/v1/health', { host })).status, 200, host);
  }
  assertRefused(await send(wildcard, 'GET', '/api/v1/health', { host: `evil.example:${wildPort}` }), 421, 'host-not-allowed', 'a name');
});

test('behind a trusted proxy the forwarded host is the one checked', async () => {
  const proxied = await serve({ RELAYPROBE_TRUST_PROXY: '127.0.0.1', RELAYPROBE_PUBLIC_URL: PUBLIC_URL });
  const ok = await send(proxied, 'GET', '/api/v1/health', { host: '127.0.0.1', 'x-forwarded-host': 'relayprobe.example.com' });
  assert.equal(ok.status, 200);
  assertRefused(await send(proxied, 'GET', '/api/v1/health', { host: '127.0.0.1', 'x-forwarded-host': 'evil.example' }), 421, 'host-not-allowed', 'forwarded evil host');
});

test('a WebSocket client without Host problems still streams (the e2e and browser path)', async () => {
  const socket = new WebSocket(`${server.wsBase}/api/v1/probes/${finished}/events`, { origin: server.base });
  const last = await new Promise<string>((resolve, reject) => {
    let message = '';
    socket.on('message', (data) => (message = data.toString()));
    socket.on('close', () => resolve(message));
    socket.on('error', reject);
  });
  assert.equal(JSON.parse(last).type, 'done');
});
