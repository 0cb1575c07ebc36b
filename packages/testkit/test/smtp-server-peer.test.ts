// The well-behaved profiles played by nodemailer's smtp-server: same decisions and refusal texts
// as the raw profiles, smtp-server's own wording elsewhere, and what it refuses by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSmtpServerProfile, type SmtpServerProfileName } from '../src/index.js';
import { TestClient } from './smtp-test-client.js';

const C2 = 'random-nonexistent@mx.relay-test.example';
const EXPECTED_R01: Record<SmtpServerProfileName, string> = {
  'open-relay': '250 Accepted',
  'postfix-closed': '554 5.7.1 <r@example.com>: Relay access denied',
  'accept-all': '250 Accepted',
  'auth-required': '530 5.7.0 Authentication required',
};

for (const [name, r01] of Object.entries(EXPECTED_R01) as Array<[SmtpServerProfileName, string]>) {
  test(`smtp-server plays ${name}`, { timeout: 10_000 }, async () => {
    const server = await startSmtpServerProfile(name);
    try {
      const client = await TestClient.connect(server.port);
      assert.deepEqual(await client.readReply(), ['220 mx.relay-test.example ESMTP Postfix']);
      const ehlo = await client.command('EHLO client.example');
      assert.equal(ehlo[0], '250-mx.relay-test.example');
      assert.ok(ehlo.includes('250-PIPELINING'));
      assert.equal(
        ehlo.some((l) => l.includes('AUTH PLAIN LOGIN')),
        name === 'auth-required',
      );
      assert.ok(!ehlo.some((l) => l.includes('STARTTLS')));
      assert.equal(await client.ask('MAIL FROM:<x@example.com>'), '250 Accepted');
      assert.equal(await client.ask('RCPT TO:<r@example.com>'), r01);
      assert.equal(await client.ask('RCPT TO:<postmaster@relay-test.example>'), '250 Accepted');
      const catchAll = name === 'accept-all';
      assert.equal(await client.ask(`RCPT TO:<${C2}>`), catchAll ? '250 Accepted' : `550 5.1.1 <${C2}>: Recipient address rejected: User unknown in local recipient table`);
      assert.equal(
        await client.ask('RCPT TO:<r@x.invalid>'),
        // Answered as any foreign recipient, as real servers do (packages/mta-lab).
        catchAll ? '250 Accepted' : r01.replace('r@example.com', 'r@x.invalid'),
      );
      assert.equal(await client.ask('DATA'), '354 End data with <CR><LF>.<CR><LF>');
      client.write('Subject: t\r\n\r\nbody\r\n.\r\n');
      assert.deepEqual(await client.readReply(), [`250 Ok: queued as ${catchAll ? 'ABC123' : '4F000001'}`]);
      assert.equal(await client.ask('QUIT'), '221 Bye');
      await client.closed;
      const record = server.transcripts[0];
      assert.ok(record);
      assert.equal(record.received[0], 'EHLO client.example');
      assert.deepEqual(record.received.slice(-6), ['DATA', 'Subject: t', '', 'body', '.', 'QUIT']);
      assert.equal(record.messages.length, 1);
      assert.equal(record.messages[0]?.data, 'Subject: t\r\n\r\nbody');
    } finally {
      await server.close();
    }
  });
}

test('smtp-server refuses some trick forms itself (501) and strips source routes', async () => {
  const server = await startSmtpServerProfile('open-relay');
  try {
    const client = await TestClient.connect(server.port);
    await client.readReply();
    await client.command('EHLO client.example');
    await client.ask('MAIL FROM:<x@[127.0.0.1]>');
    const refused = ['r@example.com', '<"r@example.com">', '<r@example.com@[127.0.0.1]>', '<"r@example.com"@[127.0.0.1]>', '<example.com!r>', '<r%example.com@>', '<r@example.com@>'];
    const accepted = ['<r@example.com>', '<@[127.0.0.1]:r@example.com>', '<example.com!r@[127.0.0.1]>', '<r%example.com@[127.0.0.1]>'];
    for (const rcpt of refused) assert.equal(await client.ask(`RCPT TO:${rcpt}`), '501 Error: Bad recipient address syntax', rcpt);
    for (const rcpt of accepted) assert.equal(await client.ask(`RCPT TO:${rcpt}`), '250 Accepted', rcpt);
    await client.quit();
  } finally {
    await server.close();
  }
});
