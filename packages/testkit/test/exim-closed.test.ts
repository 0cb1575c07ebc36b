// The exim-closed profile answers what real Exim 4.96 answers. Every expected line below was
// seen in Exim 4.96, packages/mta-lab exim-closed (relayprobe --suite standard and thorough
// against it, and the other commands by hand), with the real server's literal [127.1.0.N] and
// client address 127.0.0.2 read as the kit's 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startProfile } from '../src/index.js';
import { TestClient } from './smtp-test-client.js';

const EHLO = 'EHLO prober.relayprobe-lab.test';
const LIT = '[127.0.0.1]';
const MAIL_OK = 'MAIL FROM:<x@example.com>';
const TOO_MANY = (code: string): string => `${code} Too many syntax or protocol errors`;
const EHLO_LINES = ['mx.relay-test.example Hello prober.relayprobe-lab.test [127.0.0.1]', 'SIZE 52428800', '8BITMIME', 'PIPELINING', 'PIPECONNECT', 'CHUNKING', 'SMTPUTF8', 'HELP'];
const EHLO_REPLY = EHLO_LINES.map((k, i) => `250${i === EHLO_LINES.length - 1 ? ' ' : '-'}${k}`).join('\n');

/** Runs commands on one connection, each with the reply it must get (lines joined with LF). */
async function dialogue(steps: Array<[string, string]>, end: 'quit' | 'dropped' = 'quit'): Promise<void> {
  const server = await startProfile('exim-closed');
  try {
    const client = await TestClient.connect(server.port);
    assert.deepEqual(await client.readReply(), ['220 mx.relay-test.example ESMTP Exim 4.96 Sun, 29 Nov 2026 04:00:00 +0000']);
    for (const [command, reply] of steps) assert.equal(await client.ask(command), reply, command);
    if (end === 'quit') assert.equal(await client.ask('QUIT'), '221 mx.relay-test.example closing connection');
    assert.equal(await client.readLine(), null, 'the server closed');
    assert.equal(server.transcripts[0]?.closedBy, 'server');
  } finally {
    await server.close();
  }
}

test("greeting, EHLO and HELO in Exim's words; STARTTLS between CHUNKING and SMTPUTF8 when configured (as exim-open-starttls)", async () => {
  const server = await startProfile('exim-closed', { tls: 'valid' });
  try {
    const client = await TestClient.connect(server.port);
    await client.readReply();
    assert.deepEqual(await client.command(EHLO), [
      '250-mx.relay-test.example Hello prober.relayprobe-lab.test [127.0.0.1]',
      '250-SIZE 52428800',
      '250-8BITMIME',
      '250-PIPELINING',
      '250-PIPECONNECT',
      '250-CHUNKING',
      '250-STARTTLS',
      '250-SMTPUTF8',
      '250 HELP',
    ]);
    assert.equal(await client.ask('HELO c.example'), '250 mx.relay-test.example Hello c.example [127.0.0.1]');
    assert.equal(await client.ask('STARTTLS'), '220 TLS go ahead');
    client.destroy();
  } finally {
    await server.close();
  }
});

test("the standard suite's recipients: relay refused, trick forms refused by the parser or as restricted characters", async () => {
  await dialogue([
    [EHLO, EHLO_REPLY],
    [MAIL_OK, '250 OK'],
    ['RCPT TO:<postmaster@mx.relay-test.example>', '250 Accepted'], // C1
    ['RCPT TO:<x-nonexistent@mx.relay-test.example>', '550 Unrouteable address'], // C2
    ['RCPT TO:<x@nonexistent-1.invalid>', '550 relay not permitted'], // C3
    ['RCPT TO:<x@example.com>', '550 relay not permitted'], // R01
    ['RCPT TO:x@example.com', '550 relay not permitted'], // R02
    ['RCPT TO:<"x@example.com">', '501 <"x@example.com">: recipient address must contain a domain'], // R09
    ['RCPT TO:<"x%example.com">', '501 <"x%example.com">: recipient address must contain a domain'], // R10
    ['RCPT TO:<x%example.com@mx.relay-test.example>', '550 Restricted characters in address'], // R11
    ['RCPT TO:<"x@example.com"@mx.relay-test.example>', '550 Restricted characters in address'], // R16
    ['RCPT TO:<@mx.relay-test.example:x@example.com>', '550 relay not permitted'], // R18
    ['RCPT TO:<example.com!x>', '501 <example.com!x>: recipient address must contain a domain'], // R19
    ['RCPT TO:<example.com!x@mx.relay-test.example>', '550 Restricted characters in address'], // R21
    ['RSET', '250 Reset OK'],
    ['MAIL FROM:<>', '250 OK'], // R03
    ['RCPT TO:<x@example.com>', '550 relay not permitted'],
  ]);
});

