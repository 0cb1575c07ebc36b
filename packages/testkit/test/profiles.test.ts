// Every profile answers the documented lines to one scripted dialogue: R01, a percent hack
// through the server's literal (R12), local postmaster (C1), an unknown local user (C2) and a
// .invalid domain (C3, answered as any foreign domain), with the greeting and EHLO reply first and QUIT last.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureCa, startProfile, type ProfileName, type ServerHandle } from '../src/index.js';
import { TestClient } from './smtp-test-client.js';

const R01 = '<r@example.com>';
const R12 = '<r%example.com@[127.0.0.1]>';
const C1 = '<postmaster@relay-test.example>';
const C2 = '<random-nonexistent@mx.relay-test.example>';
const C3 = '<r@nonexistent-domain.invalid>';

const relay554 = (a: string): string => `554 5.7.1 <${a}>: Relay access denied`;
const ok = '250 2.1.5 Ok';
const unknownUser = `550 5.1.1 <${C2.slice(1, -1)}>: Recipient address rejected: User unknown in local recipient table`;
const bare = (rcpt: string): string => rcpt.slice(1, -1);

interface Expected {
  greeting: string[];
  /** Replies to R01, R12, C1, C2, C3 in that order. */
  rcpt: [string, string, string, string, string];
  ehloExtras?: string[];
  /** The whole EHLO reply, when it is not Postfix's layout; the MAIL and QUIT replies, when not Postfix's. */
  ehlo?: string[];
  mailOk?: string;
  bye?: string;
}

const discriminating = (foreign: (a: string) => string): Expected['rcpt'] => [foreign(bare(R01)), foreign(bare(R12)), ok, unknownUser, foreign(bare(C3))];
// C3 (.invalid) is answered like any foreign recipient, as real Postfix, Exim and OpenSMTPD do
// (packages/mta-lab shows it): none of them looks a recipient domain up at RCPT by default.
const postfixGreeting = ['220 mx.relay-test.example ESMTP Postfix'];

const EXPECTED: Record<Exclude<ProfileName, 'starttls-required'>, Expected> = {
  'open-relay': { greeting: postfixGreeting, rcpt: discriminating(() => ok) },
  'postfix-closed': { greeting: postfixGreeting, rcpt: discriminating(relay554) },
  'postfix-default': { greeting: postfixGreeting, rcpt: discriminating((a) => `454 4.7.1 <${a}>: Relay access denied`) },
  // Exim 4.96's own words, seen in Exim 4.96, packages/mta-lab exim-closed: domain literals are a
  // syntax error, an unknown local user is unrouteable.
  'exim-closed': {
    greeting: ['220 mx.relay-test.example ESMTP Exim 4.96 Sun, 29 Nov 2026 04:00:00 +0000'],
    ehlo: ['mx.relay-test.example Hello client.example [127.0.0.1]', 'SIZE 52428800', '8BITMIME', 'PIPELINING', 'PIPECONNECT', 'CHUNKING', 'SMTPUTF8', 'HELP'].map(
      (k, i, all) => `250${i === all.length - 1 ? ' ' : '-'}${k}`,
    ),
    mailOk: '250 OK',
    rcpt: ['550 relay not permitted', `501 ${R12}: domain literals not allowed`, '250 Accepted', '550 Unrouteable address', '550 relay not permitted'],
    bye: '221 mx.relay-test.example closing connection',
  },
  'qmail-closed': {
    greeting: ['220 mx.relay-test.example ESMTP'],
    rcpt: discriminating(() => "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"),
  },
  'sendmail-closed': {
    greeting: ['220 mx.relay-test.example ESMTP Sendmail 8.17.2/8.17.2; Sun, 29 Nov 2026 04:00:00 GMT'],
    rcpt: discriminating((a) => `550 5.7.1 <${a}>... Relaying denied`),
  },
  'exchange-closed': {
    greeting: ['220 mx.relay-test.example Microsoft ESMTP MAIL Service ready'],
    rcpt: discriminating(() => '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain'),
  },
  'opensmtpd-closed': { greeting: ['220 mx.relay-test.example ESMTP OpenSMTPD'], rcpt: discriminating((a) => `550 Invalid recipient: <${a}>`) },
  'accept-all': { greeting: postfixGreeting, rcpt: [ok, ok, ok, ok, ok] },
  greylisting: {
    greeting: postfixGreeting,
    rcpt: [R01, R12, C1, C2, C3].map((r) => `450 4.7.1 <${bare(r)}>: Recipient address rejected: Greylisted`) as Expected['rcpt'],
  },
  'auth-required': { greeting: postfixGreeting, rcpt: discriminating(() => '530 5.7.0 Authentication required'), ehloExtras: ['AUTH PLAIN LOGIN'] },
  'implicit-tls': { greeting: postfixGreeting, rcpt: discriminating(relay554) },
  'percent-hack-only': { greeting: postfixGreeting, rcpt: [relay554(bare(R01)), ok, ok, unknownUser, relay554(bare(C3))] },
  'domainless-only': { greeting: postfixGreeting, rcpt: discriminating(relay554) },
  'error-limit': { greeting: postfixGreeting, rcpt: discriminating(relay554) },
  'ehlo-refused': { greeting: postfixGreeting, rcpt: discriminating(relay554) },
  'split-writes': {
    greeting: ['220-mx.relay-test.example ESMTP', '220-second line', '220 ready'],
    rcpt: discriminating(relay554),
    ehloExtras: ['VRFY', 'DSN', 'SMTPUTF8'],
  },
  'recipient-domain-check': {
    greeting: postfixGreeting,
    rcpt: ['556 5.1.10 <r@example.com>: Recipient address rejected: Domain example.com does not accept mail (nullMX)', relay554(bare(R12)), ok, unknownUser, relay554(bare(C3))],
  },
};

