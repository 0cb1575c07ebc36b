// A domain test through the API (issue 9): one result id for the whole test, the servers in the
// document and in the stream (every event tagged with its server), the per-address limits of the
// service, and a POST that answers at once while DNS is slow. Real DNS on loopback (the testkit's
// server, through RELAYPROBE_DNS_SERVERS) and fake MX hosts on 127.0.2.N sharing one port.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDnsServer, startOnSharedPort, type DnsZone } from '@relayprobe/testkit';
import { ResultDocument, schemaErrors, type ProbeEvent } from '@relayprobe/contracts';
import { collectEvents, postProbe, startTestServer, waitForResult, type TestServer } from './helpers/server-under-test.js';
import { renderSharePage } from '../src/pages/share-page.js';

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});
const mx = await startOnSharedPort([
  { host: '127.0.2.51', profile: 'postfix-closed', options: { latencyMs: 30 } },
  { host: '127.0.2.52', profile: 'open-relay', options: { hostname: 'mx2.api.test', localDomains: ['api.test', 'slow.api.test', 'mx2.api.test'], latencyMs: 30 } },
]);
closers.push(mx.close);
const ZONE: DnsZone = {
  mx: {
    'api.test': [
      { exchange: 'mx1.api.test', priority: 10 },
      { exchange: 'mx2.api.test', priority: 20 },
    ],
    'slow.api.test': [
      { exchange: 'mx1.api.test', priority: 10 },
      { exchange: 'mx2.api.test', priority: 20 },
    ],
    'refused.api.test': [{ exchange: 'inside.api.test', priority: 10 }],
  },
  a: { 'mx1.api.test': ['127.0.2.51'], 'mx2.api.test': ['127.0.2.52'], 'inside.api.test': ['10.20.30.40'] },
  delay: { 'slow.api.test': 1500, 'refused.api.test': 1500 },
};
const dns = await startDnsServer(ZONE);
closers.push(() => dns.close());

async function server(): Promise<TestServer> {
  const s = await startTestServer({ RELAYPROBE_DNS_SERVERS: dns.address, RELAYPROBE_PORTS: String(mx.port), RELAYPROBE_ALLOW_TARGETS: '127.0.2.0/24' }, { resolver: undefined });
  closers.push(() => s.close());
  return s;
}

