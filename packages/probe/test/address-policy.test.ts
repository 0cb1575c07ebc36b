// Security regression: SSRF through the prober (SECURITY.md §1). An attacker types, or points a
// DNS name at, an address the prober can reach and the attacker cannot: loopback (the prober's
// own database, Redis, admin ports), private networks, link-local and cloud metadata endpoints
// (169.254.169.254 and friends hand out instance credentials), or an IPv6 form that leads to one
// of them (IPv4-mapped, NAT64, 6to4, Teredo, IPv4-compatible). The live transcript would read the
// service's banner back to them. These tests pin what the address policy refuses, what the
// operator can open up (allowPrivate, allow CIDRs), and what nothing opens up (cloud metadata).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLOUD_METADATA_ADDRESSES, createAddressPolicy, isPrivateOrSpecial, type AddressPolicy, type AddressPolicyOptions } from '../src/address-policy.js';

function policyOf(options: AddressPolicyOptions): AddressPolicy {
  const created = createAddressPolicy(options);
  if (!created.ok) throw new Error(`policy refused its options: ${created.message}`);
  return created.policy;
}

const serverDefault = policyOf({ allowPrivate: false });
const cliDefault = policyOf({ allowPrivate: true });

/** Assert a refusal whose reason names the address and matches `what`. */
function assertRefused(policy: AddressPolicy, address: string, what: RegExp): void {
  const verdict = policy.check(address);
  assert.equal(verdict.allowed, false, `${address} must be refused`);
  if (verdict.allowed) return;
  assert.equal(verdict.code, 'address-refused');
  assert.ok(verdict.reason.startsWith(address), `the reason names ${address}: ${verdict.reason}`);
  assert.match(verdict.reason, what);
}

