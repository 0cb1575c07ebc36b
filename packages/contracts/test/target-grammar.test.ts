// The target grammar (SECURITY.md §1): what is accepted and canonicalised, and what is refused
// before any DNS with a message naming the problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTarget, parsePort, type TargetInput } from '../src/index.js';

function accepts(input: string, expected: TargetInput): void {
  const result = parseTarget(input);
  assert.deepEqual(result, { ok: true, target: expected }, `expected ${JSON.stringify(input)} to be accepted`);
}

/** Assert a refusal whose message quotes the input and matches `problem`. */
function refuses(input: string, problem: RegExp): string {
  const result = parseTarget(input);
  assert.equal(result.ok, false, `expected ${JSON.stringify(input)} to be refused`);
  if (result.ok) throw new Error('unreachable');
  assert.equal(result.code, 'invalid-target');
  assert.match(result.message, problem);
  assert.doesNotMatch(result.message, /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/, 'no raw control characters in messages');
  assert.doesNotMatch(result.message, /\n/);
  return result.message;
}

test('host names: LDH, lower-cased, one trailing dot removed, single labels allowed', () => {
  accepts('mail.example.com', { kind: 'host', host: 'mail.example.com' });
  accepts('Mail.Example.COM', { kind: 'host', host: 'mail.example.com' });
  accepts('mail.example.com.', { kind: 'host', host: 'mail.example.com' });
  accepts('localhost', { kind: 'host', host: 'localhost' });
  accepts('a-b.c0.example', { kind: 'host', host: 'a-b.c0.example' });
  accepts('1.example.com', { kind: 'host', host: '1.example.com' });
  accepts(`${'a'.repeat(63)}.example`, { kind: 'host', host: `${'a'.repeat(63)}.example` });
  const longest = `${'a'.repeat(61)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`;
  assert.equal(longest.length, 253);
  accepts(longest, { kind: 'host', host: longest });
});

test('IDN host names become xn-- (IDNA)', () => {
  accepts('bücher.example', { kind: 'host', host: 'xn--bcher-kva.example' });
  accepts('MÜNCHEN.example', { kind: 'host', host: 'xn--mnchen-3ya.example' });
});

test('host names outside the LDH grammar are refused', () => {
  refuses('-mail.example.com', /"-mail\.example\.com" is not a valid host name: .*starts or ends with "-"/);
  refuses('mail-.example.com', /starts or ends with "-"/);
  refuses('mail..example.com', /empty label/);
  refuses('.example.com', /empty label/);
  refuses('mail.example.com..', /empty label/);
  refuses('mail_1.example.com', /contains "_"/);
  refuses('a%41.example.com', /contains "%"/);
  refuses('example.com/path', /contains "\/"/);
  refuses(`${'a'.repeat(64)}.example`, /label is 64 characters long; the limit is 63/);
  const tooLong = `${'a'.repeat(62)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`;
  refuses(tooLong, /254 characters long; the limit is 253/);
});

test('all-numeric top-level labels are refused', () => {
  refuses('example.123', /last label "123" is all digits/);
  refuses('mail.example.1.', /last label "1" is all digits/);
});

test('IDN input cannot smuggle an address or URL syntax through the IDNA mapping', () => {
  // Full-width digits map to "127.0.0.1" and "０x7f.1" to the same address under UTS #46.
  refuses('１２７.０.０.１', /is not a valid host name: its last label "1" is all digits/);
  refuses('０x7f.1', /is not a valid host name/);
  // The WHATWG host parser would percent-decode "%41" to "a": refused before conversion.
  refuses('bücher%41.example', /contains "%"/);
});

test('dotted-quad IPv4 literals are accepted', () => {
  accepts('192.0.2.1', { kind: 'ipv4', address: '192.0.2.1' });
  accepts('0.0.0.0', { kind: 'ipv4', address: '0.0.0.0' });
  accepts('255.255.255.255', { kind: 'ipv4', address: '255.255.255.255' });
  accepts('[192.0.2.1]', { kind: 'ipv4', address: '192.0.2.1' });
});

