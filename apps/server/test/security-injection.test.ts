// Attack: SMTP command injection through the API (SECURITY.md §2). A visitor puts CR, LF, NUL,
// ESC or a Unicode line separator into a field that reaches the wire (the target, which becomes
// a host name and a local name in the vectors, or the delivery recipient `to`), hoping to smuggle
// a second command ("\r\nRCPT TO:<victim@...>") into the session the prober opens, as in the
// CVEs of smtplib, net/smtp, Net::SMTP, PHPMailer, Jakarta Mail, Nodemailer and MimeKit. Every
// such field must be refused with a 4xx before anything connects (a trap listener counts), and a
// full probe against a recording server must put on the wire only lines that end in exactly one
// CRLF and are at most 512 octets long (RFC 5321 §4.5.3.1.4), each of them shown in the transcript.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProfile, startTrapListener, type ServerHandle } from '@relayprobe/testkit';
import type { ProbeEvent } from '@relayprobe/contracts';
import { postProbe, startTestServer, waitForResult } from './helpers/server-under-test.js';

const server = await startTestServer();
const trap = await startTrapListener();
const targets: ServerHandle[] = [trap];
after(async () => {
  await server.close();
  await Promise.all(targets.map((t) => t.close()));
});

/** Characters that end or corrupt a line, or a terminal: each must be refused in every field. */
const HOSTILE_CHARACTERS: readonly [string, string][] = [
  ['CR', '\r'],
  ['LF', '\n'],
  ['CRLF', '\r\n'],
  ['U+2028', '\u2028'],
  ['U+2029', '\u2029'],
  ['U+0085 (NEL)', '\u0085'],
  ['NUL', '\u0000'],
  ['ESC', '\u001b'],
  ['VT', '\u000b'],
  ['DEL', '\u007f'],
];

test('CR, LF, U+2028, NUL, ESC and friends in the target: 400 before any connection', async () => {
  for (const [name, ch] of HOSTILE_CHARACTERS) {
    for (const target of [`127.0.0.1${ch}`, `127.0.0.1${ch}RCPT TO:<victim@evil.example>`, `mx${ch}.relay-test.example`, `postmaster${ch}@relay-test.example`]) {
      const response = await postProbe(server.base, { target, port: trap.port, suite: 'quick' });
      const what = `${name} in target ${JSON.stringify(target)}`;
      assert.equal(response.status, 400, `${what}: ${response.status} ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error?.code, 'invalid-target', what);
      assert.equal(response.body.error.field, 'target', what);
      assert.doesNotMatch(response.body.error.message, /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/, `${what}: the message shows the character escaped`);
    }
  }
  assert.equal(trap.connections, 0, 'nothing connected');
});

test('the same characters in the delivery recipient `to`: 400 before any connection', async () => {
  for (const [name, ch] of HOSTILE_CHARACTERS) {
    for (const to of [`victim@elsewhere.example${ch}`, `victim@elsewhere.example>${ch}RCPT TO:<second@evil.example`, `vic${ch}tim@elsewhere.example`, `"vic${ch}tim"@elsewhere.example`]) {
      const response = await postProbe(server.base, { target: '127.0.0.1', port: trap.port, suite: 'quick', sendMessage: true, to });
      const what = `${name} in to ${JSON.stringify(to)}`;
      assert.equal(response.status, 400, `${what}: ${response.status} ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error?.code, 'invalid-option', what);
      assert.equal(response.body.error.field, 'to', what);
      assert.doesNotMatch(response.body.error.message, /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/, `${what}: the message shows the character escaped`);
    }
  }
  assert.equal(trap.connections, 0, 'nothing connected');
});

