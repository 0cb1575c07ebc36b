// Attack: SSRF to cloud instance credentials (SECURITY.md §1, issue 12 item 10). Cloud providers
// serve metadata, credentials and internal services on link-local 169.254.0.0/16 (AWS ECS task
// credentials at 169.254.170.2, the AWS resolver at 169.254.169.253, time sync at
// 169.254.169.123, Tencent at 169.254.0.23, the IMDS at 169.254.169.254) and on AWS's IPv6 range
// fd00:ec2::/32 (fd00:ec2::23, ::123, ::253, ::254). A visitor who types one of them, or points
// a name at one, or writes it in an IPv6 form that embeds it (mapped, IPv4-translated
// ::ffff:0:a.b.c.d, NAT64, 6to4, Teredo, IPv4-compatible), would read those services through the
// transcript. Every form is refused by every policy: the server's default, the CLI's
// allowPrivate, and an operator's allowlist that covers the range (RELAYPROBE_ALLOW_TARGETS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpAddress } from '@relayprobe/contracts';
import { createAddressPolicy, type AddressPolicy, type AddressPolicyOptions } from '../src/address-policy.js';
import { prepareProbe } from '../src/probe-prepare.js';
import { ScriptedResolver } from './scripted-resolver.js';

function policyOf(options: AddressPolicyOptions): AddressPolicy {
  const created = createAddressPolicy(options);
  if (!created.ok) throw new Error(`policy refused its options: ${created.message}`);
  return created.policy;
}

const POLICIES: [string, AddressPolicy][] = [
  ['the server default', policyOf({ allowPrivate: false })],
  ['allowPrivate (the CLI default)', policyOf({ allowPrivate: true })],
  ['an allowlist of everything', policyOf({ allowPrivate: true, allowCidrs: ['0.0.0.0/0', '::/0'] })],
  [
    'an allowlist naming the ranges',
    policyOf({ allowPrivate: false, allowCidrs: ['169.254.0.0/16', '169.254.170.0/24', 'fd00::/8', 'fd00:ec2::/32', '::ffff:0:0/96', '64:ff9b::/96', '2002::/16', '2001::/32', '::/96'] }),
  ],
];

const ALWAYS = /relayprobe never connects to it, whatever the configuration/;

// [address, what its reason must say]: one row per form.
const FORMS: [string, RegExp][] = [
  ['169.254.170.2', /^169\.254\.170\.2 is a cloud metadata address/],
  ['169.254.169.253', /^169\.254\.169\.253 is a cloud metadata address/],
  ['169.254.169.123', /^169\.254\.169\.123 is a cloud metadata address/],
  ['169.254.0.23', /^169\.254\.0\.23 is a link-local address \(169\.254\.0\.0\/16, RFC 3927\), where cloud providers serve instance metadata/],
  ['169.254.1.1', /^169\.254\.1\.1 is a link-local address \(169\.254\.0\.0\/16/],
  ['169.254.255.255', /link-local address \(169\.254\.0\.0\/16/],
  ['fd00:ec2::23', /^fd00:ec2::23 is a cloud metadata address/],
  ['fd00:ec2::253', /^fd00:ec2::253 is a cloud metadata address/],
  ['fd00:ec2::123', /^fd00:ec2::123 is a cloud metadata address/],
  ['fd00:ec2:0:1::7', /^fd00:ec2:0:1::7 is an address of AWS's IPv6 instance services \(fd00:ec2::\/32\)/],
  ['::ffff:0:a9fe:a9fe', /^::ffff:0:a9fe:a9fe reaches 169\.254\.169\.254, which is a cloud metadata address/],
  ['::ffff:0:169.254.170.2', /reaches 169\.254\.170\.2, which is a cloud metadata address/],
  ['::ffff:0:a9fe:101', /^::ffff:0:a9fe:101 reaches 169\.254\.1\.1, which is a link-local address/],
  ['::ffff:169.254.170.2', /reaches 169\.254\.170\.2, which is a cloud metadata address/],
  ['::ffff:a9fe:101', /reaches 169\.254\.1\.1, which is a link-local address/],
  ['64:ff9b::a9fe:aa02', /reaches 169\.254\.170\.2/],
  ['64:ff9b:1::a9fe:101', /reaches 169\.254\.1\.1/],
  ['2002:a9fe:aa02::1', /reaches 169\.254\.170\.2/],
  ['2001:0:a9fe:a9fd::1', /reaches 169\.254\.169\.253/],
  ['::169.254.170.2', /reaches 169\.254\.170\.2/],
];

test("link-local 169.254/16 and the providers' metadata addresses are refused in every form, by every policy", () => {
  for (const [address, reason] of FORMS) {
    for (const [name, policy] of POLICIES) {
      const verdict = policy.check(address);
      assert.equal(verdict.allowed, false, `${address} must be refused by ${name}`);
      if (verdict.allowed) continue;
      assert.equal(verdict.code, 'address-refused');
      assert.match(verdict.reason, reason, `${address} (${name})`);
      assert.match(verdict.reason, ALWAYS, `${address} (${name})`);
    }
  }
});

test('addresses next to the refused ranges stay allowed where the policy allows them', () => {
  const cli = policyOf({ allowPrivate: true });
  for (const address of ['169.253.255.255', '169.255.0.1', 'fd00:ec3::23', 'fd01:ec2::23', '10.0.0.1', 'fe80::1']) {
    assert.equal(cli.check(address).allowed, true, `${address} is not a metadata address`);
  }
});

test('a name that resolves to one of them is refused before any connection, naming the address', async () => {
  for (const [address] of FORMS.filter(([a]) => !a.includes('::ffff:0:'))) {
    const family = address.includes(':') ? 'aaaa' : 'a';
    const resolver = new ScriptedResolver({ [family]: { 'credentials.relay-test.example': [address] } });
    const outcome = await prepareProbe({
      target: 'credentials.relay-test.example',
      port: 25,
      suite: 'quick',
      tls: 'none',
      helo: 'prober.relayprobe.test',
      testDomain: 'example.com',
      timeoutSeconds: 5,
      allowPrivate: true,
      allowCidrs: ['0.0.0.0/0', '::/0'],
      allowedPorts: [25],
      resolver,
    });
    assert.equal(outcome.ok, false, `${address} must be refused`);
    if (outcome.ok) continue;
    assert.equal(outcome.code, 'address-refused');
    // Answers are shown in their RFC 5952 form (::ffff:169.254.170.2 as ::ffff:a9fe:aa02).
    const shown = parseIpAddress(address)?.canonical ?? address;
    assert.ok(outcome.message.includes(shown), `the refusal names ${shown}: ${outcome.message}`);
  }
});
