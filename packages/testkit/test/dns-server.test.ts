// The kit's DNS server (src/dns-server.ts) through node's own resolver, as the probe asks it: MX
// (a null MX, and 50 records that only fit over TCP), A, AAAA, PTR, NODATA and NXDOMAIN, and a
// delayed name; every question logged.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as dns } from 'node:dns';
import { startDnsServer } from '../src/index.js';

const big = Array.from({ length: 50 }, (_, i) => ({ exchange: `mx${i}.big.test`, priority: i }));
const server = await startDnsServer({
  mx: { 'big.test': big, 'null.test': [{ exchange: '.', priority: 0 }], 'two.test': [{ exchange: 'mx1.two.test', priority: 10 }] },
  a: { 'mx1.two.test': ['127.0.1.1'] },
  aaaa: { 'mx1.two.test': ['::1'] },
  ptr: { '127.0.1.1': 'mx1.two.test', '::1': 'six.two.test' },
  delay: { 'slow.two.test': 200, 'dead.two.test': 'never' },
});
after(() => server.close());
const resolver = new dns.Resolver({ timeout: 1000, tries: 1 });
resolver.setServers([server.address]);
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'answered',
    (error: NodeJS.ErrnoException) => error.code,
  );

test('records as node reads them; 50 MX records arrive over TCP after a truncated UDP reply', async () => {
  assert.equal((await resolver.resolveMx('big.test')).length, 50);
  assert.deepEqual(await resolver.resolveMx('null.test'), [{ exchange: '', priority: 0 }]);
  assert.deepEqual(await resolver.resolve4('mx1.two.test'), ['127.0.1.1']);
  assert.deepEqual(await resolver.resolve6('mx1.two.test'), ['::1']);
  assert.deepEqual(await resolver.reverse('127.0.1.1'), ['mx1.two.test']);
  assert.deepEqual(await resolver.reverse('::1'), ['six.two.test']);
  assert.deepEqual(
    server.questions.filter((q) => q.name === 'big.test').map((q) => q.transport),
    ['udp', 'tcp'],
  );
});

test('a known name without the type is NODATA, an unknown one NXDOMAIN; delays hold the answer back', async () => {
  assert.equal(await codeOf(resolver.resolveMx('mx1.two.test')), 'ENODATA');
  assert.equal(await codeOf(resolver.resolve4('nx.two.test')), 'ENOTFOUND');
  const started = performance.now();
  assert.equal(await codeOf(resolver.resolve4('slow.two.test')), 'ENOTFOUND');
  assert.ok(performance.now() - started >= 190);
  assert.equal(await codeOf(resolver.resolve4('dead.two.test')), 'ETIMEOUT');
});
