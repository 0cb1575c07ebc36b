// Domain tests (src/domain-resolution.ts, src/domain-runner.ts): every MX host and every address
// a server of its own, each with its own session and verdict, the domain's verdict the worst of
// them. Real DNS on loopback (the testkit's DNS server, asked through node's resolver as
// --dns-server does) and testkit SMTP servers on 127.0.2.N, all on one port as MX hosts are.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { ResultDocument as ResultSchema, schemaErrors, serverEvents } from '@relayprobe/contracts';
import { prepareProbe, runPreparedProbe } from '../src/index.js';
import { startOnSharedPort, type DnsServerHandle, type DnsZone } from '@relayprobe/testkit';
import { dnsFor, mostAtOnce, probeDomain, serverOf, sessionSpans } from './domain-fixtures.js';

const closers: (() => Promise<void>)[] = [];
after(() => Promise.all(closers.map((close) => close())));
async function dns(zone: DnsZone): Promise<DnsServerHandle> {
  const server = await dnsFor(zone);
  closers.push(() => server.close());
  return server;
}
async function mxServers(...entries: Parameters<typeof startOnSharedPort>[0]) {
  const started = await startOnSharedPort(entries);
  closers.push(started.close);
  return started;
}

test('two MX: the backup is the open relay, the primary is closed, the domain is "Open relay" naming the backup', async () => {
  // The open relay knows two.test as its own: it refuses an unknown local user (C2), so its 250s to foreign recipients mean it relays.
  const { port, servers } = await mxServers({ host: '127.0.2.1', profile: 'postfix-closed' }, { host: '127.0.2.2', profile: 'open-relay', options: { hostname: 'mx2.two.test' } });
  const zone = await dns({
    mx: {
      'two.test': [
        { exchange: 'mx2.two.test', priority: 20 },
        { exchange: 'mx1.two.test', priority: 10 },
      ],
    },
    a: { 'mx1.two.test': ['127.0.2.1'], 'mx2.two.test': ['127.0.2.2'] },
  });
  const { result, live } = await probeDomain('two.test', zone, port);
  assert.deepEqual(schemaErrors(ResultSchema, result), []);
  assert.deepEqual(
    result.servers?.map((s) => [s.server, s.preference, s.host, s.address, s.status, s.verdict?.code]),
    [
      [1, 10, 'mx1.two.test', '127.0.2.1', 'done', 'closed'],
      [2, 20, 'mx2.two.test', '127.0.2.2', 'done', 'open'],
    ],
  );
  assert.equal(result.verdict?.code, 'open');
  assert.equal(result.verdict?.summary, 'mx2.two.test (127.0.2.2) is an open relay; mx1.two.test (127.0.2.1) is not an open relay.');
  assert.deepEqual(
    result.verdict?.reasons.map((r) => [r.code, r.server]),
    [
      ['server-verdict', 2],
      ['server-verdict', 1],
    ],
  );
  assert.match(result.verdict?.advice ?? '', /^mx2\.two\.test \(127\.0\.2\.2\): /);
  assert.deepEqual(result.vectors, [], 'the evidence is per server');
  assert.ok((serverOf(result, 2).vectors.find((v) => v.key === 'R01')?.outcome ?? '') === 'accepted');
  assert.equal(serverOf(result, 1).session?.address, '127.0.2.1');
  assert.ok(
    servers.every((s) => s.connections >= 1),
    'both servers were connected to',
  );
  // One transcript: seq from 1 without gaps, ms never decreasing, the stream the same objects.
  assert.deepEqual(
    result.events.map((e) => e.seq),
    result.events.map((_, i) => i + 1),
  );
  assert.ok(result.events.every((e, i) => i === 0 || e.ms >= (result.events[i - 1]?.ms ?? 0)));
  assert.deepEqual(live, result.events);
  assert.deepEqual(
    result.events.slice(0, 2).map((e) => e.type),
    ['resolution', 'servers'],
  );
  const last = result.events.at(-1);
  assert.ok(last?.type === 'verdict' && last.server === undefined && last.verdict.code === 'open', 'the last event is the domain’s verdict, untagged');
  for (const n of [1, 2]) {
    const own = serverEvents(result.events, n);
    assert.equal(own[0]?.type, 'resolution', `server ${n}'s session starts with its own address`);
    assert.equal(own.at(-1)?.type, 'verdict');
  }
});

