// The probe service's HTTP surface beyond api-probes.test.ts (DESIGN.md "Contracts", SECURITY.md
// §4): listing and paging, reading a running probe, body validation with errors a person can act
// on, the delivery stage, uniform 404s, health, metrics, OpenAPI, the share page's headers, the
// concurrency cap and queue, per-target limits and the bearer token. Every server is real (loopback,
// port 0) and every target a testkit server.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { closedPort, startProfile, startTrapListener, type ProfileName, type ServerHandle } from '@relayprobe/testkit';
import {
  ApiError,
  CreateProbeBody,
  Health,
  ProbeList,
  RELAYPROBE_VERSION,
  ResultDocument,
  SUITES,
  VERDICT_LABELS,
  schemaErrors,
  durationText,
  utcDayText,
  type EventMessage,
} from '@relayprobe/contracts';
import { collectEvents, postProbe, startTestServer, waitForResult, type TestServer } from './helpers/server-under-test.js';
import { fetchJson, metaContent, metricValue, pageTitle, refusedUpgrade } from './helpers/api-reading.js';

const servers: TestServer[] = [];
const targets: ServerHandle[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(targets.map((t) => t.close()));
});
const server = async (env: Record<string, string | undefined> = {}) => {
  const s = await startTestServer(env);
  servers.push(s);
  return s;
};
const target = async (name: ProfileName, options: Parameters<typeof startProfile>[1] = {}) => {
  const t = await startProfile(name, options);
  targets.push(t);
  return t;
};
/** Start a probe that must be accepted; returns its id and link. */
const started = async (s: TestServer, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
  const created = await postProbe(s.base, body, headers);
  assert.equal(created.status, 201, `POST ${JSON.stringify(body)} → ${JSON.stringify(created.body)}`);
  return created.body as { id: string; url: string };
};
const events = (messages: { type: string }[]) => messages.filter((m): m is EventMessage => m.type === 'event');

const main = await server();

test('GET /api/v1/probes: newest first, paged by limit and next/before, summaries with verdict labels', async () => {
  const s = await server();
  const ids: string[] = [];
  for (const port of [(await target('postfix-closed')).port, await closedPort(), (await target('open-relay')).port]) {
    const { id } = await started(s, { target: '127.0.0.1', port, suite: 'quick' });
    await waitForResult(s.base, id);
    ids.push(id);
  }
  const newestFirst = [...ids].reverse();

  const first = await fetchJson(`${s.base}/api/v1/probes?limit=2`);
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('cache-control'), 'no-store');
  assert.deepEqual(schemaErrors(ProbeList, first.body), []);
  assert.deepEqual(
    first.body.items.map((i: { id: string }) => i.id),
    newestFirst.slice(0, 2),
  );
  assert.equal(typeof first.body.next, 'string');
  const second = await fetchJson(`${s.base}/api/v1/probes?limit=2&before=${encodeURIComponent(first.body.next)}`);
  assert.deepEqual(
    second.body.items.map((i: { id: string }) => i.id),
    newestFirst.slice(2),
  );
  assert.equal(second.body.next, undefined, 'the last page has no next cursor');

  const all = await fetchJson(`${s.base}/api/v1/probes`);
  assert.deepEqual(
    all.body.items.map((i: { id: string }) => i.id),
    newestFirst,
  );
  assert.deepEqual(
    all.body.items.map((i: { verdict?: { code: string } }) => i.verdict?.code),
    ['open', 'unreachable', 'closed'],
  );
  for (const item of all.body.items) {
    assert.equal(item.verdict.label, VERDICT_LABELS[item.verdict.code as keyof typeof VERDICT_LABELS]);
    assert.equal(item.url, `/r/${item.id}`);
    assert.equal(item.target, '127.0.0.1');
    assert.equal(item.suite, 'quick');
    assert.equal(item.status, 'complete');
    assert.ok(item.finishedAt >= item.createdAt);
  }

  const forged = Buffer.from(JSON.stringify(['yesterday', ids[0]])).toString('base64url');
  for (const before of ['not a cursor', forged]) {
    const bad = await fetchJson(`${s.base}/api/v1/probes?before=${encodeURIComponent(before)}`);
    assert.equal(bad.status, 400, before);
    assert.deepEqual(schemaErrors(ApiError, bad.body), []);
    assert.equal(bad.body.error.code, 'invalid-request');
    assert.equal(bad.body.error.field, 'before');
  }
});