// Address → words its reason must contain (the range it belongs to).
const DENIED_BY_DEFAULT: [string, RegExp][] = [
  ['127.0.0.1', /is a loopback address \(127\.0\.0\.0\/8/],
  ['127.255.255.254', /loopback/],
  ['10.0.0.1', /private address \(10\.0\.0\.0\/8, RFC 1918\)/],
  ['172.16.0.1', /private address \(172\.16\.0\.0\/12/],
  ['172.31.255.255', /private address/],
  ['192.168.1.1', /private address \(192\.168\.0\.0\/16/],
  ['100.64.0.1', /carrier-grade NAT/],
  ['169.254.169.254', /cloud metadata/],
  ['169.254.1.1', /link-local/],
  ['0.0.0.0', /unspecified/],
  ['0.1.2.3', /unspecified/],
  ['255.255.255.255', /broadcast/],
  ['224.0.0.1', /multicast/],
  ['239.255.255.250', /multicast/],
  ['240.0.0.1', /reserved/],
  ['192.0.2.1', /documentation address \(192\.0\.2\.0\/24, RFC 5737\)/],
  ['198.51.100.7', /documentation/],
  ['203.0.113.9', /documentation/],
  ['198.18.0.1', /benchmarking/],
  ['192.0.0.8', /IETF protocol assignment/],
  ['::1', /loopback/],
  ['::', /unspecified/],
  ['fc00::1', /unique local/],
  ['fd12:3456::1', /unique local/],
  ['fe80::1', /link-local/],
  ['fec0::1', /site-local/],
  ['ff02::1', /multicast/],
  ['::ffff:127.0.0.1', /IPv4-mapped form of 127\.0\.0\.1, which is a loopback address/],
  ['::ffff:7f00:1', /IPv4-mapped form of 127\.0\.0\.1/],
  ['::ffff:10.1.2.3', /private address/],
  ['::ffff:169.254.169.254', /reaches 169\.254\.169\.254, which is a cloud metadata address/],
  ['64:ff9b::7f00:1', /NAT64/],
  ['64:ff9b::8.8.8.8', /NAT64/],
  ['64:ff9b:1::1', /NAT64/],
  ['2002:7f00:1::', /6to4/],
  ['2002:808:808::1', /6to4/],
  ['2001::1', /Teredo/],
  ['2001:db8::1', /documentation address \(2001:db8::\/32/],
  ['3fff::1', /documentation/],
  ['::7f00:1', /IPv4-compatible/],
  ['::8.8.8.8', /IPv4-compatible/],
  ['100::1', /discard/],
  ['4000::1', /not a global unicast IPv6 address \(outside 2000::\/3/],
  ['fd00:ec2::254', /cloud metadata/],
  ['100.100.100.200', /cloud metadata/],
  ['168.63.129.16', /cloud metadata/],
];

test('special, private and metadata addresses are refused by default, each naming its range', () => {
  for (const [address, what] of DENIED_BY_DEFAULT) {
    assertRefused(serverDefault, address, what);
    assert.equal(isPrivateOrSpecial(address), true, `${address} is private or special`);
  }
});

test('public unicast addresses are allowed (nothing is contacted: these are strings)', () => {
  for (const address of ['8.8.8.8', '1.1.1.1', '192.0.1.1', '172.32.0.1', '100.128.0.1', '2a00:1450::1', '2001:4860:4860::8888', '2600::1']) {
    assert.deepEqual(serverDefault.check(address), { allowed: true }, `${address} is public`);
    assert.equal(isPrivateOrSpecial(address), false, `${address} is public`);
  }
  // IPv4-mapped forms of public addresses are refused by default too (SECURITY.md §1).
  const mappedPublic = serverDefault.check('::ffff:8.8.8.8');
  assert.equal(mappedPublic.allowed, false);
  assert.match(mappedPublic.allowed ? '' : mappedPublic.reason, /IPv4-mapped form of 8\.8\.8\.8, which is an IPv4-mapped IPv6 address/);
});

test('only strict literals are judged: inet_aton forms, zone ids and names are refused', () => {
  for (const text of ['0x7f.1', '127.1', '2130706433', '0177.0.0.1', '012.0.0.1', 'fe80::1%eth0', '[::1]', 'localhost', '', ' 8.8.8.8', '8.8.8.8\n']) {
    const verdict = serverDefault.check(text);
    assert.equal(verdict.allowed, false, `${JSON.stringify(text)} must be refused`);
    if (!verdict.allowed) {
      assert.match(verdict.reason, /is not an IP address in strict form/);
      assert.doesNotMatch(verdict.reason, /[\u0000-\u001f]/);
    }
    assert.equal(cliDefault.check(text).allowed, false, 'allowPrivate does not relax the grammar');
    assert.equal(isPrivateOrSpecial(text), true, 'unparsable strings fail closed');
  }
});

test('allowPrivate (the CLI default) allows private, loopback and special ranges', () => {
  // Not link-local 169.254.0.0/16: cloud providers serve metadata there, so nothing allows it
  // (security-cloud-metadata.test.ts).
  for (const address of ['127.0.0.1', '10.0.0.1', '172.16.0.1', '192.168.1.1', '100.64.0.1', '::1', 'fc00::1', 'fe80::1', '::ffff:127.0.0.1', '192.0.2.1', '2001:db8::1']) {
    assert.deepEqual(cliDefault.check(address), { allowed: true }, `${address} is allowed on the operator's own network`);
  }
});

test('cloud metadata is refused even with allowPrivate and with an allow CIDR covering it', () => {
  const everything = policyOf({
    allowPrivate: true,
    allowCidrs: ['0.0.0.0/0', '::/0', '169.254.0.0/16', '169.254.169.254/32', 'fd00::/8', '168.63.129.16/32'],
  });
  const strictButAllowlisted = policyOf({
    allowPrivate: false,
    allowCidrs: ['169.254.0.0/16', '100.64.0.0/10', 'fd00:ec2::/32', '168.63.0.0/16', '::ffff:0:0/96', '64:ff9b::/96'],
  });
  const forms = [
    ...CLOUD_METADATA_ADDRESSES,
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '::ffff:100.100.100.200',
    '64:ff9b::a9fe:a9fe', // NAT64 of 169.254.169.254
    '64:ff9b::168.63.129.16',
    '2002:a9fe:a9fe::1', // 6to4 of 169.254.169.254
    '2001:0:a9fe:a9fe::1', // Teredo server 169.254.169.254
    '2001:0:4136:e378:8000:63bf:5601:5601', // Teredo client: the last 32 bits inverted are a9fe:a9fe
    '::169.254.169.254', // IPv4-compatible
    'FD00:EC2:0::254',
  ];
  for (const address of forms) {
    for (const policy of [serverDefault, cliDefault, everything, strictButAllowlisted]) {
      const verdict = policy.check(address);
      assert.equal(verdict.allowed, false, `${address} must always be refused`);
      if (!verdict.allowed) assert.match(verdict.reason, /cloud metadata address; relayprobe never connects to it/);
    }
  }
  assert.deepEqual([...CLOUD_METADATA_ADDRESSES].sort(), [
    '100.100.100.200',
    '168.63.129.16',
    '169.254.169.123',
    '169.254.169.253',
    '169.254.169.254',
    '169.254.170.2',
    'fd00:ec2::123',
    'fd00:ec2::23',
    'fd00:ec2::253',
    'fd00:ec2::254',
  ]);
});

test('allow CIDRs exempt their ranges when private addresses are denied, and say so', () => {
  const policy = policyOf({ allowPrivate: false, allowCidrs: ['127.0.0.0/8', '::1/128', '10.1.0.0/16', '192.168.7.25', 'fd00:1::/32'] });
  for (const address of ['127.0.0.1', '127.9.9.9', '::1', '10.1.2.3', '192.168.7.25', 'fd00:1::5', '::ffff:127.0.0.1']) {
    assert.deepEqual(policy.check(address), { allowed: true, via: 'allowlist' }, `${address} is allowlisted`);
  }
  for (const address of ['10.2.0.1', '192.168.7.26', 'fd00:2::5', '172.16.0.1', 'fe80::1']) {
    assert.equal(policy.check(address).allowed, false, `${address} is outside the allowlist`);
  }
  // A public address needs no exemption, so the allowlist is not named.
  assert.deepEqual(policy.check('8.8.8.8'), { allowed: true });
  // An IPv6 range written for IPv4-mapped addresses covers them too.
  const mapped = policyOf({ allowPrivate: false, allowCidrs: ['::ffff:10.0.0.0/104'] });
  assert.deepEqual(mapped.check('::ffff:10.0.0.1'), { allowed: true, via: 'allowlist' });
});

test('a bad allow CIDR gives a clear invalid-option naming it', () => {
  const cases: [string, RegExp][] = [
    ['10.0.0.0/33', /"10\.0\.0\.0\/33" has an invalid prefix length \(0 to 32\)/],
    ['::1/129', /"::1\/129" has an invalid prefix length \(0 to 128\)/],
    ['10.0.0.0/', /invalid prefix length/],
    ['10.0.0.0/08', /invalid prefix length/],
    ['10.0.0.0/8/8', /invalid prefix length/],
    ['10.0.0.1/8', /"10\.0\.0\.1\/8" has host bits set; did you mean 10\.0\.0\.0\/8\?/],
    ['fd00::1/8', /has host bits set; did you mean fd00::\/8\?/],
    ['localhost', /"localhost" is not a CIDR range/],
    ['0x7f.1/8', /"0x7f\.1\/8" is not a CIDR range/],
    ['127.1/8', /is not a CIDR range/],
    ['', /"" is not a CIDR range/],
    ['fe80::%eth0/64', /is not a CIDR range/],
    ['10.0.0.0/8\u0000', /"10\.0\.0\.0\/8\\x00" has an invalid prefix length/],
  ];
  for (const [cidr, message] of cases) {
    const created = createAddressPolicy({ allowPrivate: false, allowCidrs: ['127.0.0.0/8', cidr] });
    assert.equal(created.ok, false, `${JSON.stringify(cidr)} must be refused`);
    if (created.ok) continue;
    assert.equal(created.code, 'invalid-option');
    assert.match(created.message, /^allowed target range /);
    assert.match(created.message, message);
  }
  // Surrounding spaces (from splitting an environment variable) are tolerated.
  assert.equal(createAddressPolicy({ allowPrivate: false, allowCidrs: [' 10.0.0.0/8 '] }).ok, true);
});
