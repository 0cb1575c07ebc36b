// The one strict IPv4 / IPv6 parser (@relayprobe/contracts ip-address-text.ts) and ipaddr.js,
// which the address policy uses for ranges: every address we accept means the same address to
// ipaddr.js, and our RFC 5952 text is ipaddr.js's (the canonical form in results, messages and
// the policy's CIDR checks), for generated addresses (a fixed seed) and the edge cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ipaddr from 'ipaddr.js';
import { formatIPv6, parseIPv4, parseIPv6, parseIpAddress } from '@relayprobe/contracts';
import { parseIpLiteral } from '../src/ip-literal.js';
import { seededRandom } from './seeded-random.js';

test('RFC 5952 text: the same as ipaddr.js for generated addresses and zero runs of every shape', () => {
  const next = seededRandom(0x1b6);
  for (let i = 0; i < 20_000; i++) {
    // Mostly zero groups, so runs of zeros of every length and position occur.
    const parts = Array.from({ length: 8 }, () => (next() < 0.55 ? 0 : Math.floor(next() * 0x10000)));
    const expected = new ipaddr.IPv6(parts).toRFC5952String();
    assert.equal(formatIPv6(parts), expected, parts.join(','));
    assert.deepEqual(parseIPv6(expected)?.parts, parts, expected);
    assert.equal(parseIpLiteral(expected)?.ip.toString(), expected);
  }
  for (const [parts, text] of [
    [[0, 0, 0, 0, 0, 0, 0, 0], '::'],
    [[0, 0, 0, 0, 0, 0, 0, 1], '::1'],
    [[1, 0, 0, 0, 0, 0, 0, 0], '1::'],
    [[1, 0, 1, 0, 0, 1, 0, 0], '1:0:1::1:0:0'],
    [[0x2001, 0xdb8, 0, 1, 0, 0, 0, 1], '2001:db8:0:1::1'],
    [[0x2001, 0xdb8, 0, 0, 1, 0, 0, 1], '2001:db8::1:0:0:1'],
  ] as const) {
    assert.equal(formatIPv6(parts), text);
  }
});

test('every accepted text form means what ipaddr.js and inet_pton make of it', () => {
  for (const text of ['2001:DB8::1', '2001:0db8:0000:0000:0000:0000:0000:0001', '::ffff:192.0.2.1', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', 'fe80::1:2']) {
    const ours = parseIPv6(text);
    assert.ok(ours, text);
    assert.deepEqual([...ours.parts], ipaddr.IPv6.parse(text).parts, text);
  }
  // ipaddr.js rewrites the IPv4-compatible form ::a.b.c.d into ::ffff:a.b.c.d; we keep its meaning.
  assert.deepEqual(parseIPv6('::1.2.3.4')?.parts, [0, 0, 0, 0, 0, 0, 0x102, 0x304]);
  for (const text of ['192.0.2.1', '0.0.0.0', '255.255.255.255']) assert.deepEqual([...(parseIPv4(text) ?? [])], ipaddr.IPv4.parse(text).octets);
});

test('the look-alikes ipaddr.js and inet_aton read as addresses are not addresses here', () => {
  for (const text of ['127.1', '0x7f.1', '0x7f000001', '2130706433', '0177.0.0.1', '012.0.0.1', '127.000.000.001', '1.2.3.4.', ' 1.2.3.4', 'fe80::1%eth0', '::ffff:127.1', '1::2::3', '[::1]', '']) {
    assert.equal(parseIpAddress(text), undefined, text);
    assert.equal(parseIpLiteral(text), undefined, text);
  }
});