test('GET /api/v1/probes/:id while running: status running, no-store, the events so far; the final document equals the stream', async () => {
  const slow = await target('postfix-closed', { latencyMs: 100 });
  const { id } = await started(main, { target: '127.0.0.1', port: slow.port, suite: 'quick' });
  const stream = collectEvents(main.wsBase, id);
  let running: { headers: Headers; body: any } | undefined;
  for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 20))) {
    const read = await fetchJson(`${main.base}/api/v1/probes/${id}`);
    assert.equal(read.body.status, 'running', 'the probe must still be running when its first events are readable');
    if (read.body.events.length > 0) {
      running = read;
      break;
    }
  }
  assert.ok(running, 'a running probe shows its events so far');
  assert.equal(running.headers.get('cache-control'), 'no-store');
  assert.deepEqual(schemaErrors(ResultDocument, running.body), []);
  assert.equal(running.body.verdict, undefined);
  const seqs = running.body.events.map((e: { seq: number }) => e.seq);
  assert.deepEqual(
    seqs,
    seqs.map((_: number, i: number) => i + 1),
  );

  const streamed = await stream;
  const final = await waitForResult(main.base, id);
  assert.equal(final.status, 'complete');
  assert.deepEqual(final.events.slice(0, running.body.events.length), running.body.events, 'what was read while running stays as it was');
  assert.ok(final.events.length > running.body.events.length);
  assert.deepEqual(
    events(streamed.messages).map((m) => m.event),
    final.events,
  );
  assert.deepEqual(streamed.messages.at(-1), { type: 'done', status: 'complete', verdict: { code: 'closed', label: 'Not an open relay' } });
  assert.equal(final.verdict?.code, 'closed');
});

interface BadBody {
  name: string;
  /** The JSON body, given the port of a trap listener (where a wrongly accepted probe would connect). */
  body?: (port: number) => unknown;
  /** Or this text with this content type. */
  raw?: (port: number) => { type: string; text: string };
  /** Acceptable statuses (the first is named in the test title). */
  status: number[];
  code: string;
  field?: string;
  /** What the message must say for a person to fix the request. */
  says: RegExp;
}

const BAD_BODIES: BadBody[] = [
  { name: 'an unknown field', body: (port) => ({ target: '127.0.0.1', port, colour: 'blue' }), status: [400], code: 'invalid-request', field: 'colour', says: /colour/ },
  { name: 'port as letters', body: () => ({ target: '127.0.0.1', port: 'abc' }), status: [400], code: 'invalid-request', field: 'port', says: /integer/ },
  {
    name: 'port as hexadecimal text (no lax number parsing)',
    body: (port) => ({ target: '127.0.0.1', port: `0x${port.toString(16)}` }),
    status: [400],
    code: 'invalid-request',
    field: 'port',
    says: /integer/,
  },
  { name: 'target as an array', body: (port) => ({ target: ['127.0.0.1'], port }), status: [400], code: 'invalid-request', field: 'target', says: /string/ },
  { name: 'target as an object', body: (port) => ({ target: {}, port }), status: [400], code: 'invalid-request', field: 'target', says: /string/ },
  { name: 'sendMessage as text', body: (port) => ({ target: '127.0.0.1', port, sendMessage: 'yes' }), status: [400], code: 'invalid-request', field: 'sendMessage', says: /boolean/ },
  {
    name: 'sendMessage as a number (the delivery stage is opt-in, never coerced)',
    body: (port) => ({ target: '127.0.0.1', port, sendMessage: 1 }),
    status: [400],
    code: 'invalid-request',
    field: 'sendMessage',
    says: /boolean/,
  },
  { name: 'no target', body: (port) => ({ port }), status: [400], code: 'invalid-request', field: 'target', says: /target/ },
  { name: 'port 0', body: () => ({ target: '127.0.0.1', port: 0 }), status: [400], code: 'invalid-request', field: 'port', says: /\b1\b/ },
  { name: 'port 65536', body: () => ({ target: '127.0.0.1', port: 65536 }), status: [400], code: 'invalid-request', field: 'port', says: /65535/ },
  { name: "suite 'huge'", body: (port) => ({ target: '127.0.0.1', port, suite: 'huge' }), status: [400], code: 'invalid-request', field: 'suite', says: new RegExp(SUITES.join('.*')) },
  { name: 'a text/plain body', raw: (port) => ({ type: 'text/plain', text: JSON.stringify({ target: '127.0.0.1', port }) }), status: [415, 400], code: 'invalid-request', says: /application\/json/ },
  {
    name: 'a form body',
    raw: (port) => ({ type: 'application/x-www-form-urlencoded', text: `target=127.0.0.1&port=${port}` }),
    status: [415, 400],
    code: 'invalid-request',
    says: /application\/json/,
  },
  { name: 'broken JSON', raw: () => ({ type: 'application/json', text: '{"target":' }), status: [400], code: 'invalid-request', says: /JSON/ },
  { name: 'a body over 16 KiB', body: (port) => ({ target: '127.0.0.1', port, pad: 'x'.repeat(17 * 1024) }), status: [413], code: 'invalid-request', says: /too large|16 KiB|16384/i },
  { name: "target '0x7f.1' (inet_aton would read 127.0.0.1)", body: (port) => ({ target: '0x7f.1', port }), status: [400], code: 'invalid-target', field: 'target', says: /0x7f\.1/ },
];

