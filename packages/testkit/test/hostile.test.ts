// Each hostile scenario does what it says (SECURITY.md §3). Endless ones are read until the
// client has enough and hangs up; silent ones are ended by closing the server, never by waiting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CONTROL_FLOOD_BYTES,
  DISPLAY_HOSTILE_CHARACTERS,
  HOSTILE_NAMES,
  HOSTILE_SCENARIOS,
  TERMINAL_ESCAPES_TEXT,
  fixtureCa,
  startHostile,
  startScriptedServer,
  type HostileName,
  type ServerHandle,
} from '../src/index.js';
import { TestClient } from './smtp-test-client.js';

const HOST = 'mx.relay-test.example';
const GREETING = `220 ${HOST} ESMTP Postfix`;
/** Every test is bounded so a broken scenario fails instead of hanging. */
const BOUND = { timeout: 10_000 };

async function withHostile(name: HostileName, body: (server: ServerHandle) => Promise<void>, options = {}): Promise<void> {
  const server = await startHostile(name, options);
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

/** Waits (event by event, no timer) until the server has recorded `n` lines of the first session. */
async function recorded(server: ServerHandle, n: number): Promise<string[]> {
  while ((server.transcripts[0]?.received.length ?? 0) < n) await new Promise((r) => setImmediate(r));
  return server.transcripts[0]?.received ?? [];
}

/** The postfix-closed part still works: EHLO, MAIL, a refused R01. */
async function behavesAsPostfixClosed(client: TestClient): Promise<void> {
  assert.equal((await client.command('EHLO client.example'))[0], `250-${HOST}`);
  assert.equal(await client.ask('MAIL FROM:<x@example.com>'), '250 2.1.0 Ok');
  assert.equal(await client.ask('RCPT TO:<r@example.com>'), '554 5.7.1 <r@example.com>: Relay access denied');
  await client.quit();
}

test('HOSTILE_SCENARIOS has a script for every name, usable with startScriptedServer', BOUND, async () => {
  assert.deepEqual(Object.keys(HOSTILE_SCENARIOS).sort(), [...HOSTILE_NAMES].sort());
  assert.equal(HOSTILE_NAMES.length, 26);
  const server = await startScriptedServer(HOSTILE_SCENARIOS['invalid-code-25']);
  try {
    const client = await TestClient.connect(server.port);
    assert.equal(await client.readLine(), `25 ${HOST} ESMTP`);
    await client.quit();
  } finally {
    await server.close();
  }
});

test('silent: accepts, records, never speaks', BOUND, () =>
  withHostile('silent', async (server) => {
    const client = await TestClient.connect(server.port);
    client.write('EHLO client.example\r\n');
    assert.deepEqual(await recorded(server, 1), ['EHLO client.example']);
    await server.close();
    await client.closed;
    assert.equal(client.chunks.length, 0);
    assert.equal(server.connections, 1);
  }),
);

test('endless-line: "220 " then bytes without CRLF until the client hangs up', BOUND, () =>
  withHostile('endless-line', async (server) => {
    const client = await TestClient.connect(server.port);
    assert.ok(await client.waitForBytes(1024 * 1024));
    assert.equal(client.unread.subarray(0, 4).toString(), '220 ');
    assert.equal(client.unread.indexOf(0x0a), -1);
    assert.equal(client.unread.indexOf(0x0d), -1);
    client.destroy();
    await client.closed;
    while (server.transcripts[0]?.closedBy === null) await new Promise((r) => setImmediate(r));
    assert.equal(server.transcripts[0]?.closedBy, 'client');
  }),
);

test('random-bytes: a stream of random bytes until the client hangs up', BOUND, () =>
  withHostile('random-bytes', async (server) => {
    const client = await TestClient.connect(server.port);
    assert.ok(await client.waitForBytes(1024 * 1024));
    const distinct = new Set(client.unread.subarray(0, 65536));
    assert.ok(distinct.size > 250, `${distinct.size} distinct byte values`);
    client.destroy();
    await client.closed;
  }),
);

test('endless-continuation: 220-x lines forever', BOUND, () =>
  withHostile('endless-continuation', async (server) => {
    const client = await TestClient.connect(server.port);
    for (let i = 0; i < 5000; i++) assert.equal(await client.readLine(), '220-x');
    client.destroy();
    await client.closed;
  }),
);

test('long-line-600: a 600-octet greeting line, then postfix-closed', BOUND, () =>
  withHostile('long-line-600', async (server) => {
    const client = await TestClient.connect(server.port);
    const line = await client.readLine();
    assert.equal(line?.length, 600);
    assert.ok(line?.startsWith(`220 ${HOST} ESMTP `));
    await behavesAsPostfixClosed(client);
  }),
);

for (const [name, first] of [
  ['invalid-code-2500', `2500 ${HOST} ESMTP`],
  ['invalid-code-25', `25 ${HOST} ESMTP`],
  ['invalid-code-abc', `abc ${HOST} ESMTP`],
  ['invalid-code-600', `600 ${HOST} ESMTP`],
  ['invalid-code-220x', `220x ${HOST} ESMTP`],
] as const) {
  test(`${name}: greets with "${first}", then answers only QUIT`, BOUND, () =>
    withHostile(name, async (server) => {
      const client = await TestClient.connect(server.port);
      assert.equal(await client.readLine(), first);
      assert.equal(await client.ask('QUIT'), '221 2.0.0 Bye');
      await client.closed;
    }),
  );
}

test('code-change-mid-reply: 220-a then 250 b', BOUND, () =>
  withHostile('code-change-mid-reply', async (server) => {
    const client = await TestClient.connect(server.port);
    assert.deepEqual(await client.readReply(), ['220-a', '250 b']);
    await client.quit();
  }),
);

test('hostile-banner: NUL, 0xFF, ANSI, U+202E and HTML in the greeting, then postfix-closed', BOUND, () =>
  withHostile('hostile-banner', async (server) => {
    const client = await TestClient.connect(server.port);
    await client.readLine();
    const bytes = Buffer.concat(client.chunks);
    for (const needle of [
      Buffer.from([0x00]),
      Buffer.from([0xff]),
      Buffer.from('\x1b[31m'),
      Buffer.from('\u202E', 'utf8'),
      Buffer.from('<img src=x onerror=alert(1)>'),
      Buffer.from('<script>alert(1)</script>'),
    ]) {
      assert.ok(bytes.includes(needle), `banner contains ${JSON.stringify(needle.toString('latin1'))}`);
    }
    assert.ok(bytes.subarray(0, 4).equals(Buffer.from('220 ')));
    await behavesAsPostfixClosed(client);
  }),
);

test('terminal-escapes: greeting, EHLO and HELO replies carry every control, bidi and invisible character', BOUND, () =>
  withHostile('terminal-escapes', async (server) => {
    const client = await TestClient.connect(server.port);
    // The test client reads octets as latin1: the UTF-8 of the text, one character per byte.
    const octets = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
    assert.equal(await client.readLine(), octets(`220 ${HOST} ${TERMINAL_ESCAPES_TEXT}`));
    assert.equal(await client.ask('EHLO client.example'), octets(`502 5.5.2 ${TERMINAL_ESCAPES_TEXT}`));
    assert.equal(await client.ask('HELO client.example'), octets(`550 5.7.1 ${TERMINAL_ESCAPES_TEXT}`));
    assert.equal(new Set(DISPLAY_HOSTILE_CHARACTERS).size, 195, 'each character once');
    assert.equal([...DISPLAY_HOSTILE_CHARACTERS].length, 195);
    assert.ok(TERMINAL_ESCAPES_TEXT.startsWith('\x1b]0;pwned\x07\x1b[2J\x1b[H'));
    await client.quit();
  }),
);

test('control-flood: 64 KB replies of 0x01 to every command, closed after about 1 MB', BOUND, () =>
  withHostile('control-flood', async (server) => {
    const client = await TestClient.connect(server.port);
    const greeting = await client.readReply();
    assert.equal(greeting.length, 17);
    assert.ok(greeting.slice(0, 16).every((line) => line === `220-${'\x01'.repeat(4000)}`));
    assert.equal((await client.command('EHLO client.example'))[0]?.slice(0, 4), '250-');
    let bytes = 2 * 64_103;
    for (;;) {
      client.write('RCPT TO:<r@example.com>\r\n');
      const line = await client.readLine();
      if (line === null) break;
      assert.equal(line.slice(0, 4), '554-');
      for (let i = 0; i < 16; i++) await client.readLine();
      bytes += 64_103;
    }
    assert.ok(bytes > CONTROL_FLOOD_BYTES - 65_536 && bytes <= CONTROL_FLOOD_BYTES, `${bytes} bytes before the close`);
  }),
);

test('bare-lf: every reply line ends in LF only', BOUND, () =>
  withHostile('bare-lf', async (server) => {
    const client = await TestClient.connect(server.port);
    assert.equal(await client.readLine(), GREETING);
    await behavesAsPostfixClosed(client);
    const text = Buffer.concat(client.chunks).toString('latin1');
    assert.ok(text.startsWith(`${GREETING}\n250-`));
    assert.ok(!text.includes('\r'));
  }),
);

test('one-byte-per-second: the greeting dribbles one byte per write (interval configurable)', BOUND, () =>
  withHostile(
    'one-byte-per-second',
    async (server) => {
      const client = await TestClient.connect(server.port);
      assert.equal(await client.readLine(), GREETING);
      assert.ok(
        client.chunks.every((c) => c.length <= 2),
        'tiny chunks',
      );
      assert.ok(client.chunks.length >= 10, `${client.chunks.length} chunks`);
      await behavesAsPostfixClosed(client);
    },
    { intervalMs: 3 },
  ),
);

test('silent-after-ehlo: greets, then never answers again', BOUND, () =>
  withHostile('silent-after-ehlo', async (server) => {
    const client = await TestClient.connect(server.port);
    assert.equal(await client.readLine(), GREETING);
    client.write('EHLO client.example\r\nNOOP\r\n');
    assert.deepEqual(await recorded(server, 2), ['EHLO client.example', 'NOOP']);
    await server.close();
    await client.closed;
    assert.equal(client.unread.length, 0);
  }),
);

test('early-talker: 220 plus an unsolicited 250 before we speak, and a stray 250 after EHLO', BOUND, () =>
  withHostile('early-talker', async (server) => {
    const client = await TestClient.connect(server.port);
    assert.equal(await client.readLine(), GREETING);
    assert.equal(await client.readLine(), '250 unsolicited');
    const ehlo = await client.command('EHLO client.example');
    assert.equal(ehlo.at(-1), '250 8BITMIME');
    assert.equal(await client.readLine(), '250 ok');
    assert.equal(await client.ask('NOOP'), '250 2.0.0 Ok');
    await client.quit();
  }),
);

test('421-mid-session: three RCPTs answered, then 421 and close', BOUND, () =>
  withHostile('421-mid-session', async (server) => {
    const client = await TestClient.connect(server.port);
    await client.readReply();
    await client.command('EHLO client.example');
    await client.ask('MAIL FROM:<x@example.com>');
    for (let i = 0; i < 3; i++) assert.match(await client.ask('RCPT TO:<r@example.com>'), /^554 /);
    assert.equal(await client.ask('RSET'), '421 4.7.0 Service shutting down');
    await client.closed;
    assert.equal(server.transcripts[0]?.closedBy, 'server');
  }),
);

test('554-greeting: no service; 503 to everything but QUIT (RFC 5321 §3.1)', BOUND, () =>
  withHostile('554-greeting', async (server) => {
    const client = await TestClient.connect(server.port);
    assert.deepEqual(await client.readReply(), ['554 5.7.1 No SMTP service here']);
    assert.equal(await client.ask('EHLO client.example'), '503 5.5.1 Error: no SMTP service');
    assert.equal(await client.ask('QUIT'), '221 2.0.0 Bye');
    await client.closed;
  }),
);

async function toStartTls(server: ServerHandle): Promise<TestClient> {
  const client = await TestClient.connect(server.port);
  assert.equal(await client.readLine(), GREETING);
  assert.ok((await client.command('EHLO client.example')).includes('250-STARTTLS'));
  return client;
}

const tlsOptions = { ca: fixtureCa.cert, servername: HOST };

test('starttls-garbage: 220, then random bytes instead of a handshake', BOUND, () =>
  withHostile('starttls-garbage', async (server) => {
    const client = await toStartTls(server);
    assert.equal(await client.ask('STARTTLS'), '220 2.0.0 Ready to start TLS');
    await assert.rejects(client.startTls(tlsOptions));
    client.destroy();
    await client.closed;
  }),
);

test('starttls-reset: 220, then an RST when the handshake starts', BOUND, () =>
  withHostile('starttls-reset', async (server) => {
    const client = await toStartTls(server);
    assert.equal(await client.ask('STARTTLS'), '220 2.0.0 Ready to start TLS');
    await assert.rejects(client.startTls(tlsOptions), (err: NodeJS.ErrnoException) => err.code === 'ECONNRESET');
    await client.closed;
    assert.equal(server.transcripts[0]?.closedBy, 'server');
  }),
);

test('starttls-silence: 220, then nothing while the client handshakes', BOUND, () =>
  withHostile('starttls-silence', async (server) => {
    const client = await toStartTls(server);
    assert.equal(await client.ask('STARTTLS'), '220 2.0.0 Ready to start TLS');
    const handshake = client.startTls(tlsOptions);
    handshake.catch(() => undefined);
    // The ClientHello (a TLS handshake record, 0x16) reached the server, which says nothing.
    const record = server.transcripts[0];
    while (!record?.rawReceived.some((c) => c[0] === 0x16)) await new Promise((r) => setImmediate(r));
    await server.close();
    await assert.rejects(handshake);
  }),
);

test('starttls-injection: "220 Ready" and "250 injected" arrive in one write', BOUND, () =>
  withHostile('starttls-injection', async (server) => {
    const client = await toStartTls(server);
    const before = client.chunks.length;
    client.write('STARTTLS\r\n');
    assert.equal(await client.readLine(), '220 2.0.0 Ready to start TLS');
    assert.equal(client.unread.toString(), '250 injected\r\n');
    assert.equal(client.chunks.length - before, 1, 'one chunk');
    client.destroy();
    await client.closed;
  }),
);

test('reset-mid-reply: the first line of the EHLO reply, then an RST', BOUND, () =>
  withHostile('reset-mid-reply', async (server) => {
    const client = await TestClient.connect(server.port);
    assert.equal(await client.readLine(), GREETING);
    client.write('EHLO client.example\r\n');
    assert.equal(await client.readLine(), `250-${HOST}`);
    assert.equal(await client.readLine(), null);
    assert.equal((await client.closed).error?.code, 'ECONNRESET');
    assert.equal(server.transcripts[0]?.closedBy, 'server');
  }),
);

test('greylisting: every recipient deferred with 450 4.7.1', BOUND, () =>
  withHostile('greylisting', async (server) => {
    const client = await TestClient.connect(server.port);
    await client.readReply();
    await client.command('EHLO client.example');
    await client.ask('MAIL FROM:<x@example.com>');
    assert.equal(await client.ask('RCPT TO:<postmaster>'), '450 4.7.1 <postmaster>: Recipient address rejected: Greylisted');
    await client.quit();
  }),
);
