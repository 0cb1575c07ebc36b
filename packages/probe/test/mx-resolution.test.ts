// Target resolution (RFC 5321 §5.1, RFC 7505, SECURITY.md §1) against scripted resolvers: no
// real DNS, no sockets. Every resolver counts its queries, so "each name is asked once" is
// checked, and every resolution's error code is checked against the registry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isErrorCode, type Resolution } from '@relayprobe/contracts';
import { createAddressPolicy, type AddressPolicy, type AddressPolicyOptions } from '../src/address-policy.js';
import { resolveTarget, type ResolveOptions } from '../src/mx-resolution.js';
import { parseTarget } from '@relayprobe/contracts';
import { ScriptedResolver, type Zone } from './scripted-resolver.js';

function policyOf(options: AddressPolicyOptions): AddressPolicy {
  const created = createAddressPolicy(options);
  if (!created.ok) throw new Error(created.message);
  return created.policy;
}

// Documentation ranges stand in for public addresses: the server-default policy with them
// allowlisted. Nothing is ever contacted; these are strings.
const POLICY = policyOf({ allowPrivate: false, allowCidrs: ['192.0.2.0/24', '198.51.100.0/24', '2001:db8::/32'] });
const TIMEOUT_MS = 25;

async function resolve(input: string, zone: Zone, extra: Partial<ResolveOptions> = {}): Promise<{ resolution: Resolution; calls: string[] }> {
  const parsed = parseTarget(input);
  if (!parsed.ok) throw new Error(parsed.message);
  const resolver = new ScriptedResolver(zone);
  const resolution = await resolveTarget(input, parsed.target, { resolver, policy: POLICY, timeoutMs: TIMEOUT_MS, ...extra });
  if (resolution.error) assert.ok(isErrorCode(resolution.error.code), `${resolution.error.code} is a registered error code`);
  return { resolution, calls: resolver.calls };
}

/** Assert no name was asked twice for the same record type. */
function assertAskedOnce(calls: string[]): void {
  assert.deepEqual([...new Set(calls)].sort(), [...calls].sort(), `a query was repeated: ${calls.join(', ')}`);
}

test('MX records are ordered by preference, ties by name; addresses follow, IPv4 first per host', async () => {
  const { resolution, calls } = await resolve('example.com', {
    mx: {
      'example.com': [
        { exchange: 'mx2.example.com', priority: 20 },
        { exchange: 'MX1.example.com.', priority: 10 },
        { exchange: 'a.example.com', priority: 10 },
      ],
    },
    a: { 'mx1.example.com': ['192.0.2.11'], 'a.example.com': ['192.0.2.1'], 'mx2.example.com': ['192.0.2.21'] },
    aaaa: { 'a.example.com': ['2001:DB8:0::1'], 'mx2.example.com': ['2001:db8::21'] },
  });
  assert.deepEqual(resolution, {
    input: 'example.com',
    kind: 'host',
    domain: 'example.com',
    mx: [
      { exchange: 'a.example.com', preference: 10 },
      { exchange: 'mx1.example.com', preference: 10 },
      { exchange: 'mx2.example.com', preference: 20 },
    ],
    nullMx: false,
    implicitMx: false,
    addresses: [
      { address: '192.0.2.1', family: 4, host: 'a.example.com', allowed: true },
      { address: '2001:db8::1', family: 6, host: 'a.example.com', allowed: true },
      { address: '192.0.2.11', family: 4, host: 'mx1.example.com', allowed: true },
      { address: '192.0.2.21', family: 4, host: 'mx2.example.com', allowed: true },
      { address: '2001:db8::21', family: 6, host: 'mx2.example.com', allowed: true },
    ],
  });
  assertAskedOnce(calls);
  assert.equal(calls.length, 7);
});

