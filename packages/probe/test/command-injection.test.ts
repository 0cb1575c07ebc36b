// Security regression: SMTP command injection through the prober (SECURITY.md §2), at the probe
// level. A user field that reaches the wire unchecked lets an attacker end our line and write
// commands of their own (the CVEs of smtplib, net/smtp, Net::SMTP, PHPMailer, Jakarta Mail,
// Nodemailer and MimeKit were all this): CR, LF, U+2028, NUL or ESC in the target, HELO name,
// test domain, recipient, source address, port or timeout must be refused before any connection
// (a trap listener counts them). And whatever the fields and the server's own names, every line
// we write ends in exactly one CRLF and stays within RFC 5321's lengths (512 octets a command,
// 1000 a text line): checked on the raw bytes a recording server received, inside TLS too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProfile, startTrapListener, type ServerHandle } from '@relayprobe/testkit';
import { escapeForDisplay, isDisplaySafe, type CommandEvent } from '@relayprobe/contracts';
import { runProbe, type ProbeOptions } from '../src/index.js';
import { localOptions, probeLocal } from './local-probe.js';
import { overLongLines, wireLines } from './wire-lines.js';

const INJECTED = ['\r', '\n', '\r\n', '\u2028', '\u0000', '\u001b'];

let trap: ServerHandle;
before(async () => {
  trap = await startTrapListener();
});
after(() => trap.close());

/** Valid CLI-like options aimed at the trap: without the bad field, the probe would connect to it. */
const atTrap = (server: ServerHandle, field: Partial<ProbeOptions>): ProbeOptions => localOptions(server, { timeoutSeconds: 0.2, ...field });

// Field name as validation reports it → the field carrying `bad` (mid-value, where no trimming can help).
const FIELDS: [string, 'invalid-target' | 'invalid-option', (bad: string) => Partial<ProbeOptions>][] = [
  ['target', 'invalid-target', (bad) => ({ target: `mx.relay-test${bad}.example` })],
  ['helo', 'invalid-option', (bad) => ({ helo: `prober${bad}.relayprobe.test` })],
  ['testDomain', 'invalid-option', (bad) => ({ testDomain: `ext${bad}.example` })],
  ['to', 'invalid-option', (bad) => ({ sendMessage: true, to: `admin${bad}@mine.example` })],
  ['to', 'invalid-option', (bad) => ({ sendMessage: true, to: `"admin${bad}"@mine.example` })],
  ['sourceAddress', 'invalid-option', (bad) => ({ sourceAddress: `127.0.0.1${bad}` })],
  ['port', 'invalid-option', (bad) => ({ port: `25${bad}` })],
  ['timeout', 'invalid-option', (bad) => ({ timeoutSeconds: `1${bad}0` })],
];

for (const [field, code, withBad] of FIELDS) {
  test(`${field} "${escapeForDisplay(String(Object.values(withBad('*')).at(-1)))}" with CR, LF, U+2028, NUL or ESC → ${code}, no connection`, async () => {
    for (const bad of INJECTED) {
      const outcome = await runProbe(atTrap(trap, withBad(bad)));
      assert.equal(outcome.ok, false, `${escapeForDisplay(bad)} refused`);
      if (outcome.ok) continue;
      assert.equal(outcome.code, code);
      assert.equal(outcome.field, field);
      assert.ok(isDisplaySafe(outcome.message), `the message shows the character escaped: ${JSON.stringify(outcome.message)}`);
    }
    assert.equal(trap.connections, 0);
  });
}

test('HELO name, test domain and recipient with the bad character at the end are refused too', async () => {
  for (const bad of INJECTED) {
    for (const field of [{ helo: `prober.relayprobe.test${bad}` }, { sendMessage: true, to: `admin@mine.example${bad}` }, { testDomain: `ext.example${bad}` }]) {
      const outcome = await runProbe(atTrap(trap, field));
      assert.equal(outcome.ok ? 'accepted' : outcome.code, 'invalid-option', escapeForDisplay(JSON.stringify(field)));
    }
  }
  assert.equal(trap.connections, 0);
});

