// One table of what people type as the target (and as the test message's recipient), with what
// relayprobe must make of it: the name or address it stands for, or a refusal. The CLI, the API
// and the web form must all agree with it (input-agreement.test.ts, e2e/input-agreement.spec.ts).
//
// Every IP literal here is a special-purpose address (documentation, loopback, metadata): the
// tests run with the default address policy, which refuses those before any connection, so no
// row can make a test connect anywhere (input-agreement.test.ts checks this before it starts).

/** What an accepted target stands for, as the resolution records it, or how it is refused. */
export type Expected =
  | { kind: 'host' | 'email'; host: string }
  | { kind: 'ip'; address: string }
  /** "grammar": the target grammar's sentence (400 invalid-target); "schema": the API's body schema (400 invalid-request). */
  | { kind: 'refused'; by: 'grammar' | 'schema' };

export interface TargetRow {
  input: string;
  expected: Expected;
}

const host = (input: string, name: string): TargetRow => ({ input, expected: { kind: 'host', host: name } });
const email = (input: string, domain: string): TargetRow => ({ input, expected: { kind: 'email', host: domain } });
const ip = (input: string, address: string): TargetRow => ({ input, expected: { kind: 'ip', address } });
const refused = (input: string): TargetRow => ({ input, expected: { kind: 'refused', by: 'grammar' } });
const refusedBySchema = (input: string): TargetRow => ({ input, expected: { kind: 'refused', by: 'schema' } });

const label63 = 'a'.repeat(63);
const name253 = `${'a'.repeat(61)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`;

export const TARGET_ROWS: readonly TargetRow[] = [
  // Host names: LDH, any case, one trailing dot, surrounding spaces and tabs forgiven.
  host('mail.example.com', 'mail.example.com'),
  host('Mail.Example.COM', 'mail.example.com'),
  host('mail.example.com.', 'mail.example.com'),
  host(' mail.example.com', 'mail.example.com'),
  host('mail.example.com ', 'mail.example.com'),
  host('\t mail.example.com \t', 'mail.example.com'),
  host('localhost', 'localhost'),
  host('1.example.com', '1.example.com'),
  host(`${label63}.example`, `${label63}.example`),
  host(name253, name253),
  // IDN and punycode.
  host('bücher.example', 'xn--bcher-kva.example'),
  host('MÜNCHEN.example', 'xn--mnchen-3ya.example'),
  host('xn--bcher-kva.example', 'xn--bcher-kva.example'),
  host('例え.テスト', 'xn--r8jz45g.xn--zckzah'),
  // E-mail addresses: the domain is tested.
  email('user@example.com', 'example.com'),
  email(' Postmaster@Example.COM. ', 'example.com'),
  email('first.last+tag@example.com', 'example.com'),
  email('a/b@example.com', 'example.com'),
  email('"a@b"@example.com', 'example.com'),
  email('user@bücher.example', 'xn--bcher-kva.example'),
  email('user@localhost', 'localhost'),
  // IP literals, bare and bracketed, and address literals of e-mail addresses.
  ip('192.0.2.1', '192.0.2.1'),
  ip('[192.0.2.1]', '192.0.2.1'),
  ip(' 198.51.100.7 ', '198.51.100.7'),
  ip('user@[203.0.113.9]', '203.0.113.9'),
  ip('127.0.0.1', '127.0.0.1'),
  ip('169.254.169.254', '169.254.169.254'),
  ip('2001:db8::1', '2001:db8::1'),
  ip('2001:DB8:0:0:0:0:0:1', '2001:db8::1'),
  ip('[2001:db8::1]', '2001:db8::1'),
  ip('[IPv6:2001:db8::1]', '2001:db8::1'),
  ip('[ipv6:2001:DB8::25]', '2001:db8::25'),
  ip('user@[IPv6:2001:db8::1]', '2001:db8::1'),
  ip('::1', '::1'),
  ip('[::1]', '::1'),
  ip('::ffff:192.0.2.1', '::ffff:c000:201'),
  // Empty and too long: the API's body schema refuses these before its grammar.
  refusedBySchema(''),
  refusedBySchema('x'.repeat(321)),
  refused('   '),
  refused(`${'a'.repeat(300)}.example`),
  // Blanks and controls inside, or other than spaces and tabs around.
  refused('mail example.com'),
  refused('mail\u00a0example.com'),
  refused('\u00a0mail.example.com'),
  refused('mail.example.com\n'),
  refused('mail.example.com\r\n'),
  refused('mail\u0000.example.com'),
  refused('mail\u001b[31m.example.com'),
  refused('\u202emoc.elpmaxe'),
  refused('mail\u2028example.com'),
  refused('\u200bmail.example.com'),
  // Outside the LDH grammar.
  refused('mail_1.example.com'),
  refused('_dmarc.example.com'),
  refused(`${'a'.repeat(64)}.example`),
  refused(`e${name253}`),
  refused('-mail.example.com'),
  refused('mail-.example.com'),
  refused('mail..example.com'),
  refused('.example.com'),
  refused('mail.example.com..'),
  refused('example.123'),
  refused('１２７.０.０.１'),
  refused('０x7f.1'),
  refused('bücher%41.example'),
  refused('xn--zz.ü'),
  // Numbers that resolvers read as other addresses (SECURITY.md §1).
  refused('2130706433'),
  refused('0x7f.1'),
  refused('0x7f000001'),
  refused('127.1'),
  refused('0177.0.0.1'),
  refused('012.0.0.1'),
  refused('127.000.000.001'),
  refused('256.1.1.1'),
  refused('1.2.3.4.5'),
  refused('1.2.3.4.'),
  refused('[127.1]'),
  refused('[01.2.3.4]'),
  // Malformed IPv6 and zone ids.
  refused('fe80::1%eth0'),
  refused('[fe80::1%25eth0]'),
  refused('1::2::3'),
  refused('12345::1'),
  refused('::ffff:127.1'),
  refused('[IPv6:zz::1]'),
  refused('[::1'),
  refused('[mail.example.com]'),
  // host:port and URLs.
  refused('mail.example.com:25'),
  refused('192.0.2.1:25'),
  refused('[2001:db8::1]:25'),
  refused('user@mail.example.com:25'),
  refused('smtp://mail.example.com'),
  refused('https://mail.example.com/'),
  refused('HTTPS://MAIL.EXAMPLE.COM'),
  refused('mailto:user@example.com'),
  refused('//mail.example.com'),
  refused('mail.example.com/path'),
  // Malformed e-mail addresses.
  refused('@example.com'),
  refused('user@'),
  refused('a..b@example.com'),
  refused('a@b@example.com'),
  refused('"unterminated@example.com'),
  refused(`${'x'.repeat(65)}@example.com`),
  refused('josé@example.com'),
  refused('user@192.0.2.1'),
  refused('user@2001:db8::1'),
  refused('user@127.1'),
  refused('user@[127.0.0.1'),
  refused('user@-bad.example'),
];