for (const bad of BAD_BODIES) {
  test(`POST with ${bad.name} → ${bad.status[0]} ${bad.code}`, async () => {
    // A trap of its own: a body wrongly accepted connects here (and keeps only this trap busy).
    const trap = await startTrapListener();
    targets.push(trap);
    const raw = bad.raw?.(trap.port);
    const response = await fetchJson(`${main.base}/api/v1/probes`, {
      method: 'POST',
      headers: { 'content-type': raw?.type ?? 'application/json' },
      body: raw?.text ?? JSON.stringify(bad.body?.(trap.port)),
    });
    assert.ok(bad.status.includes(response.status), `status ${response.status}: ${JSON.stringify(response.body)}`);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(schemaErrors(ApiError, response.body), []);
    assert.equal(response.body.error.code, bad.code);
    if (bad.field) assert.equal(response.body.error.field, bad.field, 'the field at fault is named');
    assert.match(response.body.error.message, bad.says, 'the message says what to fix');
    assert.equal(trap.connections, 0, 'nothing was connected to');
  });
}

test('POST port 6379 under the default RELAYPROBE_PORTS → 403 port-not-allowed, naming the allowed ports', async () => {
  const s = await server({ RELAYPROBE_PORTS: '25,465,587' });
  const refused = await postProbe(s.base, { target: '127.0.0.1', port: 6379 });
  assert.equal(refused.status, 403);
  assert.deepEqual(refused.body.error, { code: 'port-not-allowed', field: 'port', message: refused.body.error.message });
  assert.match(refused.body.error.message, /6379/);
  assert.match(refused.body.error.message, /25, 465, 587/);
});

test('sendMessage with to, against accept-all: the message is accepted, and the verdict stays accepts-all (a queued message proves nothing there)', async () => {
  const acceptAll = await target('accept-all');
  const to = 'relay-check@operator.example.org';
  const { id } = await started(main, { target: '127.0.0.1', port: acceptAll.port, suite: 'quick', sendMessage: true, to });
  const doc = await waitForResult(main.base, id);
  assert.equal(doc.delivery?.outcome, 'accepted');
  assert.equal(doc.delivery?.rcptTo, `<${to}>`);
  assert.equal(doc.verdict?.code, 'accepts-all');
  const delivered = acceptAll.transcripts.flatMap((t) => t.messages);
  assert.equal(delivered.length, 1, 'exactly one message reached DATA');
  assert.deepEqual(delivered[0]?.rcptTo, [`<${to}>`]);
});

const UNKNOWN_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const MALFORMED_IDS = ['abc', 'A'.repeat(23), '..%2Fx', 'A'.repeat(100)];

test('uniform 404 on GET /api/v1/probes/:id: malformed ids answer exactly as an unknown one', async () => {
  const unknown = await fetchJson(`${main.base}/api/v1/probes/${UNKNOWN_ID}`);
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, 'not-found');
  for (const id of MALFORMED_IDS) {
    const answer = await fetchJson(`${main.base}/api/v1/probes/${id}`);
    assert.deepEqual({ status: answer.status, body: answer.body }, { status: 404, body: unknown.body }, id);
  }
});

test('uniform 404 on the WebSocket upgrade: HTTP 404, the same body for unknown and malformed ids', async () => {
  const unknown = await refusedUpgrade(`${main.wsBase}/api/v1/probes/${UNKNOWN_ID}/events`);
  assert.equal(unknown.status, 404);
  assert.equal(JSON.parse(unknown.body).error.code, 'not-found');
  for (const id of MALFORMED_IDS) assert.deepEqual(await refusedUpgrade(`${main.wsBase}/api/v1/probes/${id}/events`), unknown, id);
});