test('an MX with an A and an AAAA record is two servers; without an IPv6 route the AAAA one is "not tested", which is no fault', async () => {
  const { port } = await mxServers({ host: '127.0.2.3', profile: 'postfix-closed' }, { host: '::1', profile: 'postfix-closed' });
  const zone = await dns({ mx: { 'dual.test': [{ exchange: 'mx.dual.test', priority: 5 }] }, a: { 'mx.dual.test': ['127.0.2.3'] }, aaaa: { 'mx.dual.test': ['::1'] } });
  const both = await probeDomain('dual.test', zone, port);
  assert.deepEqual(
    both.result.servers?.map((s) => [s.address, s.family, s.verdict?.code]),
    [
      ['127.0.2.3', 4, 'closed'],
      ['::1', 6, 'closed'],
    ],
  );
  assert.equal(both.result.verdict?.code, 'closed');

  const asked: string[] = [];
  const noV6 = await probeDomain('dual.test', zone, port, { ipv6Route: (address) => (asked.push(address), Promise.resolve(false)) });
  assert.deepEqual(asked, ['::1']);
  assert.deepEqual(serverOf(noV6.result, 2).notTested, { code: 'no-ipv6-route', text: 'no IPv6 connectivity from here (no route to ::1)' });
  assert.equal(serverOf(noV6.result, 2).status, 'not-tested');
  assert.equal(noV6.result.verdict?.code, 'closed', 'the untested server does not make the domain worse');
  assert.match(noV6.result.verdict?.summary ?? '', /1 server was not tested/);
});

test('null MX, no MX, and an MX set of one address stay single-server tests, as before', async () => {
  const { port } = await mxServers({ host: '127.0.2.4', profile: 'postfix-closed' });
  const zone = await dns({
    mx: { 'null.test': [{ exchange: '.', priority: 0 }], 'one.test': [{ exchange: 'mx.one.test', priority: 10 }] },
    a: { 'null.test': ['127.0.2.4'], 'implicit.test': ['127.0.2.4'], 'mx.one.test': ['127.0.2.4'] },
  });
  const nullMx = await probeDomain('null.test', zone, port);
  assert.equal(nullMx.result.servers, undefined);
  assert.equal(nullMx.result.verdict?.code, 'unreachable');
  assert.equal(nullMx.result.verdict?.reasons[0]?.code, 'null-mx');
  for (const target of ['implicit.test', 'one.test', 'postmaster@one.test']) {
    const { result } = await probeDomain(target, zone, port);
    assert.equal(result.servers, undefined, target);
    assert.equal(result.verdict?.code, 'closed', target);
    assert.equal(result.session?.address, '127.0.2.4', target);
  }
});

test('an MX the policy refuses is listed with the reason and never dialled; an MX name that does not resolve is listed too', async () => {
  const { port, servers } = await mxServers({ host: '127.0.2.5', profile: 'postfix-closed' });
  const zone = await dns({
    mx: {
      'mixed.test': [
        { exchange: 'good.mixed.test', priority: 10 },
        { exchange: 'private.mixed.test', priority: 20 },
        { exchange: 'ghost.mixed.test', priority: 30 },
      ],
    },
    a: { 'good.mixed.test': ['127.0.2.5'], 'private.mixed.test': ['10.0.0.5'] },
  });
  // The server's policy: private ranges refused, only the test's loopback range allowed.
  const { result } = await probeDomain('mixed.test', zone, port, { allowPrivate: false, allowCidrs: ['127.0.2.0/24'] });
  assert.deepEqual(
    result.servers?.map((s) => [s.host, s.address, s.status, s.notTested?.code, s.verdict?.code]),
    [
      ['good.mixed.test', '127.0.2.5', 'done', undefined, 'closed'],
      ['private.mixed.test', '10.0.0.5', 'not-tested', 'address-refused', undefined],
      ['ghost.mixed.test', undefined, 'not-tested', 'host-not-resolved', undefined],
    ],
  );
  assert.match(serverOf(result, 2).notTested?.text ?? '', /10\.0\.0\.5 is a private address/);
  assert.equal(serverOf(result, 3).notTested?.text, 'ghost.mixed.test does not exist in DNS (NXDOMAIN)');
  assert.equal(result.verdict?.code, 'closed');
  assert.equal(result.resolution?.addresses.find((a) => a.address === '10.0.0.5')?.allowed, false);
  assert.equal(servers[0]?.connections, serverOf(result, 1).session?.connections, 'only the allowed server was dialled');
});

test('a domain whose every MX is refused is refused before anything connects, as a single target is', async () => {
  const zone = await dns({
    mx: {
      'evil.test': [
        { exchange: 'mx1.evil.test', priority: 1 },
        { exchange: 'mx2.evil.test', priority: 2 },
      ],
    },
    a: { 'mx1.evil.test': ['10.1.1.1'], 'mx2.evil.test': ['192.168.1.1'] },
  });
  await assert.rejects(probeDomain('evil.test', zone, 25, { allowPrivate: false }), /address-refused: mx1\.evil\.test resolves to an address the policy refuses.*10\.1\.1\.1/);
});