test('a null MX means no mail: error null-mx, no fallback to the address records', async () => {
  for (const exchange of ['', '.']) {
    const { resolution, calls } = await resolve('nomail.example', {
      mx: { 'nomail.example': [{ exchange, priority: 0 }] },
      a: { 'nomail.example': ['192.0.2.5'] },
    });
    assert.equal(resolution.nullMx, true);
    assert.equal(resolution.implicitMx, false);
    assert.deepEqual(resolution.mx, [{ exchange: '.', preference: 0 }]);
    assert.deepEqual(resolution.addresses, []);
    assert.equal(resolution.error?.code, 'null-mx');
    assert.match(resolution.error?.text ?? '', /nomail\.example publishes a null MX \(RFC 7505\)/);
    assert.deepEqual(calls, ['MX nomail.example']);
  }
});

test('a "." among other MX records is skipped, not taken as a null MX', async () => {
  const { resolution } = await resolve('mixed.example', {
    mx: {
      'mixed.example': [
        { exchange: '', priority: 0 },
        { exchange: 'mx.mixed.example', priority: 10 },
      ],
    },
    a: { 'mx.mixed.example': ['192.0.2.7'] },
  });
  assert.equal(resolution.nullMx, false);
  assert.equal(resolution.error, undefined);
  assert.deepEqual(
    resolution.addresses.map((a) => a.address),
    ['192.0.2.7'],
  );
});

test('no MX record: the domain is its own implicit MX (RFC 5321 §5.1)', async () => {
  const { resolution, calls } = await resolve('user@plain.example', {
    a: { 'plain.example': ['192.0.2.9'] },
    aaaa: { 'plain.example': ['2001:db8::9'] },
  });
  assert.equal(resolution.kind, 'email');
  assert.equal(resolution.domain, 'plain.example');
  assert.equal(resolution.implicitMx, true);
  assert.deepEqual(resolution.mx, []);
  assert.deepEqual(resolution.addresses, [
    { address: '192.0.2.9', family: 4, host: 'plain.example', allowed: true },
    { address: '2001:db8::9', family: 6, host: 'plain.example', allowed: true },
  ]);
  assert.equal(resolution.error, undefined);
  assert.deepEqual(calls.sort(), ['A plain.example', 'AAAA plain.example', 'MX plain.example']);
});

test('an empty MX answer is treated like no MX record', async () => {
  const { resolution } = await resolve('empty.example', { mx: { 'empty.example': [] }, a: { 'empty.example': ['192.0.2.3'] } });
  assert.equal(resolution.implicitMx, true);
  assert.deepEqual(
    resolution.addresses.map((a) => a.address),
    ['192.0.2.3'],
  );
});

test('NXDOMAIN gives dns-not-found; a name with neither MX nor address too', async () => {
  const missing = await resolve('missing.example', {});
  assert.equal(missing.resolution.error?.code, 'dns-not-found');
  assert.match(missing.resolution.error?.text ?? '', /missing\.example does not exist in DNS \(NXDOMAIN\)/);
  assert.equal(missing.resolution.implicitMx, false);
  assertAskedOnce(missing.calls);

  // The name exists (an empty A answer) but has no MX and no address.
  const bare = await resolve('bare.example', { a: { 'bare.example': [] } });
  assert.equal(bare.resolution.error?.code, 'dns-not-found');
  assert.match(bare.resolution.error?.text ?? '', /bare\.example has no MX record and no address/);

  const dangling = await resolve('dangling.example', { mx: { 'dangling.example': [{ exchange: 'gone.example', priority: 5 }] } });
  assert.equal(dangling.resolution.error?.code, 'dns-not-found');
  assert.match(dangling.resolution.error?.text ?? '', /no mail server of dangling\.example has an address.*gone\.example/);
});

