// Security regression: SSRF through the prober (SECURITY.md §1), end to end through prepareProbe
// and runProbe with the server's settings (allowPrivate false, the default ports). An attacker
// types a numeric look-alike the system resolver reads as loopback ("2130706433", "0x7f.1",
// "127.1", octal "0177.0.0.1", "012.0.0.1" = 10.0.0.1), a loopback or metadata literal, a
// host:port, a URL, or smuggles whitespace and control characters; or points a DNS name at a
// private address, or answers public first and loopback later (DNS rebinding); or picks the port
// of Redis, memcached or SSH. Every one must be refused with a clear message and no connection:
// a trap listener on 127.0.0.1 counts connections, and its port is given as the probe port with
// every port allowed, so only the address policy stands between the probe and the trap.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProfile, startTrapListener, type ServerHandle } from '@relayprobe/testkit';
import { escapeForDisplay, isDisplaySafe } from '@relayprobe/contracts';
import { prepareProbe, runProbe, type ProbeOptions } from '../src/index.js';
import { ScriptedResolver } from './scripted-resolver.js';

let trap: ServerHandle;
before(async () => {
  trap = await startTrapListener();
});
after(() => trap.close());

/** The server's policy; the trap's port with every port allowed, so only the address decides. */
const serverLike = (target: string, resolver: ScriptedResolver, extra: Partial<ProbeOptions> = {}): ProbeOptions => ({
  target,
  port: trap.port,
  allowedPorts: 'any',
  allowPrivate: false,
  resolver,
  dnsTimeoutMs: 200,
  timeoutSeconds: 2,
  ...extra,
});

type Refusal = { ok: false; code: string; message: string };

/** Assert a refusal with a clear, display-safe message, and nothing at the trap. */
function assertRefused(outcome: { ok: boolean }, code: string | string[], message: RegExp): asserts outcome is Refusal {
  assert.equal(outcome.ok, false, 'refused');
  const refusal = outcome as Refusal;
  assert.ok(([] as string[]).concat(code).includes(refusal.code), `code ${refusal.code}`);
  assert.match(refusal.message, message);
  assert.ok(isDisplaySafe(refusal.message), `the message echoes the input escaped: ${JSON.stringify(refusal.message)}`);
  assert.equal(trap.connections, 0, 'no connection reached the trap');
}

