// Attack: SMTP command injection by CR/LF smuggling. A value placed into a command (EHLO name,
// MAIL FROM / RCPT TO path, message line) that carries CR or LF ends the command early and starts
// another one the attacker wrote: an extra RCPT, a DATA with a forged message, a QUIT.
// Real instances, each a field that reached the wire unchecked: Python smtplib (bpo-43124,
// "smtplib multiple CRLF injection"), Go net/smtp (golang/go#21159, injection via recipient
// addresses), Ruby Net::SMTP (CVE-2015-9096), the MBSD whitepaper "SMTP Injection via recipient
// email addresses" (2015: Ruby Mail, JavaMail, PHPMailer), Nodemailer (GHSA-vvjj-xcjg-gr5g: CRLF in
// the `name` option used for EHLO/HELO), MimeKit (CVE-2026-30227: CR/LF inside a quoted local
// part). U+2028 and friends are refused too: they are not line ends in SMTP, but some stacks
// normalise them into one, and nothing non-ASCII belongs in a command we send.
//
// Defence (SECURITY §2, HOUSE-STYLE rule 5): builders throw UnsafeCommandError on any octet outside
// 0x20-0x7E and on lines over RFC 5321's limits; validators refuse such input before anything is
// sent.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateDomain, validateHeloName, validateMailbox } from '@relayprobe/contracts';
import { UnsafeCommandError, ehlo, helo, mailFrom, messageLines, rcptTo, toWire, type SmtpCommand } from '../src/smtp-commands.js';

const HOSTILE: [string, string][] = [
  ['CR', '\r'],
  ['LF', '\n'],
  ['CRLF', '\r\n'],
  ['U+2028 line separator', '\u2028'],
  ['U+2029 paragraph separator', '\u2029'],
  ['U+0085 next line', '\u0085'],
  ['NUL', '\u0000'],
  ['ESC', '\u001b'],
  ['TAB', '\t'],
  ['DEL', '\u007f'],
  ['non-ASCII letter', 'é'],
];

const BUILDERS: [string, (value: string) => unknown, string][] = [
  ['ehlo', (v) => ehlo(v), 'name'],
  ['helo', (v) => helo(v), 'name'],
  ['mailFrom', (v) => mailFrom(v), 'path'],
  ['rcptTo', (v) => rcptTo(v), 'path'],
  ['messageLines', (v) => messageLines(['fine', v]), 'lines[1]'],
];

describe('builders refuse every control and non-ASCII character, wherever it is', () => {
  for (const [builder, build, field] of BUILDERS) {
    for (const [name, bad] of HOSTILE) {
      it(`${builder}: ${name}`, () => {
        const base = builder === 'ehlo' || builder === 'helo' ? 'relayprobe.example.org' : builder === 'messageLines' ? 'body text' : '<r@ext.example>';
        for (const value of [bad + base, base.slice(0, 3) + bad + base.slice(3), base + bad]) {
          assert.throws(
            () => build(value),
            (error: unknown) => error instanceof UnsafeCommandError && error.field === field,
          );
        }
      });
    }
  }

  it('the classic smuggles are refused', () => {
    assert.throws(() => rcptTo('<r@ext.example>\r\nDATA'), UnsafeCommandError);
    assert.throws(() => mailFrom('<x@ext.example>\r\nRCPT TO:<victim@ext.example>'), UnsafeCommandError);
    assert.throws(() => ehlo('relayprobe.example.org\r\nMAIL FROM:<x@y.example>'), UnsafeCommandError);
    assert.throws(() => rcptTo('<"r\r\n"@ext.example>'), UnsafeCommandError);
    assert.throws(() => messageLines(['text\r\n.\r\nMAIL FROM:<x@y.example>']), UnsafeCommandError);
  });
});

describe('line length limits (RFC 5321 §4.5.3.1.4 and §4.5.3.1.6)', () => {
  it('a command line of exactly 512 octets with CRLF is sent, 513 is refused', () => {
    const name = 'a'.repeat(512 - 'EHLO '.length - 2);
    assert.equal(toWire(ehlo(name)).length, 512);
    assert.throws(
      () => ehlo(`${name}a`),
      (e: unknown) => e instanceof UnsafeCommandError && e.field === 'line',
    );
    const path = `<${'p'.repeat(512 - 'MAIL FROM:'.length - 2 - 2)}>`;
    assert.equal(toWire(mailFrom(path)).length, 512);
    assert.throws(() => mailFrom(`<p${path.slice(1)}`), UnsafeCommandError);
    const rcpt = `<${'r'.repeat(512 - 'RCPT TO:'.length - 2 - 2)}>`;
    assert.equal(toWire(rcptTo(rcpt)).length, 512);
    assert.throws(() => rcptTo(`<r${rcpt.slice(1)}`), UnsafeCommandError);
  });

  it('a message line of exactly 1000 octets with CRLF is sent, 1001 is refused, dot-stuffing included', () => {
    assert.equal(toWire(messageLines(['x'.repeat(998)])[0]!).length, 1000);
    assert.throws(
      () => messageLines(['x'.repeat(999)]),
      (e: unknown) => e instanceof UnsafeCommandError && e.field === 'lines[0]',
    );
    assert.equal(messageLines(['.'.repeat(997)])[0]!.line.length, 998);
    assert.throws(() => messageLines(['.'.repeat(998)]), UnsafeCommandError);
  });

  it('toWire re-checks hand-built commands, since the type is structural', () => {
    const forged: SmtpCommand[] = [
      { verb: 'MAIL', line: 'MAIL FROM:<x@y.example>\r\nRCPT TO:<z@w.example>' },
      { verb: 'NOOP', line: 'NOOP\u0000' },
      { verb: 'RCPT', line: `RCPT TO:<${'r'.repeat(501)}>` },
    ];
    for (const cmd of forged) assert.throws(() => toWire(cmd), UnsafeCommandError);
    assert.equal(toWire({ verb: 'BODY', line: 'b'.repeat(998) }).length, 1000);
  });
});