test("the parser's refusals, each a syntax error (a fresh connection for every three)", async () => {
  const errors: Array<[string, string]> = [
    [`RCPT TO:<x%example.com@${LIT}>`, `501 <x%example.com@${LIT}>: domain literals not allowed`], // R12
    [`RCPT TO:<x@example.com@${LIT}>`, `501 <x@example.com@${LIT}>: malformed address: @${LIT}> may not follow <x@example.com`], // R13
    [`RCPT TO:<"x@example.com"@${LIT}>`, `501 <"x@example.com"@${LIT}>: domain literals not allowed`], // R14
    ['RCPT TO:<x@example.com@mx.relay-test.example>', '501 <x@example.com@mx.relay-test.example>: malformed address: @mx.relay-test.example> may not follow <x@example.com'], // R15
    [`RCPT TO:<@${LIT}:x@example.com>`, `501 <@${LIT}:x@example.com>: domain literals not allowed`], // R17
    [`RCPT TO:<example.com!x@${LIT}>`, `501 <example.com!x@${LIT}>: domain literals not allowed`], // R20
    ['RCPT TO:<x%example.com@>', '501 <x%example.com@>: domain missing or malformed'], // R22
    ['RCPT TO:<x@example.com@>', '501 <x@example.com@>: malformed address: @> may not follow <x@example.com'], // R23
    // By hand: %.32s of the rest, a domain cut at `_`, a bad or dotted-off domain, no `>`, no brackets, a literal in a longer route.
    [
      'RCPT TO:<r@example.com@a-very-long-local-name-exceeding-32-chars.example>',
      '501 <r@example.com@a-very-long-local-name-exceeding-32-chars.example>: malformed address: @a-very-long-local-name-exceedin may not follow <r@example.com',
    ],
    ['RCPT TO:<r@ex_ample.com>', '501 <r@ex_ample.com>: malformed address: _ample.com> may not follow <r@ex'],
    ['RCPT TO:<r@-bad.example>', '501 <r@-bad.example>: domain missing or malformed'],
    ['RCPT TO:<r@mx.relay-test.example.>', '501 <r@mx.relay-test.example.>: domain missing or malformed'],
    ['RCPT TO:<r@example.com', "501 <r@example.com: '>' missing at end of address"],
    ['RCPT TO:r@example.com@x.example', '501 r@example.com@x.example: malformed address: @x.example may not follow r@example.com'],
    ['RCPT TO:<@mx.relay-test.example,@[1.2.3.4]:r@example.com>', '501 <@mx.relay-test.example,@[1.2.3.4]:r@example.com>: domain literals not allowed'],
    ['RCPT TO:<>', '501 <>: missing or malformed local part'],
  ];
  for (let i = 0; i < errors.length; i += 3) await dialogue([[EHLO, EHLO_REPLY], [MAIL_OK, '250 OK'], ...errors.slice(i, i + 3)]);
});

test('ACL order: postmaster before sender verification, restricted characters for foreign domains too, localhost is local', async () => {
  await dialogue([
    [EHLO, EHLO_REPLY],
    [MAIL_OK, '250 OK'],
    ['RCPT TO:<"r%example.com"@example.com>', '550 Restricted characters in address'],
    ['RCPT TO:<r%a@example.com>', '550 Restricted characters in address'],
    ['RCPT TO:<.r@example.com>', '550 Restricted characters in address'],
    ['RCPT TO:<r/x@mx.relay-test.example>', '550 Restricted characters in address'],
    ['RCPT TO:<"r"@mx.relay-test.example>', '550 Unrouteable address'],
    ['RCPT TO:<"postmaster"@mx.relay-test.example>', '250 Accepted'],
    ['RCPT TO:<POSTMASTER>', '250 Accepted'],
    ['RCPT TO:<abuse>', '501 <abuse>: recipient address must contain a domain'],
    ['RCPT TO:<@mx.relay-test.example:r@mx.relay-test.example>', '550 Unrouteable address'],
    ['RCPT TO:<abuse@relay-test.example>', '250 Accepted'],
    ['RCPT TO:<nosuch@localhost>', '550 Unrouteable address'],
    ['RCPT TO:<postmaster@localhost>', '250 Accepted'],
    ['RCPT TO:<r@EXAMPLE.com>', '550 relay not permitted'],
  ]);
});