/** A recipient of the test message (with "Also send a test message" / --send-message). */
export interface RecipientRow {
  to: string;
  /** undefined: accepted; else who refuses it, as for targets. */
  refusedBy?: 'grammar' | 'schema';
}

export const RECIPIENT_ROWS: readonly RecipientRow[] = [
  { to: 'me@example.org' },
  { to: '"me too"@example.org', refusedBy: 'grammar' },
  { to: 'me@[192.0.2.1]' },
  { to: 'me@[IPv6:2001:db8::1]' },
  { to: 'me example.org', refusedBy: 'grammar' },
  { to: ' me@example.org', refusedBy: 'grammar' },
  { to: 'no-at-sign', refusedBy: 'grammar' },
  { to: 'me@localhost', refusedBy: 'grammar' },
  { to: 'me@bücher.example', refusedBy: 'grammar' },
  { to: 'me@example.org\r\nRCPT TO:<x@y.example>', refusedBy: 'grammar' },
  { to: 'ab', refusedBy: 'schema' },
  { to: `${'l'.repeat(65)}@example.org`, refusedBy: 'grammar' },
];

/** An operator's setting: the HELO name (--helo, RELAYPROBE_HELO_NAME) or the test domain (--test-domain, RELAYPROBE_TEST_DOMAIN). */
export interface SettingRow {
  value: string;
  accepted: boolean;
}

export const HELO_ROWS: readonly SettingRow[] = [
  { value: 'prober.relayprobe.test', accepted: true },
  { value: 'Prober.Example.COM', accepted: true },
  { value: '[192.0.2.1]', accepted: true },
  { value: '[IPv6:2001:db8::1]', accepted: true },
  { value: '[IPv6:::ffff:192.0.2.1]', accepted: true },
  { value: 'localhost', accepted: false },
  { value: 'prober.example.com.', accepted: false },
  { value: 'prober_1.example.com', accepted: false },
  { value: 'bücher.example', accepted: false },
  { value: `${'a'.repeat(64)}.example`, accepted: false },
  { value: '192.0.2.1', accepted: false },
  { value: '[127.1]', accepted: false },
  { value: '[2001:db8::1]', accepted: false },
  // RFC 5321 §4.1.3: in an address literal "::" stands for at least two zero groups.
  { value: '[IPv6:1:2:3:4:5:6::7]', accepted: false },
  { value: 'prober.example.com\r\nMAIL FROM:<x@y.example>', accepted: false },
];

export const TEST_DOMAIN_ROWS: readonly SettingRow[] = [
  { value: 'example.com', accepted: true },
  { value: 'Example.ORG', accepted: true },
  { value: 'xn--bcher-kva.example', accepted: true },
  { value: 'localhost', accepted: false },
  { value: 'example.com.', accepted: false },
  { value: 'ex_ample.com', accepted: false },
  { value: '192.0.2.1', accepted: false },
  { value: '[192.0.2.1]', accepted: false },
  { value: 'bücher.example', accepted: false },
];
