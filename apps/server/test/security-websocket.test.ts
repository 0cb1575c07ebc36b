// Attack: abuse of the live event stream, GET /api/v1/probes/:id/events (SECURITY.md §4).
// Cross-site WebSocket hijacking (a foreign page opening the stream with the visitor's browser),
// memory exhaustion by huge client frames or by a viewer that never reads (the server would
// buffer every event for it), junk client messages, and dead viewers held open forever. The
// server must refuse a foreign Origin before the upgrade, close on a frame over 16 KiB (1009) or
// any message but {"type":"ping"} (1008), drop a viewer whose buffer passes 1 MiB while the probe
// goes on and is stored, and terminate a viewer that does not answer pings.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHostile, startProfile, startScriptedServer, type ServerHandle } from '@relayprobe/testkit';
import type { EventMessage, ServerMessage } from '@relayprobe/contracts';
import { postProbe, startTestServer, waitForResult, type TestServer } from './helpers/server-under-test.js';
import { connectViewer, eventually, openViewer, type RecordingViewer } from './helpers/security-ws-client.js';

const PUBLIC_URL = 'https://relayprobe.example.com';
const server = await startTestServer({ RELAYPROBE_PUBLIC_URL: PUBLIC_URL });
const servers: TestServer[] = [server];
const targets: ServerHandle[] = [];
after(async () => {
  await Promise.all(targets.map((t) => t.close()));
  await Promise.all(servers.map((s) => s.close()));
});
const target = async <T extends ServerHandle>(started: Promise<T>) => {
  const t = await started;
  targets.push(t);
  return t;
};
const eventsUrl = (s: TestServer, id: string) => `${s.wsBase}/api/v1/probes/${id}/events`;
const events = (messages: ServerMessage[]) => messages.filter((m): m is EventMessage => m.type === 'event');

/** A probe that waits for a greeting that never comes, until its target is closed: the stream stays open meanwhile. */
async function runningProbe(s: TestServer): Promise<{ id: string; release: () => Promise<void> }> {
  const silent = await target(startHostile('silent'));
  const created = await postProbe(s.base, { target: '127.0.0.1', port: silent.port, suite: 'quick' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await eventually(() => silent.connections > 0, 'the probe connected');
  return { id: created.body.id as string, release: () => silent.close() };
}

/**
 * A server whose results may grow to what one stored before the result caps could hold, pinging
 * only once an hour (so no viewer here is dropped by the ping timeout), its warnings kept.
 */
const roomyLog: string[] = [];
const roomy = await startTestServer(
  { RELAYPROBE_LOG_LEVEL: 'warn' },
  { resultLimits: { replyBytes: 1024 * 1024, resultBytes: 256 * 1024 * 1024 }, pingIntervalMs: 3_600_000, logStream: { write: (line) => void roomyLog.push(line) } },
);
servers.push(roomy);
const dropsLogged = () => roomyLog.filter((line) => line.includes('dropping a viewer that does not read')).length;

const finished = await (async () => {
  const closed = await target(startProfile('postfix-closed'));
  const created = await postProbe(server.base, { target: '127.0.0.1', port: closed.port, suite: 'quick' });
  await waitForResult(server.base, created.body.id);
  return created.body.id as string;
})();

test('a foreign Origin is refused before the upgrade: 403 JSON, no socket', async () => {
  for (const origin of ['https://evil.example', `${PUBLIC_URL}.evil.example`, 'http://relayprobe.example.com', 'null', 'https://127.0.0.1.evil.example']) {
    const outcome = await connectViewer(eventsUrl(server, finished), { origin });
    assert.equal(outcome.refused, true, `${origin}: the upgrade must be refused`);
    if (!outcome.refused) continue;
    assert.equal(outcome.status, 403, origin);
    assert.equal(JSON.parse(outcome.body).error?.code, 'invalid-request', origin);
    assert.match(JSON.parse(outcome.body).error.message, /Origin/);
  }
});

test('same-origin, no Origin (not a browser) and the RELAYPROBE_PUBLIC_URL origin are accepted', async () => {
  const port = new URL(server.base).port;
  for (const origin of [`http://127.0.0.1:${port}`, undefined, PUBLIC_URL]) {
    const viewer = await openViewer(eventsUrl(server, finished), origin ? { origin } : {});
    const { code } = await viewer.closed;
    assert.equal(code, 1000, `${origin ?? 'no Origin'}: closed normally after done`);
    assert.equal(viewer.messages.at(-1)?.type, 'done', `${origin ?? 'no Origin'}: got the whole stream`);
    assert.ok(events(viewer.messages).length > 0);
  }
});

test('a client frame over 16 KiB closes that socket with 1009; the server and other viewers carry on', async () => {
  const probe = await runningProbe(server);
  const bystander = await openViewer(eventsUrl(server, probe.id));
  const attacker = await openViewer(eventsUrl(server, probe.id));
  attacker.ws.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(17 * 1024) }));
  assert.equal((await attacker.closed).code, 1009);
  assert.equal((await fetch(`${server.base}/api/v1/health`)).status, 200, 'the server still answers');
  await probe.release();
  assert.equal((await bystander.closed).code, 1000, 'the other viewer got its stream to the end');
  assert.equal(bystander.messages.at(-1)?.type, 'done');
  const doc = await waitForResult(server.base, probe.id);
  assert.deepEqual(
    events(bystander.messages).map((m) => m.event),
    doc.events,
  );
});