test('uniform 404 on /r/:id: the same page for unknown and malformed ids, not indexed', async () => {
  const read = async (id: string) => {
    const response = await fetch(`${main.base}/r/${id}`);
    return { status: response.status, type: response.headers.get('content-type'), robots: response.headers.get('x-robots-tag'), body: await response.text() };
  };
  const unknown = await read(UNKNOWN_ID);
  assert.equal(unknown.status, 404);
  assert.match(unknown.type ?? '', /^text\/html/);
  assert.match(unknown.robots ?? '', /noindex/);
  for (const id of MALFORMED_IDS) assert.deepEqual(await read(id), unknown, id);
});

test('GET /api/v1/health: its schema, the version, and the load', async () => {
  const health = await fetchJson(`${(await server()).base}/api/v1/health`);
  assert.equal(health.status, 200);
  assert.equal(health.headers.get('cache-control'), 'no-store');
  assert.deepEqual(schemaErrors(Health, health.body), []);
  assert.deepEqual({ ...health.body, uptimeSeconds: 0 }, { status: 'ok', version: RELAYPROBE_VERSION, uptimeSeconds: 0, running: 0, queued: 0 });
  assert.ok(health.body.uptimeSeconds >= 0);
});

test('GET /metrics: counters, the duration histogram and the running gauge move as a probe runs', async () => {
  const s = await server();
  const metrics = async () => {
    const response = await fetch(`${s.base}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return response.text();
  };
  const idle = await metrics();
  assert.equal(metricValue(idle, 'relayprobe_probes_started_total'), 0);
  assert.equal(metricValue(idle, 'relayprobe_probes_running'), 0);
  assert.equal(metricValue(idle, 'relayprobe_probe_queue_length'), 0);
  assert.match(idle, /^# TYPE relayprobe_probe_duration_seconds histogram$/m);

  const slow = await target('postfix-closed', { latencyMs: 100 });
  const { id } = await started(s, { target: '127.0.0.1', port: slow.port, suite: 'quick' });
  const busy = await metrics();
  assert.equal(metricValue(busy, 'relayprobe_probes_started_total'), 1);
  assert.equal(metricValue(busy, 'relayprobe_probes_running'), 1);
  assert.equal((await fetchJson(`${s.base}/api/v1/health`)).body.running, 1);
  assert.equal(metricValue(busy, 'relayprobe_probe_duration_seconds_count'), 0);

  assert.equal((await waitForResult(s.base, id)).verdict?.code, 'closed');
  const done = await metrics();
  assert.equal(metricValue(done, 'relayprobe_probes_finished_total{verdict="closed"}'), 1);
  assert.equal(metricValue(done, 'relayprobe_probes_running'), 0);
  assert.equal(metricValue(done, 'relayprobe_probe_duration_seconds_count'), 1);
  assert.equal(metricValue(done, 'relayprobe_probe_duration_seconds_bucket{le="+Inf"}'), 1);
  assert.ok((metricValue(done, 'relayprobe_probe_duration_seconds_sum') ?? 0) > 0);
  const buckets = [...done.matchAll(/^relayprobe_probe_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)].map((m) => Number(m[2]));
  assert.ok(buckets.length >= 2, 'histogram buckets are exposed');
  assert.deepEqual(
    buckets,
    [...buckets].sort((a, b) => a - b),
    'buckets are cumulative',
  );
});

test('GET /api/v1/openapi.json: OpenAPI 3 with the probe routes and the CreateProbeBody schema', async () => {
  const { status, body } = await fetchJson(`${main.base}/api/v1/openapi.json`);
  assert.equal(status, 200);
  assert.match(body.openapi, /^3\./);
  assert.ok(body.paths['/api/v1/probes']?.post && body.paths['/api/v1/probes']?.get);
  assert.ok(body.paths['/api/v1/probes/{id}']?.get);
  assert.ok(body.paths['/api/v1/health']?.get);
  const schema = body.paths['/api/v1/probes'].post.requestBody.content['application/json'].schema;
  assert.deepEqual(Object.keys(schema.properties).sort(), Object.keys(CreateProbeBody.properties).sort());
  assert.deepEqual(schema.required, CreateProbeBody.required);
  assert.equal(schema.additionalProperties, false);
  // The same TypeBox schema as JSON (symbols dropped); OpenAPI 3.0 writes the literal unions' `const` as `enum`, so those are checked by value.
  for (const name of ['target', 'port', 'sendMessage', 'to'] as const) assert.deepEqual(schema.properties[name], JSON.parse(JSON.stringify(CreateProbeBody.properties[name])), name);
  const suites = JSON.stringify(schema.properties.suite);
  for (const suite of SUITES) assert.ok(suites.includes(`"${suite}"`), suite);
});

test('/r/:id: title and Open Graph tags name the verdict and target; noindex, no-referrer, strict CSP without upgrade-insecure-requests over HTTP', async () => {
  const { id, url } = await started(main, { target: '127.0.0.1', port: (await target('postfix-closed')).port, suite: 'quick' });
  assert.equal(url, `/r/${id}`);
  const doc = await waitForResult(main.base, id);
  const response = await fetch(`${main.base}/r/${id}`);
  const page = await response.text();
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
  const day = utcDayText(doc.startedAt);
  for (const title of [pageTitle(page), metaContent(page, 'og:title')]) {
    // "Not an open relay: 127.0.0.1:2525 · 3 Dec 2026": the verdict, the target with its port, the day.
    assert.equal(title, `Not an open relay: 127.0.0.1:${doc.request.port} · ${day}`);
  }
  // The summary, then when (date and time), on which port, and how long it took.
  const description = metaContent(page, 'og:description') ?? '';
  assert.ok(description.startsWith(`${doc.verdict?.summary} `), description);
  assert.ok(description.endsWith(`Tested ${day} at ${doc.startedAt.slice(11, 16)} UTC on port ${doc.request.port}; took ${durationText(doc.durationMs ?? -1)}.`), description);
  assert.equal(metaContent(page, 'og:url'), undefined, 'no og:url without RELAYPROBE_PUBLIC_URL: a preview needs an absolute link');
  assert.match(response.headers.get('x-robots-tag') ?? '', /noindex/);
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  const csp = response.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /upgrade-insecure-requests/);
});

test('RELAYPROBE_PUBLIC_URL https: absolute share links everywhere and upgrade-insecure-requests in the CSP', async () => {
  const publicUrl = 'https://relayprobe.example.test';
  const s = await server({ RELAYPROBE_PUBLIC_URL: `${publicUrl}/` });
  const created = await postProbe(s.base, { target: '127.0.0.1', port: (await target('postfix-closed')).port, suite: 'quick' });
  assert.equal(created.status, 201);
  const { id, url } = created.body as { id: string; url: string };
  assert.equal(url, `${publicUrl}/r/${id}`);
  await waitForResult(s.base, id);
  assert.equal((await fetchJson(`${s.base}/api/v1/probes`)).body.items[0].url, url);
  const response = await fetch(`${s.base}/r/${id}`);
  const page = await response.text();
  assert.equal(metaContent(page, 'og:url'), url);
  assert.match(response.headers.get('content-security-policy') ?? '', /upgrade-insecure-requests/);
  assert.match(response.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
});

test('concurrency cap and bounded queue: the third probe gets 503 queue-full; the queued one runs after the first', async () => {
  const s = await server({ RELAYPROBE_MAX_CONCURRENT: '1', RELAYPROBE_MAX_QUEUE: '1' });
  const [a, b, c] = await Promise.all([0, 1, 2].map(() => target('postfix-closed', { latencyMs: 100 })));
  const first = await started(s, { target: '127.0.0.1', port: a!.port, suite: 'quick' });
  const queued = await started(s, { target: '127.0.0.1', port: b!.port, suite: 'quick' });
  const refused = await postProbe(s.base, { target: '127.0.0.1', port: c!.port, suite: 'quick' });
  assert.equal(refused.status, 503);
  assert.equal(refused.body.error.code, 'queue-full');
  assert.match(refused.body.error.message, /try again/i);

  const load = (await fetchJson(`${s.base}/api/v1/health`)).body;
  assert.deepEqual({ running: load.running, queued: load.queued }, { running: 1, queued: 1 });
  const gauges = await (await fetch(`${s.base}/metrics`)).text();
  assert.equal(metricValue(gauges, 'relayprobe_probes_running'), 1);
  assert.equal(metricValue(gauges, 'relayprobe_probe_queue_length'), 1);
  const waiting = (await fetchJson(`${s.base}/api/v1/probes/${queued.id}`)).body;
  assert.equal(waiting.status, 'running');
  assert.deepEqual(waiting.events, [], 'a queued probe has not started');
  assert.equal(b!.connections, 0);

  const firstDoc = await waitForResult(s.base, first.id);
  const queuedDoc = await waitForResult(s.base, queued.id);
  assert.equal(queuedDoc.status, 'complete');
  assert.equal(queuedDoc.verdict?.code, 'closed');
  assert.ok(queuedDoc.startedAt >= (firstDoc.finishedAt ?? ''), `queued probe started ${queuedDoc.startedAt}, first finished ${firstDoc.finishedAt}`);
  assert.equal(c!.connections, 0, 'the refused probe never connected');
  const after = await (await fetch(`${s.base}/metrics`)).text();
  assert.equal(metricValue(after, 'relayprobe_probes_running'), 0);
  assert.equal(metricValue(after, 'relayprobe_probe_queue_length'), 0);
});

test('per target: 429 target-busy while a probe of it runs, linking to that probe', async () => {
  const slow = await target('postfix-closed', { latencyMs: 100 });
  const running = await started(main, { target: '127.0.0.1', port: slow.port, suite: 'quick' });
  const busy = await postProbe(main.base, { target: '127.0.0.1', port: slow.port, suite: 'quick' });
  assert.equal(busy.status, 429);
  assert.equal(busy.body.error.code, 'target-busy');
  assert.ok(busy.body.error.message.includes(running.url), busy.body.error.message);
  await waitForResult(main.base, running.id);
  await waitForResult(main.base, (await started(main, { target: '127.0.0.1', port: slow.port, suite: 'quick' })).id);
});

test('per target: RELAYPROBE_TARGET_HOURLY_LIMIT=2 → the third probe of one server gets 429 target-rate-limited', async () => {
  const s = await server({ RELAYPROBE_TARGET_HOURLY_LIMIT: '2' });
  const closed = await target('postfix-closed');
  let latest = { id: '', url: '' };
  for (let i = 0; i < 2; i++) {
    latest = await started(s, { target: '127.0.0.1', port: closed.port, suite: 'quick' });
    await waitForResult(s.base, latest.id);
  }
  const limited = await postProbe(s.base, { target: '127.0.0.1', port: closed.port, suite: 'quick' });
  assert.equal(limited.status, 429);
  assert.equal(limited.body.error.code, 'target-rate-limited');
  assert.ok(limited.body.error.message.includes(latest.url), limited.body.error.message);
  await waitForResult(s.base, (await started(s, { target: '127.0.0.1', port: (await target('postfix-closed')).port, suite: 'quick' })).id);
});

test('RELAYPROBE_AUTH_TOKEN: starting, listing and /metrics need the bearer token; a result by link does not', async () => {
  const token = 'test-token-0123456789abcdef';
  const s = await server({ RELAYPROBE_AUTH_TOKEN: token });
  const port = (await target('postfix-closed')).port;
  const body = { target: '127.0.0.1', port, suite: 'quick' };
  const refusals: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-token-0123456789abcdef' }, { authorization: token }, { authorization: `Basic ${token}` }];
  for (const headers of refusals) {
    const refused = await postProbe(s.base, body, headers);
    assert.equal(refused.status, 401, JSON.stringify(headers));
    assert.equal(refused.body.error.code, 'unauthorized');
    for (const path of ['/api/v1/probes', '/metrics']) {
      const response = await fetch(`${s.base}${path}`, { headers });
      assert.equal(response.status, 401, `${path} ${JSON.stringify(headers)}`);
      assert.equal(((await response.json()) as ApiError).error.code, 'unauthorized');
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
    }
  }
  const authorized = { authorization: `Bearer ${token}` };
  const { id } = await started(s, body, authorized);
  const doc = await waitForResult(s.base, id);
  assert.equal(doc.verdict?.code, 'closed');
  const streamed = await collectEvents(s.wsBase, id);
  assert.deepEqual(streamed.messages.at(-1), { type: 'done', status: 'complete', verdict: { code: 'closed', label: 'Not an open relay' } });
  assert.equal((await fetch(`${s.base}/r/${id}`)).status, 200);
  const list = await fetchJson(`${s.base}/api/v1/probes`, { headers: authorized });
  assert.deepEqual(
    list.body.items.map((i: { id: string }) => i.id),
    [id],
  );
  assert.equal((await fetch(`${s.base}/metrics`, { headers: authorized })).status, 200);
});
