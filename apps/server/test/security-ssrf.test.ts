// Attack: server-side request forgery through POST /api/v1/probes (SECURITY.md §1). A visitor
// types a target that reaches what only the prober can reach: loopback, private networks, cloud
// metadata, or a non-SMTP port (Redis, memcached, SSH, HTTP), hidden behind numeric look-alikes
// that inet_aton reads differently ("127.1", "2130706433", "012.0.0.1" = 10.0.0.1), address
// literals, URLs, stray whitespace and control characters, or a name whose DNS answer is private.
// Every one must be refused with a JSON error before anything connects: a trap listener on the
// probe port counts connections and must count none. A control probe through a policy that allows
// loopback proves the trap would have counted.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTrapListener, type ServerHandle } from '@relayprobe/testkit';
import type { DnsResolver } from '@relayprobe/probe';
import { postProbe, startTestServer, waitForResult, type TestServer } from './helpers/server-under-test.js';

const trap = await startTrapListener();
const servers: TestServer[] = [];
const handles: ServerHandle[] = [trap];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(handles.map((h) => h.close()));
});
const serve = async (...args: Parameters<typeof startTestServer>) => {
  const s = await startTestServer(...args);
  servers.push(s);
  return s;
};

/** The server's default address policy: no RELAYPROBE_ALLOW_TARGETS; the trap's (high) port allowed. */
const defaultPolicy = await serve({ RELAYPROBE_ALLOW_TARGETS: undefined });

/** A refusal is JSON with a stable code and a sentence, and names the field at fault. */
function assertRefused(response: { status: number; body: any }, status: number, code: string, what: string): void {
  const shown = JSON.stringify(response.body).slice(0, 300);
  assert.equal(response.status, status, `${what}: status ${response.status}, body ${shown}`);
  assert.equal(response.body.error?.code, code, `${what}: ${shown}`);
  assert.equal(typeof response.body.error.message, 'string');
  assert.ok(response.body.error.message.length > 10, `${what}: the message says why`);
  assert.doesNotMatch(response.body.error.message, /[\u0000-\u001f\u007f\u2028\u202e]/, `${what}: control characters in the message are escaped`);
}

// [input, status, code]: numeric look-alikes and malformed input are grammar errors (400);
// well-formed addresses in denied ranges are policy refusals (403).
const LITERALS: readonly [string, number, string][] = [
  ['2130706433', 400, 'invalid-target'],
  ['0x7f.1', 400, 'invalid-target'],
  ['0x7f000001', 400, 'invalid-target'],
  ['127.1', 400, 'invalid-target'],
  ['0177.0.0.1', 400, 'invalid-target'],
  ['012.0.0.1', 400, 'invalid-target'],
  ['127.000.000.001', 400, 'invalid-target'],
  ['127.0.0.1', 403, 'address-refused'],
  ['127.0.0.2', 403, 'address-refused'],
  ['0.0.0.0', 403, 'address-refused'],
  ['[::1]', 403, 'address-refused'],
  ['::1', 403, 'address-refused'],
  ['[IPv6:::1]', 403, 'address-refused'],
  ['::ffff:127.0.0.1', 403, 'address-refused'],
  ['[::ffff:7f00:1]', 403, 'address-refused'],
  ['169.254.169.254', 403, 'address-refused'],
  ['10.0.0.1', 403, 'address-refused'],
  ['192.168.1.1', 403, 'address-refused'],
  ['100.64.0.1', 403, 'address-refused'],
  ['fe80::1', 403, 'address-refused'],
  ['x@[127.0.0.1]', 403, 'address-refused'],
  ['x@127.0.0.1', 400, 'invalid-target'],
  ['fe80::1%eth0', 400, 'invalid-target'],
  ['host:25', 400, 'invalid-target'],
  ['127.0.0.1:25', 400, 'invalid-target'],
  ['[::1]:25', 400, 'invalid-target'],
  ['http://127.0.0.1/', 400, 'invalid-target'],
  ['smtp://127.0.0.1:25', 400, 'invalid-target'],
  ['gopher://127.0.0.1:6379/_INFO', 400, 'invalid-target'],
  ['mailto:x@127.0.0.1', 400, 'invalid-target'],
  ['//127.0.0.1', 400, 'invalid-target'],
  ['127.0.0.1/8', 400, 'invalid-target'],
  ['127.0.0.1 25', 400, 'invalid-target'],
  ['mail. example.com', 400, 'invalid-target'],
  ['127.0.0.1\u00a0', 400, 'invalid-target'],
  ['127.0.0.1\r\nQUIT', 400, 'invalid-target'],
  ['127.0.0.1\n', 400, 'invalid-target'],
  ['127.0.0.1\u0000', 400, 'invalid-target'],
  ['mx\u001b.example.com', 400, 'invalid-target'],
  ['127.0.0.1\u2028', 400, 'invalid-target'],
  ['\u202e1.0.0.721', 400, 'invalid-target'],
  ['mx.example.com\u200b', 400, 'invalid-target'],
];

