// The error-limit profile: Postfix's smtpd_soft_error_limit (10: slow down) and
// smtpd_hard_error_limit (20: "421 4.7.0 <host> Error: too many errors" and close).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startProfile } from '../src/index.js';
import { TestClient } from './smtp-test-client.js';

const TOO_MANY = '421 4.7.0 mx.relay-test.example Error: too many errors';

test('after the 20th refused command the server says 421 and closes, unasked', { timeout: 10_000 }, async () => {
  const server = await startProfile('error-limit', { errorDelayMs: 1 });
  try {
    const client = await TestClient.connect(server.port);
    await client.readReply();
    await client.command('EHLO client.example');
    assert.equal(await client.ask('MAIL FROM:<x@example.com>'), '250 2.1.0 Ok');
    for (let i = 1; i <= 20; i++) {
      assert.equal(await client.ask(`RCPT TO:<r${i}@example.com>`), `554 5.7.1 <r${i}@example.com>: Relay access denied`, `refusal ${i}`);
    }
    assert.deepEqual(await client.readReply(), [TOO_MANY]);
    assert.equal((await client.closed).error, null);
    assert.equal(server.transcripts[0]?.closedBy, 'server');
  } finally {
    await server.close();
  }
});

test('pipelined errors: 20 answers, then 421; later commands are never answered', { timeout: 10_000 }, async () => {
  const server = await startProfile('error-limit', { errorDelayMs: 1 });
  try {
    const client = await TestClient.connect(server.port);
    await client.readReply();
    client.write('BOGUS\r\n'.repeat(25));
    const replies: string[] = [];
    for (let line = await client.readLine(); line !== null; line = await client.readLine()) replies.push(line);
    assert.deepEqual(replies, [...Array<string>(20).fill('502 5.5.2 Error: command not recognized'), TOO_MANY]);
    assert.equal(server.transcripts[0]?.received.length, 25, 'every line is still recorded');
  } finally {
    await server.close();
  }
});

test('from the 10th error on, every reply waits errorDelayMs first', { timeout: 10_000 }, async () => {
  const errorDelayMs = 15;
  const server = await startProfile('error-limit', { errorDelayMs });
  try {
    const client = await TestClient.connect(server.port);
    await client.readReply();
    for (let i = 0; i < 10; i++) await client.ask('BOGUS');
    const started = performance.now();
    // Four replies after the 10th error: a successful one is slowed down too.
    for (const command of ['NOOP', 'BOGUS', 'RSET', 'BOGUS']) await client.ask(command);
    // A lower bound only (the server must have waited), never an upper one.
    assert.ok(performance.now() - started >= 4 * errorDelayMs - 1);
    await client.quit();
  } finally {
    await server.close();
  }
});

test('other profiles have no error limit', async () => {
  const server = await startProfile('postfix-closed');
  try {
    const client = await TestClient.connect(server.port);
    await client.readReply();
    client.write('BOGUS\r\n'.repeat(30));
    for (let i = 0; i < 30; i++) assert.equal(await client.readLine(), '502 5.5.2 Error: command not recognized');
    assert.equal(await client.ask('NOOP'), '250 2.0.0 Ok');
    await client.quit();
  } finally {
    await server.close();
  }
});
