// The SMTP engine under every profile: pipelined input answered in order, sequence and syntax
// errors, DATA, the record of what the client sent, split writes and the latency knob.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitIntoPieces } from '../src/reply-writer.js';
import { startProfile } from '../src/index.js';
import { TestClient } from './smtp-test-client.js';

async function greeted(port: number): Promise<TestClient> {
  const client = await TestClient.connect(port);
  await client.readReply();
  return client;
}

test('pipelined commands get one reply each, in order, in one batch', async () => {
  const server = await startProfile('postfix-closed');
  try {
    const client = await greeted(server.port);
    await client.command('EHLO client.example');
    const before = client.chunks.length;
    client.write('RSET\r\nMAIL FROM:<x@example.com>\r\nRCPT TO:<r@example.com>\r\nRCPT TO:<postmaster>\r\nNOOP\r\n');
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push((await client.readReply()).join('\n'));
    assert.deepEqual(replies, ['250 2.0.0 Ok', '250 2.1.0 Ok', '554 5.7.1 <r@example.com>: Relay access denied', '250 2.1.5 Ok', '250 2.0.0 Ok']);
    // The server flushes once the batch is consumed: all five replies left in one write.
    assert.equal(client.chunks.length - before, 1);
    await client.quit();
  } finally {
    await server.close();
  }
});

test('pipelined input split at odd places is still answered command by command', async () => {
  const server = await startProfile('open-relay', { pipelining: false });
  try {
    const client = await greeted(server.port);
    client.write('EHLO client.example\r\nMAIL FROM:<x@exa');
    client.write('mple.com>\r');
    client.write('\nRCPT TO:<r@example.com>\r\n');
    assert.equal((await client.readReply())[0], '250-mx.relay-test.example');
    assert.equal(await client.readLine(), '250 2.1.0 Ok');
    assert.equal(await client.readLine(), '250 2.1.5 Ok');
    await client.quit();
  } finally {
    await server.close();
  }
});

test('sequence and syntax errors get Postfix replies', async () => {
  const server = await startProfile('postfix-closed');
  try {
    const client = await greeted(server.port);
    assert.equal(await client.ask('MAIL FROM:<x@example.com>'), '503 5.5.1 Error: send HELO/EHLO first');
    assert.equal(await client.ask('EHLO'), '501 5.5.4 Syntax: EHLO hostname');
    assert.equal(await client.ask('HELO'), '501 5.5.4 Syntax: HELO hostname');
    assert.equal(await client.ask('HELO client.example'), '250 mx.relay-test.example');
    assert.equal(await client.ask('RCPT TO:<postmaster>'), '503 5.5.1 Error: need MAIL command');
    assert.equal(await client.ask('DATA'), '503 5.5.1 Error: need MAIL command');
    assert.equal(await client.ask('MAIL <x@example.com>'), '501 5.5.4 Syntax: MAIL FROM:<address>');
    assert.equal(await client.ask('MAIL FROM:<x@example.com> SIZE=99999999'), '552 5.3.4 Message size exceeds fixed limit');
    assert.equal(await client.ask('MAIL FROM:<x@example.com> SIZE=1000'), '250 2.1.0 Ok');
    assert.equal(await client.ask('MAIL FROM:<x@example.com>'), '503 5.5.1 Error: nested MAIL command');
    assert.equal(await client.ask('RCPT <postmaster>'), '501 5.5.4 Syntax: RCPT TO:<address>');
    assert.equal(await client.ask('RCPT TO:<>'), '501 5.1.3 Bad recipient address syntax');
    assert.equal(await client.ask('RCPT TO:<r@example.com>'), '554 5.7.1 <r@example.com>: Relay access denied');
    assert.equal(await client.ask('DATA'), '554 5.5.1 No valid recipients');
    assert.equal(await client.ask('STARTTLS'), '502 5.5.2 Error: command not recognized', 'not offered without a tls option');
    assert.equal(await client.ask('AUTH PLAIN AGF1dGgAc2VjcmV0'), '502 5.5.2 Error: command not recognized');
    assert.equal(await client.ask('XYZZY'), '502 5.5.2 Error: command not recognized');
    assert.equal(await client.ask('VRFY postmaster'), '252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery');
    await client.quit();
  } finally {
    await server.close();
  }
});