test('every SSRF literal of SECURITY.md §1 is refused with a JSON error, and nothing connects', async () => {
  for (const [target, status, code] of LITERALS) {
    const response = await postProbe(defaultPolicy.base, { target, port: trap.port, suite: 'quick' });
    assertRefused(response, status, code, JSON.stringify(target));
    assert.equal(response.body.error.field, 'target', `${JSON.stringify(target)}: the field is named`);
  }
  assert.equal(trap.connections, 0, 'the trap saw no connection');
});

test('the policy refusal names the address and the rule', async () => {
  const loopback = await postProbe(defaultPolicy.base, { target: '127.0.0.1', port: trap.port });
  assert.match(loopback.body.error.message, /127\.0\.0\.1/);
  assert.match(loopback.body.error.message, /RELAYPROBE_ALLOW_TARGETS/);
  const octal = await postProbe(defaultPolicy.base, { target: '012.0.0.1', port: trap.port });
  assert.match(octal.body.error.message, /octal/, 'says why 012.0.0.1 is refused');
  assert.equal(trap.connections, 0);
});

/** A resolver that answers fixed records and counts questions; unknown names get NXDOMAIN. */
function fakeResolver(records: { mx?: Record<string, string[]>; a?: Record<string, string[]>; aaaa?: Record<string, string[]> }) {
  const asked: string[] = [];
  const nx = () => Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }));
  const noData = () => Promise.reject(Object.assign(new Error('no data'), { code: 'ENODATA' }));
  const resolver: DnsResolver = {
    resolveMx: (name) => {
      asked.push(`MX ${name}`);
      const mx = records.mx?.[name];
      return mx ? Promise.resolve(mx.map((exchange, i) => ({ exchange, priority: 10 * (i + 1) }))) : records.a?.[name] ? noData() : nx();
    },
    resolve4: (name) => {
      asked.push(`A ${name}`);
      return records.a?.[name] ? Promise.resolve(records.a[name] as string[]) : noData();
    },
    resolve6: (name) => {
      asked.push(`AAAA ${name}`);
      return records.aaaa?.[name] ? Promise.resolve(records.aaaa[name] as string[]) : noData();
    },
  };
  return { resolver, asked };
}

test('a name whose DNS answers a private address is refused, naming the address; nothing connects', async () => {
  const dns = fakeResolver({
    mx: { 'evil.example': ['mx.evil.example'] },
    a: { 'mx.evil.example': ['127.0.0.1'], 'rebind.example': ['127.0.0.2', '127.0.0.1'], 'internal.example': ['10.1.2.3'], 'metadata.example': ['169.254.169.254'] },
    aaaa: { 'v6.example': ['::1'], 'mapped.example': ['::ffff:127.0.0.1'] },
  });
  // 127.0.0.2 is allowed here, so "rebind.example" is one allowed answer plus one denied: the whole name is refused.
  const server = await serve({ RELAYPROBE_ALLOW_TARGETS: '127.0.0.2/32' }, { resolver: dns.resolver });
  const cases: [string, string][] = [
    ['evil.example', '127.0.0.1'],
    ['postmaster@evil.example', '127.0.0.1'],
    ['rebind.example', '127.0.0.1'],
    ['internal.example', '10.1.2.3'],
    ['metadata.example', '169.254.169.254'],
    ['v6.example', '::1'],
    ['mapped.example', '127.0.0.1'],
  ];
  for (const [target, address] of cases) {
    const response = await postProbe(server.base, { target, port: trap.port, suite: 'quick' });
    assertRefused(response, 403, 'address-refused', target);
    assert.ok(response.body.error.message.includes(address), `${target}: the message names ${address}: ${response.body.error.message}`);
  }
  assert.equal(trap.connections, 0, 'the trap saw no connection');
  assert.ok(dns.asked.includes('MX evil.example') && dns.asked.includes('A mx.evil.example'), 'the fake resolver was asked (no real DNS)');
});