test('IPv4 look-alikes that inet_aton reads differently are refused, saying why', () => {
  refuses('2130706433', /"2130706433" is a bare number; write an IPv4 address as four decimal parts/);
  refuses('0x7f000001', /bare number/);
  refuses('0x7f.1', /"0x7f\.1" has hexadecimal parts/);
  refuses('127.1', /"127\.1" has 2 numeric parts; an IPv4 address is written as exactly four/);
  refuses('1.2.3.4.5', /has 5 numeric parts/);
  refuses('0177.0.0.1', /"0177\.0\.0\.1" has a part with a leading zero, which resolvers may read as octal/);
  const octal = refuses('012.0.0.1', /leading zero/);
  assert.match(octal, /10\.0\.0\.1/, 'the message says what a resolver would make of it');
  refuses('256.1.1.1', /part greater than 255/);
  refuses('1.2.3.4.', /IPv4 address with a trailing dot/);
  refuses('[127.1]', /has 2 numeric parts/);
});

test('IPv6 literals, bare or bracketed, are accepted in canonical lower-case form', () => {
  accepts('2001:DB8::1', { kind: 'ipv6', address: '2001:db8::1' });
  accepts('2001:0db8:0000:0000:0000:0000:0000:0001', { kind: 'ipv6', address: '2001:db8::1' });
  accepts('[::1]', { kind: 'ipv6', address: '::1' });
  accepts('[IPv6:2001:db8::1]', { kind: 'ipv6', address: '2001:db8::1' });
  accepts('[ipv6:2001:db8::1]', { kind: 'ipv6', address: '2001:db8::1' });
  accepts('::ffff:192.0.2.1', { kind: 'ipv6', address: '::ffff:c000:201' });
  // IPv4-compatible form keeps its meaning (ipaddr.js alone would turn it into ::ffff:1.2.3.4).
  accepts('::1.2.3.4', { kind: 'ipv6', address: '::102:304' });
});

test('malformed IPv6 and zone ids are refused', () => {
  refuses('fe80::1%eth0', /zone id/);
  refuses('[fe80::1%25eth0]', /zone id/);
  refuses('1:2:3:4:5:6:7:8:9', /not a valid IPv6 address/);
  refuses('1::2::3', /not a valid IPv6 address/);
  refuses('12345::1', /not a valid IPv6 address/);
  refuses('::ffff:127.1', /not a valid IPv6 address/);
  refuses('::ffff:010.0.0.1', /not a valid IPv6 address/);
  refuses('[IPv6:zz::1]', /invalid IPv6 address literal/);
  refuses('[mail.example.com]', /neither an IPv4 nor an IPv6 address/);
  refuses('[::1', /malformed "\[\.\.\.\]" address literal/);
});

test('host:port is refused with a pointer to --port', () => {
  refuses('mail.example.com:25', /give the port separately \(--port\)/);
  refuses('192.0.2.1:25', /give the port separately \(--port\)/);
  refuses('[2001:db8::1]:25', /give the port separately \(--port\)/);
  refuses('user@mail.example.com:25', /give the port separately \(--port\)/);
});

test('URLs are refused', () => {
  refuses('smtp://mail.example.com', /"smtp:\/\/mail\.example\.com" is a URL/);
  refuses('http://mail.example.com/', /is a URL/);
  refuses('HTTPS://mail.example.com', /is a URL/);
  refuses('mailto:user@example.com', /is a URL/);
});