test('a zone of 50 MX records: 10 hosts are looked up, the rest counted; at most 10 servers get a session', async () => {
  const mx = Array.from({ length: 50 }, (_, i) => ({ exchange: `mx${i + 1}.big.test`, priority: i + 1 }));
  const a = Object.fromEntries(mx.map((m, i) => [m.exchange, [`127.0.3.${i + 1}`]]));
  const zone = await dns({ mx: { 'big.test': mx }, a });
  // Nothing listens on 127.0.3.N: each session ends at once with "connection refused".
  const { port } = await mxServers({ host: '127.0.2.6', profile: 'postfix-closed' });
  const { result } = await probeDomain('big.test', zone, port, { serverConcurrency: 4 });
  assert.equal(result.servers?.length, 10);
  const plan = result.events[1];
  assert.ok(plan?.type === 'servers' && plan.omittedHosts === 40);
  const askedHosts = new Set(zone.questions.filter((q) => q.type === 'A').map((q) => q.name));
  assert.equal(askedHosts.size, 10, 'only 10 hosts were asked for addresses');
  assert.equal(result.verdict?.code, 'unreachable');
  assert.match(result.verdict?.summary ?? '', /40 more MX hosts were not looked up/);
});

test('lookups run at once: the address questions of 3 hosts whose answers take 300 ms are all asked before any is answered', async () => {
  const { port } = await mxServers({ host: '127.0.2.7', profile: 'postfix-closed' }, { host: '127.0.2.8', profile: 'postfix-closed' }, { host: '127.0.2.9', profile: 'postfix-closed' });
  const hosts = ['mx1.slow.test', 'mx2.slow.test', 'mx3.slow.test'];
  const zone = await dns({
    mx: { 'slow.test': hosts.map((exchange, i) => ({ exchange, priority: i })) },
    a: { 'mx1.slow.test': ['127.0.2.7'], 'mx2.slow.test': ['127.0.2.8'], 'mx3.slow.test': ['127.0.2.9'] },
    delay: Object.fromEntries(hosts.map((h) => [h, 300])),
  });
  const { result } = await probeDomain('slow.test', zone, port);
  const questions = zone.questions.filter((q) => q.type === 'A' || q.type === 'AAAA');
  assert.equal(questions.length, 6);
  // Every address question was asked before any of them was answered: none waited for another.
  assert.deepEqual(
    questions.map((q) => q.answersBefore),
    questions.map(() => questions[0]?.answersBefore),
    'no address answer came back between the address questions',
  );
  assert.equal(result.servers?.filter((s) => s.verdict?.code === 'closed').length, 3);
});

test('at most 2 servers at once by default, 1 when asked; the same address under two names is tested once', async () => {
  const slow = { latencyMs: 40 };
  const { port, servers } = await mxServers(
    { host: '127.0.2.10', profile: 'postfix-closed', options: slow },
    { host: '127.0.2.11', profile: 'postfix-closed', options: slow },
    { host: '127.0.2.12', profile: 'postfix-closed', options: slow },
    { host: '127.0.2.13', profile: 'postfix-closed', options: slow },
  );
  const zone = await dns({
    mx: { 'four.test': [1, 2, 3, 4, 5].map((n) => ({ exchange: `mx${n}.four.test`, priority: n })) },
    a: { 'mx1.four.test': ['127.0.2.10'], 'mx2.four.test': ['127.0.2.11'], 'mx3.four.test': ['127.0.2.12'], 'mx4.four.test': ['127.0.2.13'], 'mx5.four.test': ['127.0.2.10'] },
  });
  const two = await probeDomain('four.test', zone, port);
  assert.equal(mostAtOnce(sessionSpans(two.result.events).values()), 2);
  assert.deepEqual(serverOf(two.result, 5).notTested, { code: 'duplicate-address', text: '127.0.2.10 is also server 1 (mx1.four.test), tested once' });
  assert.equal(servers[0]?.connections, serverOf(two.result, 1).session?.connections, 'the shared address saw one session only');
  const one = await probeDomain('four.test', zone, port, { serverConcurrency: 1 });
  assert.equal(mostAtOnce(sessionSpans(one.result.events).values()), 1);
  assert.deepEqual(
    one.result.servers?.map((s) => s.verdict?.code ?? s.notTested?.code),
    ['closed', 'closed', 'closed', 'closed', 'duplicate-address'],
  );
});