test('cloud metadata is refused even when RELAYPROBE_ALLOW_TARGETS covers it', async () => {
  const dns = fakeResolver({ a: { 'imds.example': ['169.254.169.254'], 'alibaba.example': ['100.100.100.200'] } });
  const server = await serve({ RELAYPROBE_ALLOW_TARGETS: '169.254.0.0/16,100.64.0.0/10,fd00::/8,168.63.129.0/24' }, { resolver: dns.resolver });
  for (const target of ['169.254.169.254', '[::ffff:169.254.169.254]', '100.100.100.200', '168.63.129.16', 'fd00:ec2::254', 'imds.example', 'alibaba.example']) {
    const response = await postProbe(server.base, { target, port: trap.port, suite: 'quick' });
    assertRefused(response, 403, 'address-refused', target);
    assert.match(response.body.error.message, /metadata/, `${target}: says it is cloud metadata`);
  }
  assert.equal(trap.connections, 0);
});

test('ports outside the default RELAYPROBE_PORTS (25, 465, 587) are refused; no probe is created', async () => {
  // Loopback is allowed here, so the port is the only reason to refuse.
  const server = await serve({ RELAYPROBE_PORTS: undefined });
  for (const port of [6379, 11211, 22, 80, 2525, trap.port]) {
    const response = await postProbe(server.base, { target: '127.0.0.1', port, suite: 'quick' });
    assertRefused(response, 403, 'port-not-allowed', `port ${port}`);
    assert.equal(response.body.error.field, 'port');
    assert.match(response.body.error.message, /25, 465, 587/, 'lists the allowed ports');
  }
  for (const port of [0, 65536, -25, 25.5, '25abc', '', null] as unknown[]) {
    const response = await postProbe(server.base, { target: '127.0.0.1', port, suite: 'quick' });
    assertRefused(response, 400, 'invalid-request', `port ${JSON.stringify(port)}`);
    assert.equal(response.body.error.field, 'port');
  }
  const list = (await (await fetch(`${server.base}/api/v1/probes`)).json()) as { items: unknown[] };
  assert.deepEqual(list.items, [], 'no probe row was created, so nothing was dialled');
  assert.equal(trap.connections, 0);
});

test('a port must be a JSON integer: numeric look-alikes are not read as one', async () => {
  // The strict grammar of SECURITY.md §1 applies to the port as to the address: "0x19", " 25" or
  // true are not ports. Sent to the default policy, so a port read as 25 still dials nothing (the
  // loopback address is refused): a 403 here means the look-alike was accepted as a port.
  const server = await serve({ RELAYPROBE_ALLOW_TARGETS: undefined, RELAYPROBE_PORTS: undefined });
  for (const port of ['0x19', ' 25', '25 ', '+25', '025', '25e0', '6379', true] as unknown[]) {
    const response = await postProbe(server.base, { target: '127.0.0.1', port, suite: 'quick' });
    assertRefused(response, 400, 'invalid-request', `port ${JSON.stringify(port)}`);
    assert.equal(response.body.error.field, 'port');
  }
  assert.equal(trap.connections, 0);
});

test('a refused port gets one sentence, not the list of every allowed port', async () => {
  // An operator range like 10000-60000 must not turn each refusal into a 300 KB response.
  const server = await serve({ RELAYPROBE_PORTS: '2525-2530,10000-60000' });
  const response = await postProbe(server.base, { target: '127.0.0.1', port: 6379, suite: 'quick' });
  assertRefused(response, 403, 'port-not-allowed', 'port 6379');
  assert.ok(response.body.error.message.length < 500, `the message is ${response.body.error.message.length} characters long`);
  assert.match(response.body.error.message, /2525/);
});

test('control: the same probe through a policy that allows loopback does reach a trap', async () => {
  const control = await startTrapListener();
  handles.push(control);
  const permissive = await serve();
  const created = await postProbe(permissive.base, { target: '127.0.0.1', port: control.port, suite: 'quick' });
  assert.equal(created.status, 201);
  const deadline = Date.now() + 10_000; // a bound, not a timing assertion
  while (control.connections === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(control.connections, 1, 'the trap counts connections, so the zeros above mean something');
  await control.close(); // the probe ends on the closed connection
  await waitForResult(permissive.base, created.body.id);
  assert.equal(trap.connections, 0);
});
