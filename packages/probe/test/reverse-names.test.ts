// The reverse-DNS name of each address a probe may connect to is a local name T
// (RELAY-TESTS.md §1), looked up with the probe's resolver under the same deadline. Private
// addresses are looked up only when the user named a DNS server (their PTRs mean nothing to
// public resolvers, and the question would leak internal addresses). The real thing, dnsmasq on
// loopback in front of real MTAs, is in packages/mta-lab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resolution } from '@relayprobe/contracts';
import { addReverseNames, type DnsResolver } from '../src/mx-resolution.js';
import { validateProbeOptions } from '../src/probe-options.js';

function resolverWith(ptr: Record<string, string[] | 'never'>): DnsResolver & { asked: string[] } {
  const asked: string[] = [];
  const fail = () => Promise.reject(Object.assign(new Error('not in this test'), { code: 'ENOTFOUND' }));
  return {
    asked,
    resolveMx: fail,
    resolve4: fail,
    resolve6: fail,
    reverse(address: string) {
      asked.push(address);
      const answer = ptr[address];
      if (answer === 'never') return new Promise<string[]>(() => {});
      return answer ? Promise.resolve(answer) : fail();
    },
  };
}

const resolution = (...addresses: string[]): Resolution => ({
  input: 'x',
  kind: 'host',
  mx: [],
  nullMx: false,
  implicitMx: false,
  addresses: addresses.map((address) => ({ address, family: 4 as const, allowed: true })),
});

test('a public address gets its PTR name (lower-cased, without the final dot)', async () => {
  const r = resolution('93.184.216.25');
  await addReverseNames(r, resolverWith({ '93.184.216.25': ['MX1.Example.COM.'] }), 1000, false);
  assert.equal(r.addresses[0]?.reverseName, 'mx1.example.com');
});

test('private and loopback addresses are not looked up unless a DNS server was named', async () => {
  const quiet = resolverWith({ '127.1.0.11': ['mx-lab.example.test'] });
  const r1 = resolution('127.1.0.11', '10.0.0.5');
  await addReverseNames(r1, quiet, 1000, false);
  assert.deepEqual(quiet.asked, []);
  assert.equal(r1.addresses[0]?.reverseName, undefined);
  const named = resolverWith({ '127.1.0.11': ['mx-lab.example.test'] });
  const r2 = resolution('127.1.0.11');
  await addReverseNames(r2, named, 1000, true);
  assert.equal(r2.addresses[0]?.reverseName, 'mx-lab.example.test');
});

test('a PTR answer that is not a host name, no answer, or a lookup that never ends: no name, and no wait past the deadline', async () => {
  const r = resolution('93.184.216.1', '93.184.216.2', '93.184.216.3');
  // The lookup that never ends is cut by the deadline, so this await returns at all.
  await addReverseNames(r, resolverWith({ '93.184.216.1': ['not a name', '-bad.example'], '93.184.216.3': 'never' }), 200, false);
  assert.deepEqual(
    r.addresses.map((a) => a.reverseName),
    [undefined, undefined, undefined],
  );
});

test('a resolver without reverse lookups (injected ones in tests) is fine: nothing happens', async () => {
  const r = resolution('93.184.216.1');
  await addReverseNames(r, { resolveMx: () => Promise.resolve([]), resolve4: () => Promise.resolve([]), resolve6: () => Promise.resolve([]) }, 200, true);
  assert.equal(r.addresses[0]?.reverseName, undefined);
});

test('a DNS server must be an IP address with an optional port: anything else is refused before any lookup', () => {
  for (const bad of ['dns.example.com', '192.0.2.53:99999', '192.0.2.53:', '[2001:db8::53]', 'x:53']) {
    const v = validateProbeOptions({ target: '192.0.2.1', dnsServers: [bad] });
    assert.ok(!v.ok && v.field === 'dnsServer', bad);
  }
  for (const good of ['192.0.2.53', '127.0.0.1:5353', '2001:db8::53', '[2001:db8::53]:53']) assert.ok(validateProbeOptions({ target: '192.0.2.1', dnsServers: [good] }).ok, good);
});
