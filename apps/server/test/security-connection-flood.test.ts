// Attack: exhausting the server's file descriptors with idle connections (issue 12, item 11). One
// client that opens 20,000 TCP connections and sends nothing used to hold 20,000 descriptors,
// and then nobody else could connect. Open connections, HTTP and WebSocket alike, are capped per
// client address (RELAYPROBE_MAX_CONNECTIONS_PER_CLIENT; an IPv6 client counts by its /64): one
// over the cap is answered 429 too-many-connections in the API's format and closed at once, and
// other clients are not affected. Connections from a trusted proxy carry many clients, so they
// are not counted (the proxy limits its own clients). All from loopback, the second client bound
// to 127.0.0.2.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { ApiError, schemaErrors } from '@relayprobe/contracts';
import { clientOf } from '../src/http/connection-cap.js';
import { startTestServer, type TestServer } from './helpers/server-under-test.js';

const ANSWER_BOUND_MS = 10_000;
const servers: TestServer[] = [];
const sockets: Socket[] = [];
after(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((s) => s.close()));
});
const serve = async (env: Record<string, string | undefined>) => {
  const s = await startTestServer(env);
  servers.push(s);
  return s;
};

/** An idle connection from `localAddress`, once the TCP handshake is done; `answer` is all the server sent, once it closes (or the bound passes). */
async function idle(s: TestServer, localAddress = '127.0.0.1'): Promise<{ socket: Socket; answer: Promise<string> }> {
  const socket = connect({ port: Number(new URL(s.base).port), host: '127.0.0.1', localAddress });
  sockets.push(socket);
  let text = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  // A bound, so that a server that keeps an over-the-cap socket open fails the test instead of hanging it.
  const answer = new Promise<string>((resolve) => {
    const bound = setTimeout(() => resolve(`(still open after ${ANSWER_BOUND_MS} ms) ${text}`), ANSWER_BOUND_MS);
    socket.on('close', () => {
      clearTimeout(bound);
      resolve(text);
    });
  });
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { socket, answer };
}

/** A request on an open connection: the status line's code, read from the answer. */
function statusOn(socket: Socket): Promise<number> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: string) => {
      text += chunk;
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (match) {
        socket.off('data', onData);
        resolve(Number(match[1]));
      }
    };
    socket.on('data', onData);
    socket.write('GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  });
}

function assertRefusal(answer: string): void {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  assert.match(head, /^HTTP\/1\.1 429 /, answer.slice(0, 100));
  const parsed = JSON.parse(body) as ApiError;
  assert.deepEqual(schemaErrors(ApiError, parsed), []);
  assert.equal(parsed.error.code, 'too-many-connections');
  assert.match(parsed.error.message, /RELAYPROBE_MAX_CONNECTIONS_PER_CLIENT|connections/);
}

test('many idle sockets from one client: the cap holds, each one over it gets 429 and is closed; the ones inside work', async () => {
  const server = await serve({ RELAYPROBE_MAX_CONNECTIONS_PER_CLIENT: '40' });
  const opened = [];
  for (let i = 0; i < 120; i++) opened.push(await idle(server));
  // The first 40 were accepted before the rest (accept order), so exactly those stay open.
  const refused = opened.slice(40);
  for (const { answer } of refused) assertRefusal(await answer);
  for (const { socket } of opened.slice(0, 40)) assert.equal(await statusOn(socket), 200);
  // Another client is not affected.
  const other = await idle(server, '127.0.0.2');
  assert.equal(await statusOn(other.socket), 200);
});

test('WebSocket connections count too, and a freed place can be taken again', async () => {
  const server = await serve({ RELAYPROBE_MAX_CONNECTIONS_PER_CLIENT: '3' });
  const first = await idle(server);
  await idle(server);
  const ws = new WebSocket(`${server.wsBase}/api/v1/probes/AAAAAAAAAAAAAAAAAAAAAA/events`);
  ws.on('error', () => {}); // the id is unknown: an HTTP 404, but the connection was counted meanwhile
  const over = await idle(server);
  assertRefusal(await over.answer);
  ws.terminate();

  first.socket.destroy();
  // Once the server has seen that close, a new connection fits again (wait for that state).
  for (let attempt = 0; ; attempt++) {
    const again = await idle(server);
    const status = await Promise.race([statusOn(again.socket), again.answer.then(() => 'refused' as const)]);
    if (status === 200) break;
    assert.ok(attempt < 200, 'a freed place is never given back');
  }
});

test('connections from a trusted proxy are not counted against one client', async () => {
  const server = await serve({ RELAYPROBE_MAX_CONNECTIONS_PER_CLIENT: '2', RELAYPROBE_TRUST_PROXY: '127.0.0.1' });
  const opened = [];
  for (let i = 0; i < 6; i++) opened.push(await idle(server));
  for (const { socket } of opened) assert.equal(await statusOn(socket), 200);
});

test('an IPv6 client counts by its /64; an IPv4-mapped address as the IPv4 address', () => {
  assert.equal(clientOf('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
  assert.equal(clientOf('2001:db8:1:2::ffff'), '2001:db8:1:2::/64');
  assert.equal(clientOf('::ffff:10.1.2.3'), '10.1.2.3');
  assert.equal(clientOf('192.0.2.7'), '192.0.2.7');
});
