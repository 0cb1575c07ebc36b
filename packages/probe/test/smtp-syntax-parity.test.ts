// The SMTP field rules (HELO name, domain, address literal, mailbox) now live once, in
// @relayprobe/contracts smtp-syntax.ts, which the CLI, the server's configuration and the web form
// use. packages/engine/src/smtp-syntax.ts still holds its own copy (the engine's owner replaces it
// with a re-export of the contracts'); until then this test keeps the two identical, word for
// word, so the operator's and the visitor's messages did not change when the rules moved:
// the engine's own test tables, then many generated strings (a fixed seed, so a failure repeats).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as contracts from '@relayprobe/contracts';
import * as engine from '@relayprobe/engine';
import { seededRandom } from './seeded-random.js';

const VALIDATORS = ['validateDomain', 'validateHeloName', 'validateAddressLiteral', 'validateMailbox'] as const;

const label63 = 'a'.repeat(63);
const domain253 = `${'a'.repeat(61)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`;
// packages/engine/test/command-injection.test.ts's accept / refuse matrix, and a few more.
const TABLE = [
  'example.com',
  'mail.example.com',
  'a.b',
  'xn--bcher-kva.example',
  'mx-1.example.co.uk',
  '1.example',
  `${label63}.example`,
  domain253,
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
  'user@example.com',
  'MAIL.Example.COM',
  '[192.0.2.1]',
  '[0.0.0.0]',
  '[255.255.255.255]',
  '[IPv6:2001:db8::1]',
  '[IPv6:::1]',
  '[ipv6:::]',
  '[IPv6:1:2:3:4:5:6:7:8]',
  '[IPv6:::ffff:192.0.2.1]',
  '[IPv6:1:2:3:4:5:6:192.0.2.1]',
  '[192.0.2.256]',
  '[01.2.3.4]',
  '[1.2.3]',
  '[1.2.3.4.5]',
  '[IPv6:1::2::3]',
  '[IPv6:12345::]',
  '[IPv6:1:2:3:4:5:6:7]',
  '[IPv6:1:2:3:4:5:6:7::]',
  '[IPv6:1:2:3:4:5:6::7]',
  '[IPv6:1:2:3:4:5::1.2.3.4]',
  '[IPv6:1:2:3:4::1.2.3.4]',
  '[IPv6:1:2:3:4:5:6:7:8:9]',
  '[IPv6:::ffff:192.0.2]',
  '[2001:db8::1]',
  '[IPv6:fe80::1%eth0]',
  '[192.0.2.1',
  '[]',
  '[IPv6:]',
  'user@example.com',
  'first.last+tag@sub.example.org',
  "!#$%&'*+-/=?^_`{|}~@example.com",
  '"odd@local"@example.com',
  '"a\\"b"@example.com',
  '"r%ext"@example.com',
  'user@[192.0.2.1]',
  'user@[IPv6:2001:db8::1]',
  `${'l'.repeat(64)}@example.com`,
  `${'l'.repeat(64)}@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(61)}`,
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
  `${'l'.repeat(64)}@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(62)}`,
  'mail.example.com\r\n',
  'user@example.com\u2028',
];

function assertSame(input: string): void {
  for (const name of VALIDATORS) {
    assert.equal(contracts[name](input), engine[name](input), `${name}(${JSON.stringify(input)})`);
  }
}

test('the engine test matrix gets the same answers, word for word', () => {
  for (const input of TABLE) assertSame(input);
});

test('generated strings get the same answers, word for word', () => {
  const next = seededRandom(0x5eed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const pieces = ['a', 'Z', '0', '9', '-', '.', '..', '@', '"', '\\', ' ', '[', ']', ':', '::', 'IPv6:', 'ffff', '1.2.3.4', '256', '01', 'xn--', 'é', '\t', '_'];
  const hex = () => Math.floor(next() * 0x10000).toString(16);
  for (let i = 0; i < 20_000; i++) {
    const length = 1 + Math.floor(next() * 10);
    assertSame(Array.from({ length }, () => pick(pieces)).join(''));
  }
  // IPv6 literals of every length around "::", with and without a dotted tail.
  for (let i = 0; i < 5_000; i++) {
    const left = Array.from({ length: Math.floor(next() * 9) }, hex);
    const right = Array.from({ length: Math.floor(next() * 9) }, hex);
    const tail = next() < 0.3 ? [pick(['192.0.2.1', '1.2.3', '01.2.3.4'])] : [];
    const body = next() < 0.6 ? `${left.join(':')}::${[...right, ...tail].join(':')}` : [...left, ...tail].join(':');
    assertSame(`[IPv6:${body}]`);
    assertSame(`user@[IPv6:${body}]`);
  }
});