test('POST a domain: one id; GET carries the servers; the stream tags every server event; "Open relay" names the backup', async () => {
  const s = await server();
  const created = await postProbe(s.base, { target: 'api.test', port: mx.port, suite: 'quick' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const doc = await waitForResult(s.base, created.body.id);
  assert.deepEqual(schemaErrors(ResultDocument, doc), []);
  assert.equal(doc.schemaVersion, 2);
  assert.equal(doc.status, 'complete');
  assert.deepEqual(
    doc.servers?.map((x) => [x.server, x.host, x.address, x.verdict?.code]),
    [
      [1, 'mx1.api.test', '127.0.2.51', 'closed'],
      [2, 'mx2.api.test', '127.0.2.52', 'open'],
    ],
  );
  assert.equal(doc.verdict?.code, 'open');
  assert.match(doc.verdict?.summary ?? '', /^mx2\.api\.test \(127\.0\.2\.52\) is an open relay; mx1\.api\.test \(127\.0\.2\.51\) is not an open relay\.$/);
  const { messages } = await collectEvents(s.wsBase, created.body.id);
  const events = messages.flatMap((m) => (m.type === 'event' ? [m.event] : []));
  assert.deepEqual(events, doc.events, 'the stream replays the same events');
  const untagged = events.filter((e) => e.server === undefined).map((e) => e.type);
  assert.deepEqual(untagged, ['resolution', 'servers', 'verdict'], 'only the domain’s own events are untagged');
  assert.ok(events.some((e) => e.server === 1) && events.some((e) => e.server === 2));
  const list = (await (await fetch(`${s.base}/api/v1/probes`)).json()) as { items: { id: string; verdict?: { code: string } }[] };
  assert.equal(list.items.find((i) => i.id === created.body.id)?.verdict?.code, 'open');
  // The page without JavaScript lists the servers with their verdicts.
  const page = renderSharePage({ result: doc, url: created.body.url });
  assert.match(page, /<h2>Servers<\/h2>/);
  assert.match(page, /<td>mx2\.api\.test<\/td><td>127\.0\.2\.52<\/td><td class="v-open">Open relay<\/td>/);
});

test('per-address limits: while a domain test runs, its MX address is busy for another probe, by name or by literal', async () => {
  const s = await server();
  const created = await postProbe(s.base, { target: 'api.test', port: mx.port, suite: 'standard' });
  assert.equal(created.status, 201);
  const busy = await postProbe(s.base, { target: '127.0.2.52', port: mx.port, suite: 'quick' });
  assert.equal(busy.status, 429, JSON.stringify(busy.body));
  assert.equal(busy.body.error.code, 'target-busy');
  assert.ok(String(busy.body.error.message).includes(created.body.url));
  await waitForResult(s.base, created.body.id);
  const after = await postProbe(s.base, { target: '127.0.2.52', port: mx.port, suite: 'quick' });
  assert.equal(after.status, 201, 'free again once the domain test is over');
  await waitForResult(s.base, after.body.id);
});

test('slow DNS: the POST answers within 1 s; the resolution, the servers and their verdicts come in the stream', async () => {
  const s = await server();
  const started = performance.now();
  const created = await postProbe(s.base, { target: 'slow.api.test', port: mx.port, suite: 'quick' });
  const elapsed = performance.now() - started;
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.ok(elapsed < 1000, `POST answered after ${Math.round(elapsed)} ms`);
  const running = (await (await fetch(`${s.base}/api/v1/probes/${created.body.id}`)).json()) as ResultDocument;
  assert.equal(running.status, 'running');
  assert.equal(running.resolution, undefined, 'nothing resolved yet');
  const doc = await waitForResult(s.base, created.body.id);
  assert.equal((doc.events[0] as ProbeEvent).type, 'resolution');
  assert.deepEqual(
    doc.servers?.map((x) => x.verdict?.code),
    ['closed', 'open'],
  );
  // A policy refusal found after the 201 is the verdict, and nothing is dialled.
  const refused = await postProbe(s.base, { target: 'refused.api.test', port: mx.port, suite: 'quick' });
  assert.equal(refused.status, 201);
  const refusedDoc = await waitForResult(s.base, refused.body.id);
  assert.equal(refusedDoc.verdict?.code, 'unreachable');
  assert.equal(refusedDoc.verdict?.reasons[0]?.code, 'address-refused');
  assert.match(refusedDoc.verdict?.summary ?? '', /10\.20\.30\.40 is a private address/);
});

test('a pending probe logs the addresses only RELAYPROBE_ALLOW_TARGETS lets it reach, once its DNS has answered', async () => {
  const raw: string[] = [];
  const s = await startTestServer(
    { RELAYPROBE_DNS_SERVERS: dns.address, RELAYPROBE_PORTS: String(mx.port), RELAYPROBE_ALLOW_TARGETS: '127.0.2.0/24', RELAYPROBE_LOG_LEVEL: 'info' },
    { resolver: undefined, logStream: { write: (line: string) => void raw.push(line) } },
  );
  closers.push(() => s.close());
  const created = await postProbe(s.base, { target: 'slow.api.test', port: mx.port, suite: 'quick' });
  assert.equal(created.status, 201);
  await waitForResult(s.base, created.body.id);
  const lines = raw.map((line) => JSON.parse(line) as { msg: string; probe?: string; addresses?: string[] });
  const logged = lines.find((l) => l.msg === 'address allowed only by RELAYPROBE_ALLOW_TARGETS' && l.probe === created.body.id);
  assert.deepEqual(logged?.addresses, ['127.0.2.51', '127.0.2.52']);
});