test('anything but {"type":"ping"} closes with 1008; a ping keeps the socket open', async () => {
  const probe = await runningProbe(server);
  const polite = await openViewer(eventsUrl(server, probe.id));
  polite.ws.send(JSON.stringify({ type: 'ping' }));
  const junk: (string | Buffer)[] = ['{"type":"hello"}', '{"type":"ping","extra":1}', 'not json', '[]', 'null', Buffer.from([0x01, 0x02])];
  for (const message of junk) {
    const viewer = await openViewer(eventsUrl(server, probe.id));
    viewer.ws.send(message, { binary: Buffer.isBuffer(message) });
    const { code, reason } = await viewer.closed;
    assert.equal(code, 1008, `${JSON.stringify(message.toString())}: closed as a policy violation`);
    assert.match(reason, /ping/, 'the reason says what is allowed');
  }
  await probe.release();
  assert.equal((await polite.closed).code, 1000, 'the viewer that sent a ping got the stream to its end');
  assert.equal(polite.messages.at(-1)?.type, 'done');
});

/**
 * A chatty target: every reply is 5 lines of ~4 KB of control bytes (each becomes a six-character
 * JSON escape), so one probe yields several MiB of events on a server whose result caps are raised
 * (`roomy`: the size a database written before the caps can hold; the caps themselves are
 * packages/probe/test/result-limits.test.ts's); it waits for `gate` before greeting, so viewers can
 * attach first.
 */
async function chattyTarget(gate: Promise<void> = Promise.resolve()): Promise<ServerHandle> {
  const filler = '\x01'.repeat(3990);
  const reply = (code: number, last: string) => `${`${code}-${filler}\r\n`.repeat(4)}${code} ${last}\r\n`;
  return target(
    startScriptedServer(async (peer) => {
      await gate;
      peer.write('220 mx.relay-test.example ESMTP\r\n');
      for (let line = await peer.readLine(); line !== null; line = await peer.readLine()) {
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'QUIT') return void (peer.write('221 2.0.0 Bye\r\n'), peer.end());
        peer.write(verb === 'RCPT' ? reply(554, '5.7.1 Relay access denied') : verb === 'EHLO' || verb === 'MAIL' || verb === 'RSET' ? reply(250, 'Ok') : '502 5.5.2 Error\r\n');
      }
    }),
  );
}