test('a target with CR, LF or U+2028 around it is refused, not silently trimmed', async () => {
  // SECURITY.md §2: these characters in any user field are refused before any connection. Its
  // own trap, so a connection here does not spill into the other tests' counts.
  const edgeTrap = await startTrapListener();
  try {
    for (const target of ['127.0.0.1\r\n', '127.0.0.1\n', '\r127.0.0.1', '127.0.0.1\u2028', '\u2029127.0.0.1']) {
      const outcome = await runProbe(atTrap(edgeTrap, { target }));
      assert.equal(outcome.ok ? 'accepted' : outcome.code, 'invalid-target', escapeForDisplay(target));
    }
    assert.equal(edgeTrap.connections, 0);
  } finally {
    await edgeTrap.close();
  }
});

test('the trap does count: the same options without a bad field connect to it', async () => {
  const control = await startTrapListener();
  try {
    // --tls none: a trap never greets, and with --tls auto a second connection would check
    // for implicit TLS; one plain connection is what this control counts.
    const outcome = await runProbe(atTrap(control, { tls: 'none' }));
    assert.ok(outcome.ok);
    assert.equal(control.connections, 1);
  } finally {
    await control.close();
  }
});

/** Every command event's text plus CRLF, in order: what the transcript says went on the wire. */
const transcriptBytes = (events: readonly { type: string }[]) =>
  events
    .filter((e): e is CommandEvent => e.type === 'command')
    .map((e) => `${e.text}\r\n`)
    .join('');

test('a full standard probe with --send-message: every line ends in one CRLF, within RFC 5321 lengths, as the transcript says', async () => {
  // Long but valid fields push the vector lines towards the limit; STARTTLS puts half the
  // conversation inside TLS (the recorder keeps the decrypted bytes).
  const longDomain = (c: string) => `${c.repeat(63)}.${c.repeat(63)}.${c.repeat(63)}.${c.repeat(53)}.example`;
  const server = await startProfile('accept-all', { tls: 'valid' });
  try {
    const { result } = await probeLocal(server, {
      suite: 'standard',
      sendMessage: true,
      to: `${'a'.repeat(64)}@${'m'.repeat(60)}.mine.example`,
      helo: longDomain('h'),
      testDomain: longDomain('d'),
      timeoutSeconds: 2,
    });
    assert.equal(result.delivery?.outcome, 'accepted', 'the delivery stage ran');
    assert.ok(
      server.transcripts.every((t) => t.tls),
      'every session went through STARTTLS',
    );
    const raw = server.transcripts.flatMap((t) => t.rawReceived);
    const wire = wireLines(raw);
    assert.deepEqual(wire.bareCr, [], 'no bare CR');
    assert.deepEqual(wire.bareLf, [], 'no bare LF');
    assert.equal(wire.tail, '', 'the last line is terminated');
    assert.deepEqual(overLongLines(wire.lines), []);
    assert.ok(
      wire.lines.every((line) => /^[\x20-\x7e]*$/.test(line)),
      'printable ASCII only',
    );
    assert.deepEqual(
      wire.lines,
      server.transcripts.flatMap((t) => t.received),
    );
    assert.equal(Buffer.concat(raw).toString('latin1'), transcriptBytes(result.events), 'the transcript shows exactly what was sent');
  } finally {
    await server.close();
  }
});

test('a long server name and a long test domain never build a line over 512 octets, nor crash the probe', { timeout: 20_000 }, async () => {
  // The server names itself with 253 characters in its greeting and EHLO reply, and that name
  // becomes T in <r@ext@T> (R15) next to a 253-character test domain: 543 octets if built as is.
  const longName = (c: string) => `${c.repeat(63)}.${c.repeat(63)}.${c.repeat(63)}.${c.repeat(61)}`;
  const server = await startProfile('postfix-closed', { hostname: longName('h') });
  let crash: ((error: unknown) => void) | undefined;
  try {
    // A throw inside a socket callback is an uncaught exception, not a rejection: race for it,
    // so the test reports it and still closes the server (the probe deadline ends the rest).
    const crashed = new Promise<never>((_, reject) => {
      crash = reject;
      process.once('uncaughtException', reject);
    });
    const { result } = await Promise.race([probeLocal(server, { suite: 'standard', testDomain: longName('d'), timeoutSeconds: 1, probeDeadlineSeconds: 5 }), crashed]);
    assert.ok(result.verdict, 'the probe finished with a verdict');
    assert.equal(result.vectors.length, 22, 'every test has a result');
    const wire = wireLines(server.transcripts.flatMap((t) => t.rawReceived));
    assert.deepEqual(overLongLines(wire.lines), []);
  } finally {
    if (crash) process.off('uncaughtException', crash);
    await server.close();
  }
});