test('DATA: 354, dot-unstuffing, queued as an id, message recorded; accept-all reports ABC123', async () => {
  for (const [name, id] of [
    ['open-relay', '4F000001'],
    ['accept-all', 'ABC123'],
  ] as const) {
    const server = await startProfile(name);
    try {
      const client = await greeted(server.port);
      await client.command('EHLO client.example');
      await client.ask('MAIL FROM:<x@example.com>');
      await client.ask('RCPT TO:<r@example.com>');
      assert.equal(await client.ask('DATA'), '354 End data with <CR><LF>.<CR><LF>');
      client.write('Subject: test\r\n\r\n..leading dot\r\nbody\r\n.\r\n');
      assert.equal((await client.readReply())[0], `250 2.0.0 Ok: queued as ${id}`);
      assert.equal(await client.ask('DATA'), '503 5.5.1 Error: need MAIL command', 'the transaction is over');
      await client.quit();
      assert.deepEqual(server.transcripts[0]?.messages, [{ mailFrom: '<x@example.com>', rcptTo: ['<r@example.com>'], data: 'Subject: test\r\n\r\n.leading dot\r\nbody', queueId: id }]);
    } finally {
      await server.close();
    }
  }
});

test('the record keeps every line exactly and the raw chunks with their line endings', async () => {
  const server = await startProfile('postfix-closed');
  try {
    const client = await greeted(server.port);
    client.write('EHLO client.example\r\n');
    await client.readReply();
    client.write('NOOP\r\r\n');
    await client.readReply();
    client.write('RSET\n');
    await client.readReply();
    client.write('QUIT\r\n');
    await client.closed;
    const record = server.transcripts[0];
    assert.ok(record);
    assert.deepEqual(record.received, ['EHLO client.example', 'NOOP\r', 'RSET', 'QUIT']);
    assert.deepEqual(Buffer.concat(record.rawReceived).toString('latin1'), 'EHLO client.example\r\nNOOP\r\r\nRSET\nQUIT\r\n');
    assert.equal(record.tls, false);
    assert.equal(record.closedBy, 'server');
  } finally {
    await server.close();
  }
});

test('a client that hangs up is recorded as closing first', async () => {
  const server = await startProfile('postfix-closed');
  try {
    const client = await greeted(server.port);
    client.write('EHLO client.example\r\n');
    await client.readReply();
    await client.quit();
    while (server.transcripts[0]?.closedBy === null) await new Promise((r) => setImmediate(r));
    assert.equal(server.transcripts[0]?.closedBy, 'client');
  } finally {
    await server.close();
  }
});

test('split-writes: the greeting arrives in many chunks, cut mid-code and between CR and LF', async () => {
  const server = await startProfile('split-writes');
  try {
    const client = await TestClient.connect(server.port);
    assert.deepEqual(await client.readReply(), ['220-mx.relay-test.example ESMTP', '220-second line', '220 ready']);
    const greetingChunks = client.chunks.length;
    assert.ok(greetingChunks >= 8, `greeting came in ${greetingChunks} chunks`);
    assert.ok(
      client.chunks.some((c) => c.at(-1) === 0x0d),
      'some chunk ends between CR and LF',
    );
    const ehlo = await client.command('EHLO client.example');
    assert.ok(ehlo.length >= 8, `EHLO reply has ${ehlo.length} lines`);
    assert.ok(client.chunks.length - greetingChunks >= 8);
    await client.quit();
  } finally {
    await server.close();
  }
});

test('splitIntoPieces cuts at most 4 bytes, after each code first digit and between CR and LF', () => {
  const text = '220-a b\r\n220 ok\r\n';
  const pieces = splitIntoPieces(Buffer.from(text)).map((p) => p.toString());
  assert.equal(pieces.join(''), text);
  assert.ok(pieces.every((p) => p.length >= 1 && p.length <= 4));
  assert.ok(
    pieces.every((p) => !p.includes('\r\n')),
    'never CR and LF in one piece',
  );
  assert.equal(pieces[0], '2');
  assert.ok(pieces.includes('2'));
});

test('latencyMs delays every batch of replies by at least that much', async () => {
  const latencyMs = 60;
  const server = await startProfile('postfix-closed', { latencyMs });
  try {
    const client = await TestClient.connect(server.port);
    await client.readReply();
    const started = performance.now();
    client.write('EHLO client.example\r\nMAIL FROM:<x@example.com>\r\nRCPT TO:<r@example.com>\r\n');
    await client.readReply();
    await client.readReply();
    await client.readReply();
    // A lower bound only (the server must have waited), never an upper one.
    assert.ok(performance.now() - started >= latencyMs - 1);
    await client.quit();
  } finally {
    await server.close();
  }
});