test('a viewer that never reads is dropped past 1 MiB; the other viewers and the stored probe are complete', async () => {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const chatty = await chattyTarget(gate);
  const created = await postProbe(roomy.base, { target: '127.0.0.1', port: chatty.port, suite: 'thorough', tls: 'none' });
  const id = created.body.id as string;
  const readers: RecordingViewer[] = [await openViewer(eventsUrl(roomy, id)), await openViewer(eventsUrl(roomy, id))];
  const stalled = await openViewer(eventsUrl(roomy, id));
  stalled.pauseReading();
  open();

  for (const reader of readers) assert.equal((await reader.closed).code, 1000, 'a reading viewer gets the whole stream');
  const doc = await waitForResult(roomy.base, id);
  assert.equal(doc.status, 'complete', 'the probe went on and was stored');
  const stored = JSON.stringify(doc.events).length;
  assert.ok(stored > 4 * 1024 * 1024, `the probe produced ${stored} bytes of events, far past the 1 MiB bound`);
  for (const reader of readers) {
    assert.equal(reader.messages.at(-1)?.type, 'done');
    assert.deepEqual(
      events(reader.messages).map((m) => m.event),
      doc.events,
      'every event, in order',
    );
  }

  stalled.resumeReading();
  const { code } = await stalled.closed;
  assert.equal(code, 1006, 'the stalled viewer was cut off (no close handshake)');
  assert.ok(!stalled.messages.some((m) => m.type === 'done'), 'the stalled viewer never got done');
  assert.ok(events(stalled.messages).length < doc.events.length, `the stalled viewer got ${events(stalled.messages).length} of ${doc.events.length} events`);
});

test('a viewer joining after a probe of several MiB reads all of it (the replay is not mistaken for a slow viewer)', async () => {
  const chatty = await chattyTarget();
  const created = await postProbe(roomy.base, { target: '127.0.0.1', port: chatty.port, suite: 'thorough', tls: 'none' });
  const doc = await waitForResult(roomy.base, created.body.id);
  assert.ok(JSON.stringify(doc.events).length > 4 * 1024 * 1024);
  const later = await openViewer(eventsUrl(roomy, created.body.id));
  const { code } = await later.closed;
  assert.equal(events(later.messages).length, doc.events.length, `got ${events(later.messages).length} of ${doc.events.length} stored events, then close ${code}`);
  assert.equal(code, 1000);
  assert.equal(later.messages.at(-1)?.type, 'done');
  assert.deepEqual(
    events(later.messages).map((m) => m.event),
    doc.events,
  );
});

test('a viewer that never reads a finished result of several MiB is dropped at the byte bound, not at the ping timeout', async () => {
  const chatty = await chattyTarget();
  const created = await postProbe(roomy.base, { target: '127.0.0.1', port: chatty.port, suite: 'thorough', tls: 'none' });
  const doc = await waitForResult(roomy.base, created.body.id);
  assert.ok(JSON.stringify(doc.events).length > 4 * 1024 * 1024);
  const before = dropsLogged();
  const stalled = await openViewer(eventsUrl(roomy, created.body.id));
  stalled.pauseReading();
  await eventually(() => dropsLogged() > before, 'the server dropped the viewer that does not read');
  stalled.resumeReading();
  const { code } = await stalled.closed;
  assert.equal(code, 1006, 'cut off, no close handshake');
  assert.ok(events(stalled.messages).length < doc.events.length, `it got ${events(stalled.messages).length} of ${doc.events.length} events`);
  assert.equal((await fetch(`${roomy.base}/api/v1/health`)).status, 200);
});

test('ping/pong: a viewer that does not answer pings is terminated; one that answers stays', async () => {
  const pinging = await startTestServer({}, { pingIntervalMs: 100 });
  servers.push(pinging);
  const probe = await runningProbe(pinging);
  const deaf = await openViewer(eventsUrl(pinging, probe.id), { autoPong: false });
  const alive = await openViewer(eventsUrl(pinging, probe.id));
  const { code } = await deaf.closed;
  assert.equal(code, 1006, 'terminated without a close handshake');
  assert.ok(deaf.pings >= 1, 'it was pinged before being dropped');
  await eventually(() => alive.pings >= 3, 'three pings to the answering viewer');
  assert.equal(alive.ws.readyState, alive.ws.OPEN, 'the viewer that answers pings is still connected');
  await probe.release();
  assert.equal((await alive.closed).code, 1000);
});