test('ESMTP parameters, over-long paths and control characters in the other fields are refused too', async () => {
  const refused: [Record<string, unknown>, string][] = [
    // No ESMTP parameters from users (SECURITY.md §2): the address ends at its last character.
    [{ sendMessage: true, to: 'victim@elsewhere.example> NOTIFY=SUCCESS ORCPT=rfc822;x@y' }, 'to'],
    [{ sendMessage: true, to: '<victim@elsewhere.example>' }, 'to'],
    [{ sendMessage: true, to: `${'a'.repeat(65)}@elsewhere.example` }, 'to'],
    [{ sendMessage: true, to: `victim@${'d'.repeat(60)}.${'d'.repeat(60)}.${'d'.repeat(60)}.${'d'.repeat(60)}.example` }, 'to'],
    [{ suite: 'quick\r\nQUIT' }, 'suite'],
    [{ tls: 'none\u0000' }, 'tls'],
  ];
  for (const [fields, field] of refused) {
    const response = await postProbe(server.base, { target: '127.0.0.1', port: trap.port, suite: 'quick', ...fields });
    assert.ok(response.status >= 400 && response.status < 500, `${JSON.stringify(fields)}: ${response.status}`);
    assert.equal(response.body.error?.field, field, `${JSON.stringify(fields)}: ${JSON.stringify(response.body)}`);
  }
  assert.equal(trap.connections, 0, 'nothing connected');
});

/** The client's bytes of one session, split into lines; `tail` is what followed the last CRLF. */
function wireLines(chunks: readonly Buffer[]): { lines: Buffer[]; tail: Buffer } {
  const bytes = Buffer.concat(chunks);
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = bytes.indexOf('\r\n'); i >= 0; i = bytes.indexOf('\r\n', start)) {
    lines.push(bytes.subarray(start, i));
    start = i + 2;
  }
  return { lines, tail: bytes.subarray(start) };
}

test('a full probe (thorough suite, STARTTLS, delivery stage, long names) writes only CRLF lines of at most 512 octets', async () => {
  // A long greeting name becomes T in the vectors (<"r@ext"@T>, <@T:r@ext>, ...), and a long
  // recipient goes into the delivery stage: the lines get as long as users can make them.
  const longName = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.relay-test.example`;
  const recorder = await startProfile('open-relay', { tls: 'valid', hostname: longName });
  targets.push(recorder);
  const to = `${'r'.repeat(64)}@${'e'.repeat(60)}.${'f'.repeat(60)}.elsewhere.example`;
  const created = await postProbe(server.base, { target: '127.0.0.1', port: recorder.port, suite: 'thorough', tls: 'auto', sendMessage: true, to });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const doc = await waitForResult(server.base, created.body.id);
  assert.equal(doc.status, 'complete');
  assert.equal(doc.verdict?.code, 'open', 'the probe ran to its end (open relay, message accepted)');
  assert.ok(
    recorder.transcripts.some((t) => t.tls),
    'a session went through STARTTLS',
  );
  assert.ok(
    recorder.transcripts.some((t) => t.messages.length > 0),
    'the delivery stage sent DATA',
  );

  const sent: string[] = [];
  let longest = 0;
  for (const [i, session] of recorder.transcripts.entries()) {
    const { lines, tail } = wireLines(session.rawReceived);
    assert.equal(tail.length, 0, `session ${i}: the bytes end with CRLF (left over: ${JSON.stringify(tail.toString('latin1'))})`);
    for (const line of lines) {
      const text = line.toString('latin1');
      assert.ok(!line.includes(0x0d) && !line.includes(0x0a), `session ${i}: a bare CR or LF inside ${JSON.stringify(text)}`);
      assert.ok(line.length + 2 <= 512, `session ${i}: ${line.length + 2} octets with CRLF: ${text.slice(0, 80)}…`);
      assert.doesNotMatch(text, /[\x00-\x08\x0b-\x1f\x7f-\xff]/, `session ${i}: only printable ASCII on the wire`);
      longest = Math.max(longest, line.length + 2);
      sent.push(text);
    }
    assert.deepEqual(
      lines.map((l) => l.toString('latin1')),
      session.received,
      `session ${i}: the recorder's line list agrees`,
    );
  }
  assert.ok(longest > 200, `the long names reached the wire (longest line ${longest} octets)`);
  assert.ok(
    sent.some((l) => l.includes(to)),
    'the recipient reached the wire as one intact address',
  );

  // The transcript is the product: every line on the wire is a command event, in order.
  const commands = doc.events.filter((e): e is Extract<ProbeEvent, { type: 'command' }> => e.type === 'command').map((e) => e.text);
  assert.ok(commands.includes('..'), 'the lone dot of the test message was dot-stuffed (RFC 5321 §4.5.2)');
  assert.deepEqual(sent, commands, 'the wire and the transcript agree line for line');
});