test('sender verification: the details once per transaction, then "550 Sender verify failed" alone', async () => {
  const failed = (sender: string): string => [`550-Verification failed for <${sender}>`, '550-Unrouteable address', '550 Sender verify failed'].join('\n');
  await dialogue([
    [EHLO, EHLO_REPLY],
    ['MAIL FROM:<x@mx.relay-test.example>', '250 OK'], // R05
    ['RCPT TO:<x@example.com>', failed('x@mx.relay-test.example')],
    ['RSET', '250 Reset OK'],
    ['MAIL FROM:<x@localhost>', '250 OK'], // R07
    ['RCPT TO:<x@example.com>', failed('x@localhost')],
    ['RSET', '250 Reset OK'],
    ['MAIL FROM:<nobody@relay-test.example>', '250 OK'],
    ['RCPT TO:<postmaster@localhost>', '250 Accepted'],
    ['RCPT TO:<abuse@relay-test.example>', failed('nobody@relay-test.example')],
    ['RCPT TO:<nosuch@relay-test.example>', '550 Sender verify failed'],
    ['RCPT TO:<r@example.com>', '550 Sender verify failed'],
    ['RSET', '250 Reset OK'],
    ['MAIL FROM:<postmaster@localhost>', '250 OK'],
    ['RCPT TO:<r@example.com>', '550 relay not permitted'],
  ]);
});

test('senders: a domain literal is a syntax error, an unqualified sender is not; the RCPT after a refused MAIL is excused', async () => {
  await dialogue(
    [
      [EHLO, EHLO_REPLY],
      ['MAIL FROM:<x>', '501 <x>: sender address must contain a domain'], // R04: not counted
      ['RCPT TO:<x@example.com>', '503 sender not yet given'], // not counted (pipelining)
      ['MAIL FROM:<example.com!x>', '501 <example.com!x>: sender address must contain a domain'], // R08
      ['RCPT TO:<x@example.com>', '503 sender not yet given'],
      [`MAIL FROM:<x@${LIT}>`, `501 <x@${LIT}>: domain literals not allowed`], // 1
      ['RCPT TO:<x@example.com>', '503 sender not yet given'],
      ['RCPT TO:<x@example.com>', '503 sender not yet given'],
      [`MAIL FROM:<x@${LIT}>`, `501 <x@${LIT}>: domain literals not allowed`], // 2
      [`MAIL FROM:<x@${LIT}>`, `501 <x@${LIT}>: domain literals not allowed`], // 3
      [`MAIL FROM:<x@${LIT}>`, [`501-<x@${LIT}>: domain literals not allowed`, TOO_MANY('501')].join('\n')], // 4: dropped
    ],
    'dropped',
  );
});

test('the fourth syntax or protocol error drops the session, whatever the command (standard suite, R12)', async () => {
  await dialogue(
    [
      [EHLO, EHLO_REPLY],
      [`MAIL FROM:<x@${LIT}>`, `501 <x@${LIT}>: domain literals not allowed`],
      ['RCPT TO:<"x%example.com">', '503 sender not yet given'],
      [MAIL_OK, '250 OK'],
      ['RCPT TO:<"x%example.com">', '501 <"x%example.com">: recipient address must contain a domain'],
      ['RSET', '250 Reset OK'],
      [`MAIL FROM:<x@${LIT}>`, `501 <x@${LIT}>: domain literals not allowed`],
      ['RCPT TO:<x%example.com@mx.relay-test.example>', '503 sender not yet given'],
      [MAIL_OK, '250 OK'],
      ['RCPT TO:<x%example.com@mx.relay-test.example>', '550 Restricted characters in address'],
      ['RSET', '250 Reset OK'],
      [`MAIL FROM:<x@${LIT}>`, `501 <x@${LIT}>: domain literals not allowed`],
      [`RCPT TO:<x%example.com@${LIT}>`, '503 sender not yet given'],
      [MAIL_OK, '250 OK'],
      [`RCPT TO:<x%example.com@${LIT}>`, [`501-<x%example.com@${LIT}>: domain literals not allowed`, TOO_MANY('501')].join('\n')],
    ],
    'dropped',
  );
});