test('whitespace, control characters, separators and NUL are refused and shown escaped', () => {
  refuses('mail example.com', /contains whitespace \(U\+0020 at position 5\)/);
  refuses('mail\u00a0example.com', /contains whitespace \(U\+00A0/);
  refuses(' mail.example.com', /contains whitespace/);
  refuses('mail.example.com\n', /"mail\.example\.com\\n" contains a control .*U\+000A/);
  refuses('mail\r\nexample.com', /\\r\\n.*U\+000D/);
  refuses('mail\texample.com', /\\t.*U\+0009/);
  refuses('mail.example.com\u0000', /\\x00.*U\+0000/);
  refuses('mail\u001b[31m.example.com', /\\e\[31m.*U\+001B/);
  refuses('mail\u2028example.com', /\\u2028.*U\+2028/);
  refuses('mail\u202eexample.com', /\\u202e.*U\+202E/);
  refuses('mail\u200bexample.com', /U\+200B/);
  refuses('mail\u007fexample.com', /\\x7f.*U\+007F/);
});

test('empty and over-long inputs are refused', () => {
  const empty = parseTarget('');
  assert.deepEqual(empty, { ok: false, code: 'invalid-target', message: 'the target is empty' });
  const long = refuses(`${'a'.repeat(300)}@${'b'.repeat(20)}.com`, /is 325 characters long; the limit is 320/);
  assert.ok(long.length < 200, 'the quoted input is shortened');
});

test('e-mail addresses: the domain is the host, the local part is kept as typed', () => {
  accepts('postmaster@Example.COM', { kind: 'email', host: 'example.com', localPart: 'postmaster' });
  accepts('first.last+tag@example.com', { kind: 'email', host: 'example.com', localPart: 'first.last+tag' });
  accepts("o'hara!#$%&*/=?^_`{|}~-@example.com", { kind: 'email', host: 'example.com', localPart: "o'hara!#$%&*/=?^_`{|}~-" });
  accepts('"a@b"@example.com', { kind: 'email', host: 'example.com', localPart: '"a@b"' });
  accepts('"a\\"b"@example.com', { kind: 'email', host: 'example.com', localPart: '"a\\"b"' });
  accepts('user@bücher.example', { kind: 'email', host: 'xn--bcher-kva.example', localPart: 'user' });
  accepts(`${'x'.repeat(64)}@example.com`, { kind: 'email', host: 'example.com', localPart: 'x'.repeat(64) });
});

test('e-mail address literals give the address kind', () => {
  accepts('user@[192.0.2.1]', { kind: 'ipv4', address: '192.0.2.1' });
  accepts('user@[IPv6:2001:DB8::1]', { kind: 'ipv6', address: '2001:db8::1' });
});

test('malformed e-mail addresses are refused', () => {
  refuses('@example.com', /nothing before "@"/);
  refuses('user@', /no domain after "@"/);
  refuses('a..b@example.com', /invalid local part \(RFC 5321 §4\.1\.2 Dot-string\)/);
  refuses('.a@example.com', /invalid local part/);
  refuses('a@b@example.com', /invalid local part/);
  refuses('"unterminated@example.com', /invalid quoted local part/);
  refuses(`${'x'.repeat(65)}@example.com`, /local part of 65 characters; the limit is 64/);
  refuses('josé@example.com', /non-ASCII local part/);
  refuses('user@192.0.2.1', /write it as an address literal: user@\[192\.0\.2\.1\]/);
  refuses('user@2001:db8::1', /address literal/);
  refuses('user@127.1', /has 2 numeric parts/);
  refuses('user@[127.0.0.1', /malformed/);
  refuses('user@-bad.example', /not a valid host name/);
});

test('ports: decimal 1–65535 only', () => {
  assert.deepEqual(parsePort('25'), { ok: true, port: 25 });
  assert.deepEqual(parsePort('65535'), { ok: true, port: 65535 });
  assert.deepEqual(parsePort('1'), { ok: true, port: 1 });
  assert.deepEqual(parsePort(587), { ok: true, port: 587 });
  for (const bad of ['25abc', '0', '65536', '-1', '+25', '2.5', '025', '', ' 25', '0x19', '1e2', '99999999']) {
    const result = parsePort(bad);
    assert.equal(result.ok, false, `port ${JSON.stringify(bad)} must be refused`);
    if (result.ok) continue;
    assert.equal(result.code, 'invalid-option');
    assert.match(result.message, /is not a decimal number from 1 to 65535/);
    assert.ok(result.message.includes(`"${bad}"`), 'the message quotes the input');
  }
  for (const bad of [0, 65536, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    const result = parsePort(bad);
    assert.equal(result.ok, false, `port ${bad} must be refused`);
    if (!result.ok) assert.match(result.message, /is not a whole number from 1 to 65535/);
  }
  const nul = parsePort('25\u0000');
  assert.equal(nul.ok, false);
  if (!nul.ok) assert.match(nul.message, /"25\\x00"/);
});
