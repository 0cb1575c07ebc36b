// Servers come and go without leaks: close() is idempotent, ends open sessions and timers, and
// leaves no handle behind (this file ends by checking the process has no socket or timer left).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { closedPort, startHostile, startProfile, startScriptedServer, startSmtpServerProfile, startTrapListener } from '../src/index.js';
import { TestClient } from './smtp-test-client.js';

test('close() destroys open sessions, is idempotent, and the port stops accepting', async () => {
  const server = await startProfile('postfix-closed');
  const client = await TestClient.connect(server.port);
  await client.readReply();
  const first = server.close();
  assert.equal(server.close(), first, 'same promise');
  await first;
  await server.close();
  await client.closed;
  assert.equal(server.transcripts[0]?.closedBy, 'server');
  await assert.rejects(TestClient.connect(server.port), (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED');
});

test('close() interrupts a server asleep in a slow script (timers are cleared)', async () => {
  const server = await startHostile('one-byte-per-second', { intervalMs: 60_000 });
  const client = await TestClient.connect(server.port);
  assert.ok(await client.waitForBytes(1));
  await server.close();
  await client.closed;
});

test('connections and transcripts count every accepted connection', async () => {
  const trap = await startTrapListener();
  try {
    assert.equal(trap.host, '127.0.0.1');
    assert.equal(trap.connections, 0);
    const a = await TestClient.connect(trap.port);
    const b = await TestClient.connect(trap.port);
    a.write('hello\r\n');
    while (trap.transcripts[0]?.received.length !== 1) await new Promise((r) => setImmediate(r));
    assert.equal(trap.connections, 2);
    assert.equal(trap.transcripts.length, 2);
    assert.deepEqual(trap.transcripts[0]?.received, ['hello']);
    assert.equal(a.chunks.length + b.chunks.length, 0, 'the trap says nothing');
    a.destroy();
    b.destroy();
  } finally {
    await trap.close();
  }
});

test('closedPort() gives a port where connecting is refused', async () => {
  const port = await closedPort();
  assert.ok(port > 0 && port < 65536);
  await assert.rejects(
    new Promise((resolve, reject) => net.connect({ host: '127.0.0.1', port }).once('connect', resolve).once('error', reject)),
    (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED',
  );
});

test('a custom script gets raw control: exact bytes and timing, lines, and a clean end', async () => {
  const seen: unknown[] = [];
  let scriptDone!: () => void;
  const done = new Promise<void>((resolve) => (scriptDone = resolve));
  const server = await startScriptedServer(async (peer) => {
    peer.write('220-one\r\n');
    seen.push(await peer.sleep(1));
    seen.push(await peer.writeAndWait(Buffer.from('220 two\r\n')));
    const line = await peer.readLine();
    peer.write(`250 got ${line}\r\n`);
    seen.push(await peer.readLine(), peer.closed, await peer.sleep(1), await peer.writeAndWait('late'));
    scriptDone();
  });
  try {
    const client = await TestClient.connect(server.port);
    assert.deepEqual(await client.readReply(), ['220-one', '220 two']);
    assert.equal(await client.ask('PING'), '250 got PING');
    await client.quit();
    await done;
    // slept, wrote, then after the client left: no line, closed, no sleep, no write.
    assert.deepEqual(seen, [true, true, null, true, false, false]);
  } finally {
    await server.close();
  }
});

test('a script that throws loses only its connection, with a warning', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(w.message);
  process.on('warning', onWarning);
  const server = await startScriptedServer(async (peer) => {
    await peer.readLine();
    throw new Error('script bug');
  });
  try {
    const client = await TestClient.connect(server.port);
    client.write('x\r\n');
    await client.closed;
    while (warnings.length === 0) await new Promise((r) => setImmediate(r));
    assert.match(warnings[0] ?? '', /script bug/);
  } finally {
    process.off('warning', onWarning);
    await server.close();
  }
});

test('servers started and closed in parallel all go away', async () => {
  const servers = await Promise.all([
    startProfile('open-relay'),
    startProfile('implicit-tls'),
    startHostile('random-bytes'),
    startHostile('endless-continuation'),
    startSmtpServerProfile('postfix-closed'),
  ]);
  const clients = await Promise.all(servers.map((s) => TestClient.connect(s.port)));
  await Promise.all(clients.slice(2, 4).map((c) => c.waitForBytes(1000)));
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(clients.map((c) => c.closed));
});

after(() => {
  // What would keep the process alive: nothing of the kit may remain.
  const left = process.getActiveResourcesInfo().filter((r) => ['TCPServerWrap', 'TCPSocketWrap', 'Timeout', 'TLSWrap'].includes(r));
  assert.deepEqual(left, []);
});