test('SERVFAIL and other resolver failures give dns-failed with the reason', async () => {
  const mxFail = await resolve('broken.example', { mx: { 'broken.example': { error: 'ESERVFAIL' } } });
  assert.equal(mxFail.resolution.error?.code, 'dns-failed');
  assert.match(mxFail.resolution.error?.text ?? '', /MX lookup for broken\.example failed: .*SERVFAIL/);
  assert.deepEqual(mxFail.calls, ['MX broken.example'], 'no fallback to A after a failed MX lookup');

  const refused = await resolve('refused.example', { mx: { 'refused.example': { error: 'EREFUSED' } } });
  assert.equal(refused.resolution.error?.code, 'dns-failed');
  assert.match(refused.resolution.error?.text ?? '', /REFUSED/);

  const strange = await resolve('odd.example', { mx: { 'odd.example': { error: 'EWEIRD\u001b[2J' } } });
  assert.equal(strange.resolution.error?.code, 'dns-failed');
  assert.doesNotMatch(strange.resolution.error?.text ?? '', /\u001b/, 'resolver text is escaped');

  const hostFail = await resolve('halfbroken.example', {
    mx: { 'halfbroken.example': [{ exchange: 'mx.halfbroken.example', priority: 1 }] },
    a: { 'mx.halfbroken.example': { error: 'ESERVFAIL' } },
    aaaa: { 'mx.halfbroken.example': { error: 'ESERVFAIL' } },
  });
  assert.equal(hostFail.resolution.error?.code, 'dns-failed');
  assert.match(hostFail.resolution.error?.text ?? '', /address lookup for mx\.halfbroken\.example failed/);
});

test('a resolver that never answers is cut off by our own deadline: dns-timeout', async () => {
  // The bound on this test is TIMEOUT_MS per query; without our deadline it would hang forever.
  const silentMx = await resolve('silent.example', { mx: { 'silent.example': 'never' } });
  assert.equal(silentMx.resolution.error?.code, 'dns-timeout');
  assert.match(silentMx.resolution.error?.text ?? '', /MX lookup for silent\.example failed: no answer within 25 ms/);

  const silentHost = await resolve('slowhost.example', {
    mx: { 'slowhost.example': [{ exchange: 'mx.slowhost.example', priority: 1 }] },
    a: { 'mx.slowhost.example': 'never' },
    aaaa: { 'mx.slowhost.example': 'never' },
  });
  assert.equal(silentHost.resolution.error?.code, 'dns-timeout');

  const resolverTimeout = await resolve('etimeout.example', { mx: { 'etimeout.example': { error: 'ETIMEOUT' } } });
  assert.equal(resolverTimeout.resolution.error?.code, 'dns-timeout');
});

test('one family timing out does not hide the other family’s addresses', async () => {
  const { resolution } = await resolve('v6only.example', {
    mx: { 'v6only.example': [{ exchange: 'mx.v6only.example', priority: 1 }] },
    a: { 'mx.v6only.example': 'never' },
    aaaa: { 'mx.v6only.example': ['2001:db8::66'] },
  });
  assert.equal(resolution.error, undefined);
  assert.deepEqual(resolution.addresses, [{ address: '2001:db8::66', family: 6, host: 'mx.v6only.example', allowed: true }]);
});

test('a name answering public and private addresses is refused, naming the private one', async () => {
  const { resolution, calls } = await resolve('rebind.example', {
    mx: { 'rebind.example': [{ exchange: 'mx.rebind.example', priority: 10 }] },
    a: { 'mx.rebind.example': ['192.0.2.80', '10.0.0.1'] },
    aaaa: { 'mx.rebind.example': ['::1'] },
  });
  assert.equal(resolution.error?.code, 'address-refused');
  assert.match(resolution.error?.text ?? '', /mx\.rebind\.example .*10\.0\.0\.1 is a private address/);
  assert.deepEqual(
    resolution.addresses.map(({ address, allowed }) => ({ address, allowed })),
    [
      { address: '192.0.2.80', allowed: true },
      { address: '10.0.0.1', allowed: false },
      { address: '::1', allowed: false },
    ],
  );
  assert.match(resolution.addresses[1]?.refusal ?? '', /^10\.0\.0\.1 is a private address/);
  assert.match(resolution.addresses[2]?.refusal ?? '', /^::1 is the loopback address/);
  assertAskedOnce(calls);
});

