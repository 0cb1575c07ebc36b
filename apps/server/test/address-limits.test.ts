// The service's per-target limits count per address (probes/target-limits.ts, admission.ts):
// a probe holds every address it will connect to, so a domain test and a probe of one of its
// MX addresses exclude each other; a probe admitted before its resolution holds its name, then
// claims each server's address as its turn comes, with the link to the probe in the way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PreparedProbe } from '@relayprobe/probe';
import { Admission } from '../src/probes/admission.js';
import { TargetLimits } from '../src/probes/target-limits.js';

const request = { target: 'example.com', port: 25, suite: 'quick', tls: 'auto', helo: 'prober.example', testDomain: 'example.com', sendMessage: false, timeoutSeconds: 30 } as const;
const probe = (extra: Partial<PreparedProbe>): PreparedProbe =>
  ({
    id: 'p',
    validated: { request },
    resolution: { input: 'example.com', kind: 'host', domain: 'example.com', mx: [], nullMx: false, implicitMx: false, addresses: [] },
    options: { target: 'example.com' },
    ...extra,
  }) as PreparedProbe;

test('keysOf: each allowed address of a single server, each tested server of a domain, the name while pending', () => {
  const single = probe({
    resolution: {
      ...probe({}).resolution,
      addresses: [
        { address: '192.0.2.2', family: 4, allowed: true },
        { address: '192.0.2.1', family: 4, allowed: true },
      ],
    },
  });
  assert.deepEqual(TargetLimits.keysOf(single), ['25 192.0.2.1', '25 192.0.2.2']);
  const domain = probe({
    domain: {
      omittedHosts: 0,
      servers: [
        { server: 1, preference: 10, host: 'mx1.example.com', address: '192.0.2.1', family: 4 },
        { server: 2, preference: 20, host: 'mx2.example.com', address: '10.0.0.1', family: 4, notTested: { code: 'address-refused', text: 'no' } },
        { server: 3, preference: 30, host: 'mx3.example.com', address: '2001:db8::3', family: 6 },
      ],
    },
  });
  assert.deepEqual(TargetLimits.keysOf(domain), ['25 192.0.2.1', '25 2001:db8::3']);
  assert.deepEqual(TargetLimits.keysOf(probe({ pending: Promise.resolve({ resolution: probe({}).resolution }) })), ['25 name:example.com']);
});

test('a domain test holds each of its addresses: a probe of one of them is busy, with the link', () => {
  const gate = new Admission({ capacity: 10, targetHourlyLimit: 5, linkTo: (id) => `/r/${id}` });
  const domain = gate.admit('domain', ['25 192.0.2.1', '25 192.0.2.2']);
  assert.ok(domain.ok);
  const single = gate.admit('single', '25 192.0.2.2');
  assert.equal(single.ok ? 'admitted' : single.message, 'A probe of this server is already running: watch it at /r/domain');
  gate.release(domain.admitted);
  assert.ok(gate.admit('single', '25 192.0.2.2').ok);
});

test('claims while running: busy and hourly refusals name the probe in the way; a released claim frees the address', () => {
  let now = 0;
  const gate = new Admission({ capacity: 10, targetHourlyLimit: 2, linkTo: (id) => `/r/${id}`, now: () => now });
  const other = gate.admit('other', '25 192.0.2.9');
  const pending = gate.admit('pending', '25 name:example.com');
  assert.ok(other.ok && pending.ok);
  assert.deepEqual(gate.claim(pending.admitted, '25 192.0.2.9'), { ok: false, code: 'server-busy', text: 'another probe of this server is running on this service: see /r/other' });
  const claim = gate.claim(pending.admitted, '25 192.0.2.1');
  assert.ok(claim.ok);
  assert.equal(gate.admit('third', '25 192.0.2.1').ok, false, 'held by the claim');
  claim.release();
  now += 1;
  const again = gate.claim(pending.admitted, '25 192.0.2.1');
  assert.ok(again.ok);
  again.release();
  const limited = gate.claim(pending.admitted, '25 192.0.2.1');
  assert.deepEqual(limited, { ok: false, code: 'server-rate-limited', text: 'this server was probed 2 times in the last hour on this service: see /r/pending' });
  gate.release(pending.admitted);
  assert.equal(gate.claim(pending.admitted, '25 192.0.2.5').ok, false, 'a released probe claims nothing');
});