describe('validators: the accept / refuse matrix', () => {
  const label63 = 'a'.repeat(63);
  const domain253 = `${'a'.repeat(61)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`;

  const DOMAINS_OK = ['example.com', 'mail.example.com', 'a.b', 'xn--bcher-kva.example', 'mx-1.example.co.uk', '1.example', `${label63}.example`, domain253];
  const DOMAINS_BAD = [
    '',
    'localhost',
    'example.com.',
    '.example.com',
    'a..b',
    '-a.example',
    'a-.example',
    'a_b.example',
    'exa mple.com',
    'büch.example',
    '192.0.2.1',
    'example.123',
    `${label63}a.example`,
    `e${domain253}`,
    '[192.0.2.1]',
    'user@example.com',
  ];
  const LITERALS_OK = [
    '[192.0.2.1]',
    '[0.0.0.0]',
    '[255.255.255.255]',
    '[IPv6:2001:db8::1]',
    '[IPv6:::1]',
    '[ipv6:::]',
    '[IPv6:1:2:3:4:5:6:7:8]',
    '[IPv6:::ffff:192.0.2.1]',
    '[IPv6:1:2:3:4:5:6:192.0.2.1]',
  ];
  const LITERALS_BAD = [
    '[192.0.2.256]',
    '[01.2.3.4]',
    '[1.2.3]',
    '[1.2.3.4.5]',
    '[IPv6:1::2::3]',
    '[IPv6:12345::]',
    '[IPv6:1:2:3:4:5:6:7]',
    '[IPv6:1:2:3:4:5:6:7::]',
    '[IPv6:1:2:3:4:5:6:7:8:9]',
    '[IPv6:::ffff:192.0.2]',
    '[2001:db8::1]',
    '[IPv6:fe80::1%eth0]',
    '[192.0.2.1',
    '[]',
  ];
  const MAILBOXES_OK = [
    'user@example.com',
    'first.last+tag@sub.example.org',
    "!#$%&'*+-/=?^_`{|}~@example.com",
    '"odd@local"@example.com',
    '"a\\"b"@example.com',
    '"r%ext"@example.com',
    'user@[192.0.2.1]',
    'user@[IPv6:2001:db8::1]',
    `${'l'.repeat(64)}@example.com`,
    `${'l'.repeat(64)}@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(61)}`, // a 256-octet path
  ];
  const MAILBOXES_BAD = [
    '',
    'user',
    '@example.com',
    'user@',
    'user@localhost',
    '.user@example.com',
    'user.@example.com',
    'us..er@example.com',
    'a@b@example.com',
    '"unterminated@example.com',
    '"a"b@example.com',
    'user@exa mple.com',
    'us er@example.com',
    '"a b"@example.com',
    '<user@example.com>',
    'user@example.com>',
    'üser@example.com',
    'user@[192.0.2.300]',
    'user@example..com',
    '"a\\"@example.com',
    `${'l'.repeat(65)}@example.com`,
    `${'l'.repeat(64)}@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(62)}`, // 257
  ];

  it('validateDomain', () => {
    assert.equal(domain253.length, 253);
    for (const d of DOMAINS_OK) assert.equal(validateDomain(d), null, d);
    for (const d of DOMAINS_BAD) assert.equal(typeof validateDomain(d), 'string', d);
  });

  it('validateHeloName: domains and address literals', () => {
    for (const name of [...DOMAINS_OK, ...LITERALS_OK]) assert.equal(validateHeloName(name), null, name);
    for (const name of [...DOMAINS_BAD.filter((d) => !LITERALS_OK.includes(d)), ...LITERALS_BAD]) {
      assert.equal(typeof validateHeloName(name), 'string', name);
    }
  });

  it('validateMailbox: local part <= 64, path <= 256, ASCII only', () => {
    for (const m of MAILBOXES_OK) assert.equal(validateMailbox(m), null, m);
    for (const m of MAILBOXES_BAD) assert.equal(typeof validateMailbox(m), 'string', m);
  });

  it('every validator refuses every hostile character, and says where without echoing it', () => {
    for (const [name, bad] of HOSTILE) {
      for (const [validate, good] of [
        [validateDomain, 'mail.example.com'],
        [validateHeloName, 'mail.example.com'],
        [validateHeloName, '[192.0.2.1]'],
        [validateMailbox, 'user@example.com'],
        [validateMailbox, '"quoted"@example.com'],
      ] as const) {
        for (const value of [bad + good, good.slice(0, 4) + bad + good.slice(4), good + bad]) {
          const problem = validate(value);
          assert.equal(typeof problem, 'string', `${validate.name} ${name} ${JSON.stringify(value)}`);
          assert.ok(!problem!.includes(bad), 'the message does not carry the character itself');
        }
      }
    }
  });

  it('messages name the problem', () => {
    assert.match(validateDomain('localhost')!, /fully qualified/);
    assert.match(validateDomain('192.0.2.1')!, /address literal/);
    assert.match(validateHeloName('mail.example.com\r\n')!, /HELO name contains a control/);
    assert.match(validateMailbox(`${'l'.repeat(65)}@example.com`)!, /local part is longer than 64/);
    assert.match(validateMailbox('user@example.com\u2028')!, /U\+2028/);
  });
});
