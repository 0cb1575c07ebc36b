// The two profile options benchmarks use to time replies: `onReplyWritten` reports each reply,
// whole (a multi-line reply once, RFC 5321 §4.2.1), before its bytes leave; `greetAfter` holds
// every session's greeting until the caller lets it go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startProfile, type ServerHandle } from '../src/index.js';
import { TestClient } from './smtp-test-client.js';

/** Bounds the wait for the server to record input, so a broken kit fails instead of hanging. */
const RECORD_BOUND_MS = 5000;

async function untilReceived(server: ServerHandle, line: string): Promise<void> {
  for (const until = Date.now() + RECORD_BOUND_MS; !server.transcripts[0]?.received.includes(line);) {
    if (Date.now() > until) throw new Error(`the server never recorded ${JSON.stringify(line)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('onReplyWritten reports every reply once, whole and in order, before the client can read it', async () => {
  const written: string[][] = [];
  const server = await startProfile('postfix-closed', { onReplyWritten: (lines) => written.push([...lines]) });
  try {
    const client = await TestClient.connect(server.port);
    const greeting = await client.readReply();
    assert.deepEqual(written, [greeting]);
    const ehlo = await client.command('EHLO client.example');
    assert.ok(ehlo.length > 1, 'the EHLO reply is multi-line');
    assert.deepEqual(written.at(-1), ehlo, 'a multi-line reply is reported once, all its lines');
    client.write('MAIL FROM:<x@example.com>\r\nRCPT TO:<r@example.com>\r\nRCPT TO:<postmaster>\r\n');
    const batch = [await client.readReply(), await client.readReply(), await client.readReply()];
    assert.deepEqual(written.slice(2), batch, 'a pipelined batch: one report per reply, in order');
    assert.deepEqual(await client.command('QUIT'), ['221 2.0.0 Bye']);
    assert.deepEqual(written.at(-1), ['221 2.0.0 Bye']);
    await client.closed;
  } finally {
    await server.close();
  }
});

test('greetAfter: the server takes the connection and its input but greets only once the promise settles', async () => {
  const written: string[][] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const server = await startProfile('postfix-closed', { greetAfter: gate, onReplyWritten: (lines) => written.push([...lines]) });
  try {
    const client = await TestClient.connect(server.port);
    client.write('NOOP\r\n');
    await untilReceived(server, 'NOOP');
    assert.deepEqual(written, [], 'nothing written while the gate is shut');
    assert.equal(client.chunks.length, 0);
    open();
    assert.deepEqual(await client.readReply(), ['220 mx.relay-test.example ESMTP Postfix']);
    assert.deepEqual(await client.readReply(), ['250 2.0.0 Ok'], 'the NOOP sent before the greeting is answered after it');
    await client.quit();
  } finally {
    await server.close();
  }
});