test('pipelined: the MAIL past the limit is the last reply; the RCPT behind it is never answered (thorough suite, R18)', async () => {
  const server = await startProfile('exim-closed');
  try {
    const client = await TestClient.connect(server.port);
    await client.readReply();
    await client.command(EHLO);
    for (let i = 0; i < 3; i++) await client.command(`MAIL FROM:<x@${LIT}>`);
    client.write(`MAIL FROM:<x@${LIT}>\r\nRCPT TO:<@mx.relay-test.example:x@example.com>\r\n`);
    const lines: string[] = [];
    for (let line = await client.readLine(); line !== null; line = await client.readLine()) lines.push(line);
    assert.deepEqual(lines, [`501-<x@${LIT}>: domain literals not allowed`, TOO_MANY('501')]);
    assert.deepEqual(server.transcripts[0]?.received.slice(-1), ['RCPT TO:<@mx.relay-test.example:x@example.com>'], 'recorded all the same');
  } finally {
    await server.close();
  }
});

test("other commands in Exim's words, and which of them count as protocol errors", async () => {
  // Counted: BOGUS, DATA (not after a RCPT), RCPT (not after a refused MAIL): the bad EHLO is the 4th, one line, then the drop.
  await dialogue(
    [
      ['MAIL FROM:<a@example.com>', '503 HELO or EHLO required'],
      ['NOOP', '250 OK'],
      ['HELO client.example', '250 mx.relay-test.example Hello client.example [127.0.0.1]'],
      ['VRFY postmaster', '252 Administrative prohibition'],
      ['BOGUS', '500 unrecognized command'],
      ['DATA', '503 valid RCPT command must precede DATA'],
      ['RCPT TO:<a@example.com>', '503 sender not yet given'],
      ['EHLO', '501 Syntactically invalid EHLO argument(s)'],
    ],
    'dropped',
  );
  await dialogue(
    [
      [EHLO, EHLO_REPLY],
      ['STARTTLS', '503 STARTTLS command used when not advertised'],
      ['AUTH PLAIN', '503 AUTH command used when not advertised'],
      ['RCPT TO:<a@example.com>', '503 sender not yet given'],
      ['MAIL FROM:<a@example.com> SIZE=999999999', '552 Message size exceeds maximum permitted'],
      ['MAIL FROM:<a@example.com> SIZE=100', '250 OK'],
      ['MAIL FROM:<>', ['503-sender already given', TOO_MANY('503')].join('\n')],
    ],
    'dropped',
  );
  await dialogue([
    [EHLO, EHLO_REPLY],
    ['MAIL', '500 unrecognized command'],
    ['MAIL TO:<a@example.com>', '500 unrecognized command'],
    ['DATA', '503 valid RCPT command must precede DATA'],
  ]);
});

test("a message to postmaster: Exim's DATA texts", async () => {
  const server = await startProfile('exim-closed');
  try {
    const client = await TestClient.connect(server.port);
    await client.readReply();
    await client.command(EHLO);
    assert.equal(await client.ask(MAIL_OK), '250 OK');
    assert.equal(await client.ask('RCPT TO:<postmaster@mx.relay-test.example>'), '250 Accepted');
    assert.equal(await client.ask('DATA'), '354 Enter message, ending with "." on a line by itself');
    assert.match(await client.ask('Subject: hi\r\n\r\nhello\r\n.'), /^250 OK id=\S+$/);
    assert.equal(await client.ask('QUIT'), '221 mx.relay-test.example closing connection');
    assert.equal(server.transcripts[0]?.messages.length, 1);
  } finally {
    await server.close();
  }
});