test('the overall deadline stops the running sessions and leaves the waiting servers untested', async () => {
  const tarpit = { latencyMs: 400 };
  const { port } = await mxServers({ host: '127.0.2.14', profile: 'postfix-closed', options: tarpit }, { host: '127.0.2.15', profile: 'postfix-closed', options: tarpit });
  const zone = await dns({
    mx: {
      'late.test': [
        { exchange: 'mx1.late.test', priority: 1 },
        { exchange: 'mx2.late.test', priority: 2 },
      ],
    },
    a: { 'mx1.late.test': ['127.0.2.14'], 'mx2.late.test': ['127.0.2.15'] },
  });
  const started = performance.now();
  const { result } = await probeDomain('late.test', zone, port, { serverConcurrency: 1, domainDeadlineSeconds: 0.6 });
  assert.ok(performance.now() - started < 5000, 'the deadline ended the test');
  assert.equal(serverOf(result, 1).verdict?.code, 'inconclusive');
  assert.ok(
    serverOf(result, 1).verdict?.reasons.some((r) => r.code === 'probe-aborted'),
    JSON.stringify(serverOf(result, 1).verdict),
  );
  assert.deepEqual(serverOf(result, 2).notTested?.code, 'domain-deadline');
  assert.equal(result.verdict?.code, 'inconclusive');
});

test('a service limit refuses one server: that server is not tested, the others are, and every claim is released', async () => {
  const { port } = await mxServers({ host: '127.0.2.16', profile: 'postfix-closed' }, { host: '127.0.2.17', profile: 'open-relay', options: { hostname: 'mx2.busy.test' } });
  const zone = await dns({
    mx: {
      'busy.test': [
        { exchange: 'mx1.busy.test', priority: 1 },
        { exchange: 'mx2.busy.test', priority: 2 },
      ],
    },
    a: { 'mx1.busy.test': ['127.0.2.16'], 'mx2.busy.test': ['127.0.2.17'] },
  });
  const held = new Set<string>();
  const { result } = await probeDomain(
    'busy.test',
    zone,
    port,
    {},
    {
      claimServer: (address) => {
        if (address === '127.0.2.16') return { ok: false, code: 'server-busy', text: 'another probe of 127.0.2.16 is running: /r/x' };
        held.add(address);
        return { ok: true, release: () => held.delete(address) };
      },
    },
  );
  assert.deepEqual(serverOf(result, 1).notTested, { code: 'server-busy', text: 'another probe of 127.0.2.16 is running: /r/x' });
  assert.equal(serverOf(result, 2).verdict?.code, 'open');
  assert.equal(result.verdict?.code, 'open');
  assert.equal(held.size, 0);
});

test('resolveWithinMs: a name still resolving is prepared at once, pending; the run resolves it, and a refusal is its verdict', async () => {
  const { port } = await mxServers({ host: '127.0.2.18', profile: 'postfix-closed' }, { host: '127.0.2.19', profile: 'postfix-closed' });
  const zone = await dns({
    mx: {
      'later.test': [
        { exchange: 'mx1.later.test', priority: 1 },
        { exchange: 'mx2.later.test', priority: 2 },
      ],
      'refused.test': [{ exchange: 'mx.refused.test', priority: 1 }],
    },
    a: { 'mx1.later.test': ['127.0.2.18'], 'mx2.later.test': ['127.0.2.19'], 'mx.refused.test': ['10.9.9.9'] },
    delay: { 'later.test': 700, 'refused.test': 700 },
  });
  const options = {
    port,
    allowedPorts: 'any' as const,
    allowPrivate: false,
    allowCidrs: ['127.0.2.0/24'],
    dnsServers: [zone.address],
    helo: 'prober.relayprobe.test',
    suite: 'quick',
    timeoutSeconds: 5,
    greylistWaitSeconds: 0,
    resolveWithinMs: 100,
  };
  const prepared = await prepareProbe({ ...options, target: 'later.test' });
  // Prepared before its MX question was answered (700 ms): pending, with no domain plan yet.
  assert.ok(prepared.ok && prepared.probe.pending !== undefined && prepared.probe.domain === undefined);
  const result = await runPreparedProbe(prepared.probe);
  assert.deepEqual(
    result.events.slice(0, 2).map((e) => e.type),
    ['resolution', 'servers'],
  );
  assert.deepEqual(
    result.servers?.map((s) => s.verdict?.code),
    ['closed', 'closed'],
  );

  const refused = await prepareProbe({ ...options, target: 'refused.test' });
  assert.ok(refused.ok, 'not refused yet: its answer had not come');
  const verdict = (await runPreparedProbe(refused.probe)).verdict;
  assert.equal(verdict?.code, 'unreachable');
  assert.equal(verdict?.reasons[0]?.code, 'address-refused');
  assert.match(verdict?.summary ?? '', /10\.9\.9\.9 is a private address/);
});
