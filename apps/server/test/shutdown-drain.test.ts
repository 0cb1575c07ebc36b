// What SIGTERM does to requests and viewers in flight (issue 12, item 6). A POST waiting on slow
// DNS used to get 201 fifty seconds after SIGTERM, and the process outlived the systemd unit's
// TimeoutStopSec (45 s); viewers got a bare close (1005) instead of `done`. Now: a POST that has
// not committed its row is answered 503 shutting-down at once; running probes get the grace
// period; each live viewer gets `done` once its probe's final state is stored (anything else gets
// 1012 "server restarting, reconnect"); requests during the grace period are answered in the API's
// format; and the whole exit fits the unit's TimeoutStopSec. DNS is a loopback UDP server that
// never answers; the server is the real entry point.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { startProfile, type ServerHandle } from '@relayprobe/testkit';
import { TEST_ENV, postProbe } from './helpers/server-under-test.js';
import { killAllServerProcesses, startServerProcess, type ServingProcess } from './helpers/server-process.js';
import { openViewer } from './helpers/security-ws-client.js';
import { makeTempDataDir } from './storage/temp-data-dir.js';

/** The unit's TimeoutStopSec: after it systemd sends SIGKILL, so the whole exit must fit in it. */
const STOP_BOUND_MS = Number(/^TimeoutStopSec=(\d+)s$/m.exec(readFileSync(new URL('../../../deploy/relayprobe.service', import.meta.url), 'utf8'))?.[1]) * 1000;

const cleanups: (() => unknown)[] = [];
after(async () => {
  await killAllServerProcesses();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A DNS server on loopback that reads every query and never answers one. */
async function silentDns(): Promise<{ socket: Socket; port: number; queries: () => number }> {
  const socket = createSocket('udp4');
  let queries = 0;
  socket.on('message', () => queries++);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return { socket, port: socket.address().port, queries: () => queries };
}

async function startServer(env: Record<string, string>): Promise<ServingProcess> {
  const data = makeTempDataDir();
  cleanups.push(data.remove);
  const server = await startServerProcess({ ...TEST_ENV, RELAYPROBE_DATA_DIR: data.dir, RELAYPROBE_LOG_LEVEL: 'info', ...env });
  cleanups.push(() => server.kill9());
  return server;
}

async function slowTarget(latencyMs: number): Promise<ServerHandle> {
  const target = await startProfile('postfix-closed', { latencyMs });
  cleanups.push(() => target.close());
  return target;
}

/** Resolve once `condition()` holds (a bound, not a timing assertion). */
async function until(condition: () => boolean, what: string, boundMs = 20_000): Promise<void> {
  for (const bound = Date.now() + boundMs; !condition(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() > bound) assert.fail(`still waiting after ${boundMs} ms: ${what}`);
  }
}

/** A request on a fresh connection: the status and body, or the socket error when there is no answer. */
function send(base: string, method: string, path: string, body?: object): Promise<{ status: number; text: string } | { error: string }> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
    const req = request(`${base}${path}`, { method, agent: false, headers }, (res) => {
      let text = '';
      res
        .setEncoding('utf8')
        .on('data', (chunk: string) => (text += chunk))
        .on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end(payload);
  });
}

test('a POST stuck on DNS that never answers gets 503 shutting-down at SIGTERM, and the process exits 0 within TimeoutStopSec', async (t) => {
  assert.ok(STOP_BOUND_MS >= 10_000, 'read TimeoutStopSec from deploy/relayprobe.service');
  const dns = await silentDns();
  // The default grace (20 s): a stuck POST must not make the exit wait for anything.
  const server = await startServer({ RELAYPROBE_DNS_SERVERS: `127.0.0.1:${dns.port}`, RELAYPROBE_SHUTDOWN_GRACE: '20' });
  const stuck = send(server.base, 'POST', '/api/v1/probes', { target: 'mx.never-answers.example', port: 2525, suite: 'quick' });
  await until(() => dns.queries() > 0, 'the server asked the DNS server');

  const signalledAt = Date.now();
  server.child.kill('SIGTERM');
  const answer = await stuck;
  const answeredMs = Date.now() - signalledAt;
  assert.ok('status' in answer, `the stuck POST was answered: ${JSON.stringify(answer)}`);
  assert.equal(answer.status, 503, answer.text);
  assert.equal(JSON.parse(answer.text).error.code, 'shutting-down', answer.text);
  assert.deepEqual(await server.exited(STOP_BOUND_MS), { code: 0, signal: null }, server.output());
  const tookMs = Date.now() - signalledAt;
  assert.ok(tookMs < STOP_BOUND_MS, `the exit took ${tookMs} ms`);
  t.diagnostic(`SIGTERM → stuck POST answered 503 in ${answeredMs} ms, process exited in ${tookMs} ms (bound ${STOP_BOUND_MS} ms)`);
});

test('SIGTERM during a probe: its viewer gets done (interrupted) and a normal close; during the grace the API answers in its format', async (t) => {
  const dns = await silentDns();
  const server = await startServer({ RELAYPROBE_DNS_SERVERS: `127.0.0.1:${dns.port}`, RELAYPROBE_SHUTDOWN_GRACE: '3' });
  const slow = await slowTarget(400);
  const created = await postProbe(server.base, { target: '127.0.0.1', port: slow.port, suite: 'standard' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id as string;
  const viewer = await openViewer(`${server.wsBase}/api/v1/probes/${id}/events`);
  await until(() => viewer.messages.length > 0, 'the viewer got a first event');
  const stuck = send(server.base, 'POST', '/api/v1/probes', { target: 'mx.never-answers.example', port: 2525, suite: 'quick' });
  await until(() => dns.queries() > 0, 'the stuck POST asked the DNS server');

  const signalledAt = Date.now();
  server.child.kill('SIGTERM');
  await server.waitForOutput('shutting down', 20_000);
  const answer = await stuck;
  assert.ok('status' in answer && answer.status === 503, `the stuck POST: ${JSON.stringify(answer)}`);
  assert.equal(server.child.exitCode, null, 'answered while the running probe still had its grace');

  // During the grace period: a new POST gets the API's 503, the running result is still readable.
  // The listener stays open during the grace, so a new client gets an answer rather than a refused connection.
  const late = await send(server.base, 'POST', '/api/v1/probes', { target: '127.0.0.1', port: slow.port, suite: 'quick' });
  assert.ok('status' in late, JSON.stringify(late));
  assert.equal(late.status, 503, late.text);
  assert.equal(JSON.parse(late.text).error.code, 'shutting-down', `in the API's format: ${late.text}`);
  const read = await send(server.base, 'GET', `/api/v1/probes/${id}`);
  assert.ok('status' in read && read.status === 200, JSON.stringify(read));

  const closed = await viewer.closed;
  assert.equal(closed.code, 1000, `a normal close after done, not ${closed.code} "${closed.reason}"`);
  const done = viewer.messages.at(-1);
  assert.equal(done?.type, 'done');
  assert.ok(done?.type === 'done' && (done.status === 'interrupted' || done.status === 'complete'), JSON.stringify(done));
  assert.deepEqual(await server.exited(STOP_BOUND_MS), { code: 0, signal: null }, server.output());
  t.diagnostic(`grace 3 s: viewer got done (${done?.type === 'done' ? done.status : '?'}), process exited ${Date.now() - signalledAt} ms after SIGTERM`);
});