async function connect(name: ProfileName, server: ServerHandle): Promise<TestClient> {
  if (name !== 'implicit-tls') return TestClient.connect(server.port);
  const { client } = await TestClient.connectTls(server.port, { ca: fixtureCa.cert, servername: 'mx.relay-test.example' });
  return client;
}

for (const [name, expected] of Object.entries(EXPECTED) as Array<[Exclude<ProfileName, 'starttls-required'>, Expected]>) {
  test(`profile ${name} answers the documented dialogue`, { timeout: 10_000 }, async () => {
    const server = await startProfile(name);
    try {
      const client = await connect(name, server);
      assert.deepEqual(await client.readReply(), expected.greeting);
      if (name === 'ehlo-refused') {
        assert.equal(await client.ask('EHLO client.example'), '502 5.5.2 Error: command not recognized');
        assert.equal(await client.ask('HELO client.example'), '250 mx.relay-test.example');
      } else if (expected.ehlo) {
        assert.deepEqual(await client.command('EHLO client.example'), expected.ehlo);
      } else {
        const extensions = ['PIPELINING', 'SIZE 10240000', ...(expected.ehloExtras?.includes('AUTH PLAIN LOGIN') ? ['AUTH PLAIN LOGIN'] : [])];
        extensions.push('ENHANCEDSTATUSCODES', '8BITMIME', ...(expected.ehloExtras ?? []).filter((e) => !e.startsWith('AUTH')));
        const keywords = ['mx.relay-test.example', ...extensions];
        assert.deepEqual(
          await client.command('EHLO client.example'),
          keywords.map((k, i) => `250${i === keywords.length - 1 ? ' ' : '-'}${k}`),
        );
      }
      assert.equal(await client.ask('MAIL FROM:<x@example.com>'), expected.mailOk ?? '250 2.1.0 Ok');
      const replies: string[] = [];
      for (const rcpt of [R01, R12, C1, C2, C3]) replies.push(await client.ask(`RCPT TO:${rcpt}`));
      assert.deepEqual(replies, expected.rcpt);
      assert.equal(await client.ask('QUIT'), expected.bye ?? '221 2.0.0 Bye');
      await client.closed;
      const record = server.transcripts[0];
      assert.ok(record);
      assert.deepEqual(record.received.slice(-7), ['MAIL FROM:<x@example.com>', ...[R01, R12, C1, C2, C3].map((r) => `RCPT TO:${r}`), 'QUIT']);
      assert.equal(record.tls, name === 'implicit-tls');
      assert.equal(record.closedBy, 'server');
    } finally {
      await server.close();
    }
  });
}