// SECURITY.md §1's literals, and their kin. Refused before any DNS question.
const REFUSED_LITERALS: [string, 'invalid-target' | 'address-refused', RegExp][] = [
  ['2130706433', 'invalid-target', /"2130706433" is a bare number/],
  ['0x7f.1', 'invalid-target', /"0x7f\.1" has hexadecimal parts/],
  ['127.1', 'invalid-target', /"127\.1" has 2 numeric parts/],
  ['0177.0.0.1', 'invalid-target', /"0177\.0\.0\.1" has a part with a leading zero/],
  ['012.0.0.1', 'invalid-target', /"012\.0\.0\.1" has a part with a leading zero.*octal/],
  ['127.0.0.1', 'address-refused', /^127\.0\.0\.1 is a loopback address/],
  ['[::1]', 'address-refused', /^::1 is the loopback address/],
  ['::1', 'address-refused', /^::1 is the loopback address/],
  ['::ffff:127.0.0.1', 'address-refused', /IPv4-mapped form of 127\.0\.0\.1/],
  ['0.0.0.0', 'address-refused', /^0\.0\.0\.0 is an unspecified/],
  ['postmaster@[127.0.0.1]', 'address-refused', /^127\.0\.0\.1 is a loopback address/],
  ['169.254.169.254', 'address-refused', /^169\.254\.169\.254 is a cloud metadata address/],
  ['mx.relay-test.example:25', 'invalid-target', /includes a port; give the port separately/],
  ['127.0.0.1:25', 'invalid-target', /includes a port/],
  ['[::1]:25', 'invalid-target', /includes a port/],
  ['smtp://mx.relay-test.example', 'invalid-target', /is a URL/],
  ['http://127.0.0.1:25/', 'invalid-target', /is a URL/],
  ['mailto:postmaster@relay-test.example', 'invalid-target', /is a URL/],
  ['mx relay-test.example', 'invalid-target', /contains whitespace \(U\+0020/],
  ['127.0.0.1\u00a025', 'invalid-target', /contains whitespace \(U\+00A0/],
  ['mx.relay-test.example\r\nQUIT', 'invalid-target', /control or invisible formatting character \(U\+000D/],
  ['127.0.0.1\u0000', 'invalid-target', /control .* \(U\+0000/],
  ['127.0.0.1\u001b[31m', 'invalid-target', /control .* \(U\+001B/],
  ['mx.relay-test\u202e.example', 'invalid-target', /formatting character \(U\+202E/],
];

for (const [target, code, message] of REFUSED_LITERALS) {
  test(`target "${escapeForDisplay(target)}" → ${code}, no DNS, no connection`, async () => {
    const resolver = new ScriptedResolver();
    assertRefused(await runProbe(serverLike(target, resolver)), code, message);
    assert.deepEqual(resolver.calls, [], 'a literal is judged without DNS');
  });
}

test('a name whose MX host answers loopback is refused, naming the address; nothing connects', async () => {
  const resolver = new ScriptedResolver({
    mx: { 'relay-test.example': [{ exchange: 'mx.relay-test.example', priority: 10 }] },
    a: { 'mx.relay-test.example': ['127.0.0.1'] },
  });
  const outcome = await runProbe(serverLike('relay-test.example', resolver));
  assertRefused(outcome, 'address-refused', /mx\.relay-test\.example resolves to an address the policy refuses.*127\.0\.0\.1 is a loopback address/);
});

test('a name answering private addresses (RFC 1918, link-local, ULA) is refused, naming the address', async () => {
  for (const [family, address] of [
    ['a', '10.0.0.5'],
    ['a', '169.254.1.1'],
    ['aaaa', 'fd12:3456::25'],
    ['aaaa', 'fe80::1'],
  ] as const) {
    const resolver = new ScriptedResolver({ [family]: { 'mx.relay-test.example': [address] } });
    // prepareProbe only: were the policy broken, nothing would try to reach a non-loopback address.
    const outcome = await prepareProbe(serverLike('mx.relay-test.example', resolver));
    assertRefused(outcome, 'address-refused', new RegExp(address.replace(/[.:]/g, '\\$&')));
  }
});

test('one refused answer refuses the whole name: no connection to the allowed address beside it', async () => {
  // 127.0.0.1 (the trap) is allowed here; the name also answers a link-local address.
  const resolver = new ScriptedResolver({ a: { 'mx.relay-test.example': ['127.0.0.1'] }, aaaa: { 'mx.relay-test.example': ['fe80::1'] } });
  const outcome = await runProbe(serverLike('mx.relay-test.example', resolver, { allowCidrs: ['127.0.0.1/32'] }));
  assertRefused(outcome, 'address-refused', /fe80::1 is a link-local address/);
});

test('cloud metadata is refused even with allowPrivate and an allow CIDR covering it', async () => {
  const cases: [string, string][] = [
    ['169.254.169.254', '169.254.0.0/16'],
    ['fd00:ec2::254', 'fd00::/8'],
    ['100.100.100.200', '100.64.0.0/10'],
    ['168.63.129.16', '168.63.0.0/16'],
  ];
  for (const [address, cidr] of cases) {
    const literal = await prepareProbe(serverLike(address, new ScriptedResolver(), { allowPrivate: true, allowCidrs: [cidr] }));
    assertRefused(literal, 'address-refused', /cloud metadata address; relayprobe never connects to it, whatever the configuration/);
    const family = address.includes(':') ? 'aaaa' : 'a';
    const resolver = new ScriptedResolver({ [family]: { 'metadata.relay-test.example': [address] } });
    const named = await prepareProbe(serverLike('metadata.relay-test.example', resolver, { allowPrivate: true, allowCidrs: [cidr] }));
    assertRefused(named, 'address-refused', new RegExp(`${address.replace(/[.:]/g, '\\$&')} is a cloud metadata address`));
  }
});

test('DNS rebinding: the resolver is asked once, and every connection goes to the address it checked', async () => {
  // 127.0.0.1 stands in for a public address (allowed by CIDR); later answers say 127.0.0.5.
  const server = await startProfile('postfix-closed');
  try {
    const resolver = new ScriptedResolver({
      mx: { 'relay-test.example': [{ exchange: 'mx.relay-test.example', priority: 10 }] },
      a: { 'mx.relay-test.example': (call) => (call === 1 ? ['127.0.0.1'] : ['127.0.0.5']) },
    });
    // The standard suite reconnects before Postfix's error limit, so there are several connections.
    const outcome = await runProbe(serverLike('relay-test.example', resolver, { port: server.port, allowCidrs: ['127.0.0.1/32'], suite: 'standard' }));
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
    const { result } = outcome;
    assert.deepEqual(resolver.calls.sort(), ['A mx.relay-test.example', 'AAAA mx.relay-test.example', 'MX relay-test.example']);
    assert.equal(result.session?.address, '127.0.0.1');
    assert.ok(server.connections > 1, 'reconnected at least once');
    assert.equal(result.session?.connections, server.connections, 'every connection reached the checked address');
    assert.ok(result.session?.attempts.every((a) => a.address === '127.0.0.1'));
    assert.equal(result.verdict?.code, 'closed');
  } finally {
    await server.close();
  }
});

test('ports of other services, and malformed ports, are refused with the default allowed ports', async () => {
  // The address is allowed by CIDR so only the port decides; prepareProbe never connects.
  const allowed = { allowedPorts: undefined, allowCidrs: ['127.0.0.1/32'] };
  for (const port of [6379, 11211, 22, 80, trap.port]) {
    const outcome = await prepareProbe(serverLike('127.0.0.1', new ScriptedResolver(), { ...allowed, port }));
    assertRefused(outcome, 'port-not-allowed', new RegExp(`^Port ${port} is not allowed; allowed ports: 25, 465, 587\\.$`));
  }
  for (const port of [0, 65536, '25abc', '0', '65536', '025', '+25', '25 ']) {
    const outcome = await prepareProbe(serverLike('127.0.0.1', new ScriptedResolver(), { ...allowed, port }));
    assertRefused(outcome, 'invalid-option', /^port .* is not a (whole|decimal) number from 1 to 65535/);
  }
  // And through runProbe, at the trap's own port: refused before any connection.
  assertRefused(await runProbe(serverLike('127.0.0.1', new ScriptedResolver(), allowed)), 'port-not-allowed', /not allowed/);
});