test('cloud metadata reached through an MX name is refused, even for the CLI policy', async () => {
  const zone: Zone = {
    mx: { 'evil.example': [{ exchange: 'metadata.evil.example', priority: 0 }] },
    a: { 'metadata.evil.example': ['169.254.169.254'] },
    aaaa: { 'metadata.evil.example': ['fd00:ec2::254'] },
  };
  for (const policy of [POLICY, policyOf({ allowPrivate: true, allowCidrs: ['169.254.0.0/16'] })]) {
    const { resolution } = await resolve('evil.example', zone, { policy });
    assert.equal(resolution.error?.code, 'address-refused');
    assert.match(resolution.error?.text ?? '', /169\.254\.169\.254 is a cloud metadata address/);
    assert.equal(
      resolution.addresses.every((a) => !a.allowed),
      true,
    );
  }
});

test('addresses are capped at 5 (deduplicated); hosts past the cap are not asked', async () => {
  const { resolution, calls } = await resolve('big.example', {
    mx: {
      'big.example': [
        { exchange: 'mx1.big.example', priority: 1 },
        { exchange: 'mx2.big.example', priority: 2 },
        { exchange: 'mx3.big.example', priority: 3 },
      ],
    },
    a: { 'mx1.big.example': ['192.0.2.1', '192.0.2.2', '192.0.2.1'], 'mx2.big.example': ['192.0.2.2', '192.0.2.3', '192.0.2.4'], 'mx3.big.example': ['192.0.2.9'] },
    aaaa: { 'mx1.big.example': ['2001:db8::1'], 'mx2.big.example': ['2001:db8::2', '2001:db8::3'] },
  });
  assert.deepEqual(
    resolution.addresses.map((a) => `${a.host} ${a.address}`),
    ['mx1.big.example 192.0.2.1', 'mx1.big.example 192.0.2.2', 'mx1.big.example 2001:db8::1', 'mx2.big.example 192.0.2.3', 'mx2.big.example 192.0.2.4'],
  );
  assert.equal(resolution.error, undefined);
  assert.equal(
    calls.some((c) => c.includes('mx3.big.example')),
    false,
    'mx3 is past the cap and never asked',
  );

  const two = await resolve(
    'big.example',
    { mx: { 'big.example': [{ exchange: 'mx.big.example', priority: 1 }] }, a: { 'mx.big.example': ['192.0.2.1', '192.0.2.2', '192.0.2.3'] } },
    { maxAddresses: 2 },
  );
  assert.equal(two.resolution.addresses.length, 2);
});