test('open-relay accepts every foreign trick form the engine parses', async () => {
  const server = await startProfile('open-relay');
  try {
    const client = await TestClient.connect(server.port);
    await client.readReply();
    await client.command('EHLO client.example');
    await client.ask('MAIL FROM:<x@[127.0.0.1]>');
    const forms = [
      'r@example.com',
      '<"r@example.com">',
      '<r@example.com@[127.0.0.1]>',
      '<"r@example.com"@[127.0.0.1]>',
      '<@[127.0.0.1]:r@example.com>',
      '<example.com!r>',
      '<example.com!r@mx.relay-test.example>',
      '<r%example.com@>',
      '<r@example.com@>',
    ];
    for (const form of forms) assert.equal(await client.ask(`RCPT TO:${form}`), ok, form);
    await client.quit();
  } finally {
    await server.close();
  }
});

test('percent-hack-only takes R10, R11 and R12 only (as the real postfix-percent-hack); domainless-only takes R19, R22, R23 only', async () => {
  const cases: Array<[ProfileName, string[], string[]]> = [
    [
      'percent-hack-only',
      ['<r%example.com@mx.relay-test.example>', '<r%example.com@[127.0.0.1]>', '<"r%example.com">'],
      ['<r%example.com@>', '<example.com!r@[127.0.0.1]>', '<r@example.com@[127.0.0.1]>'],
    ],
    [
      'domainless-only',
      ['<example.com!r>', '<r%example.com@>', '<r@example.com@>', '<postmaster>'],
      ['<r@example.com>', '<"r@example.com">', '<r%example.com@[127.0.0.1]>', '<@[127.0.0.1]:r@example.com>'],
    ],
  ];
  for (const [name, accepted, refused] of cases) {
    const server = await startProfile(name);
    try {
      const client = await TestClient.connect(server.port);
      await client.readReply();
      await client.command('EHLO client.example');
      await client.ask('MAIL FROM:<x@[127.0.0.1]>');
      for (const rcpt of accepted) assert.equal(await client.ask(`RCPT TO:${rcpt}`), ok, `${name} ${rcpt}`);
      for (const rcpt of refused) assert.equal(await client.ask(`RCPT TO:${rcpt}`), relay554(bare(rcpt)), `${name} ${rcpt}`);
      await client.quit();
    } finally {
      await server.close();
    }
  }
});

test('starttls-required refuses MAIL before TLS, then behaves as open-relay after a fresh EHLO', async () => {
  const server = await startProfile('starttls-required');
  try {
    const client = await TestClient.connect(server.port);
    await client.readReply();
    assert.ok((await client.command('EHLO client.example')).includes('250-STARTTLS'));
    assert.equal(await client.ask('MAIL FROM:<x@example.com>'), '530 5.7.0 Must issue a STARTTLS command first');
    assert.equal(await client.ask('STARTTLS'), '220 2.0.0 Ready to start TLS');
    const secure = await client.startTls({ ca: fixtureCa.cert, servername: 'mx.relay-test.example' });
    assert.equal(secure.authorized, true);
    // RFC 3207 §4.2: the server forgot the EHLO.
    assert.equal(await client.ask('MAIL FROM:<x@example.com>'), '503 5.5.1 Error: send HELO/EHLO first');
    assert.ok(!(await client.command('EHLO client.example')).some((l) => l.includes('STARTTLS')));
    assert.equal(await client.ask('MAIL FROM:<x@example.com>'), '250 2.1.0 Ok');
    assert.equal(await client.ask(`RCPT TO:${R01}`), ok);
    assert.equal(await client.ask(`RCPT TO:${C2}`), unknownUser);
    await client.quit();
    assert.equal(server.transcripts[0]?.tls, true);
  } finally {
    await server.close();
  }
});

test('options: host name, local domains, and PIPELINING off', async () => {
  const server = await startProfile('postfix-closed', { hostname: 'smtp.other.example', localDomains: ['other.example'], pipelining: false });
  try {
    const client = await TestClient.connect(server.port);
    assert.deepEqual(await client.readReply(), ['220 smtp.other.example ESMTP Postfix']);
    const ehlo = await client.command('EHLO client.example');
    assert.equal(ehlo[0], '250-smtp.other.example');
    assert.ok(!ehlo.some((l) => l.includes('PIPELINING')));
    await client.ask('MAIL FROM:<x@example.com>');
    assert.equal(await client.ask('RCPT TO:<info@other.example>'), ok);
    assert.equal(await client.ask('RCPT TO:<info@[127.0.0.1]>'), ok, 'the own literal stays local');
    assert.equal(await client.ask('RCPT TO:<info@relay-test.example>'), relay554('info@relay-test.example'));
    await client.quit();
  } finally {
    await server.close();
  }
});