test('a refused address past the cap is still caught and listed as the evidence', async () => {
  const { resolution } = await resolve('sneaky.example', {
    a: { 'sneaky.example': ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5', '192.0.2.6', '127.0.0.1'] },
  });
  assert.equal(resolution.error?.code, 'address-refused');
  assert.match(resolution.error?.text ?? '', /127\.0\.0\.1 is a loopback address/);
  assert.deepEqual(
    resolution.addresses.map((a) => a.address),
    ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5', '127.0.0.1'],
  );
});

test('each name is asked once per type, even when MX records repeat it or point at the domain', async () => {
  const { resolution, calls } = await resolve('self.example', {
    mx: {
      'self.example': [
        { exchange: 'self.example', priority: 10 },
        { exchange: 'SELF.example.', priority: 20 },
        { exchange: 'backup.self.example', priority: 30 },
        { exchange: 'backup.self.example', priority: 30 },
      ],
    },
    a: { 'self.example': ['192.0.2.50'], 'backup.self.example': ['192.0.2.51'] },
  });
  assert.deepEqual(calls.sort(), ['A backup.self.example', 'A self.example', 'AAAA backup.self.example', 'AAAA self.example', 'MX self.example']);
  assert.deepEqual(
    resolution.addresses.map((a) => a.address),
    ['192.0.2.50', '192.0.2.51'],
  );
});

test('MX names outside the LDH grammar are skipped; none left is dns-failed', async () => {
  const some = await resolve('messy.example', {
    mx: {
      'messy.example': [
        { exchange: 'bad_name.messy.example', priority: 1 },
        { exchange: '192.0.2.7', priority: 2 },
        { exchange: 'good.messy.example', priority: 3 },
      ],
    },
    a: { 'good.messy.example': ['192.0.2.70'], '192.0.2.7': ['10.0.0.1'] },
  });
  assert.equal(some.resolution.error, undefined);
  assert.equal(some.resolution.mx.length, 3, 'every MX record is reported');
  assert.deepEqual(some.calls.filter((c) => !c.startsWith('MX')).sort(), ['A good.messy.example', 'AAAA good.messy.example']);

  const none = await resolve('awful.example', {
    mx: {
      'awful.example': [
        { exchange: 'bad_name.example', priority: 1 },
        { exchange: 'evil\u0000.example', priority: 2 },
      ],
    },
  });
  assert.equal(none.resolution.error?.code, 'dns-failed');
  assert.match(none.resolution.error?.text ?? '', /none of the MX names of awful\.example is a valid host name/);
  assert.doesNotMatch(none.resolution.error?.text ?? '', /\u0000/);
  assert.deepEqual(none.calls, ['MX awful.example']);
});

test('resolver answers that are not strict literals are refused, never passed on', async () => {
  const { resolution } = await resolve('garbage.example', {
    a: { 'garbage.example': ['0x7f.1', '192.0.2.1'] },
    aaaa: { 'garbage.example': ['fe80::1%eth0'] },
  });
  assert.equal(resolution.error?.code, 'address-refused');
  assert.deepEqual(
    resolution.addresses.map((a) => a.allowed),
    [false, true, false],
  );
  assert.match(resolution.addresses[0]?.refusal ?? '', /not an IPv4 address/);
  assert.match(resolution.addresses[2]?.refusal ?? '', /not an IPv6 address/);
});

test('an IDN e-mail domain is looked up in its xn-- form', async () => {
  const { resolution, calls } = await resolve('user@bücher.example', {
    mx: { 'xn--bcher-kva.example': [{ exchange: 'mx.xn--bcher-kva.example', priority: 5 }] },
    a: { 'mx.xn--bcher-kva.example': ['192.0.2.44'] },
  });
  assert.equal(resolution.input, 'user@bücher.example');
  assert.equal(resolution.kind, 'email');
  assert.equal(resolution.domain, 'xn--bcher-kva.example');
  assert.equal(calls[0], 'MX xn--bcher-kva.example');
  assert.deepEqual(
    resolution.addresses.map((a) => a.address),
    ['192.0.2.44'],
  );
});

test('an address literal needs no DNS, only the policy (user@[192.0.2.1], bare literals)', async () => {
  const allowlisted = await resolve('user@[192.0.2.1]', {});
  assert.deepEqual(allowlisted.calls, []);
  assert.deepEqual(allowlisted.resolution, {
    input: 'user@[192.0.2.1]',
    kind: 'ipv4',
    mx: [],
    nullMx: false,
    implicitMx: false,
    addresses: [{ address: '192.0.2.1', family: 4, allowed: true }],
  });

  const strict = await resolve('user@[192.0.2.1]', {}, { policy: policyOf({ allowPrivate: false }) });
  assert.deepEqual(strict.calls, []);
  assert.equal(strict.resolution.error?.code, 'address-refused');
  assert.match(strict.resolution.error?.text ?? '', /^192\.0\.2\.1 is a documentation address/);
  assert.equal(strict.resolution.addresses[0]?.allowed, false);

  const v6 = await resolve('[::1]', {});
  assert.deepEqual(v6.calls, []);
  assert.equal(v6.resolution.kind, 'ipv6');
  assert.equal(v6.resolution.error?.code, 'address-refused');
  assert.match(v6.resolution.addresses[0]?.refusal ?? '', /^::1 is the loopback address/);
});
