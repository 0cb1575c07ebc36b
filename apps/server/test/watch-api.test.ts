// The watch API end to end on a real listening server (issue 14): bad input refused in the API's
// error format naming the field, the token guard on every route, the OpenAPI document, create /
// list / read / pause / delete, and "run now" against testkit servers behind a switchable port:
// one signed webhook and one Slack message per change, none for an unchanged run, the recovery
// alerted too, deliveries retried with backoff and their outcome shown.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProfile, type ServerHandle } from '@relayprobe/testkit';
import { WatchAlertPayload, WatchDocument, matchesSchema, schemaErrors } from '@relayprobe/contracts';
import { startTestServer, waitForResult } from './helpers/server-under-test.js';
import { api, startSwitchableTarget, startWebhookReceiver, validSignature, type SwitchableTarget } from './helpers/watch-fixtures.js';
import { fakeClock, until } from './helpers/fake-clock.js';

const SECRET = 'a-webhook-secret-of-some-length';
const clock = fakeClock(Date.now());
const receiver = await startWebhookReceiver();
const server = await startTestServer({ RELAYPROBE_ALLOW_WEBHOOKS: '127.0.0.0/8' }, { watchClock: clock });
const closed = await startProfile('postfix-closed');
const open = await startProfile('open-relay');
const handles: (ServerHandle | SwitchableTarget)[] = [closed, open];
after(async () => {
  await server.close();
  await receiver.close();
  await Promise.all(handles.map((h) => h.close()));
});

const watchBody = (port: number, extra: Record<string, unknown> = {}) => ({
  target: '127.0.0.1',
  port,
  suite: 'quick',
  intervalMinutes: 60,
  alerts: [
    { type: 'webhook', url: `${receiver.base}/hook`, secret: SECRET },
    { type: 'slack', url: `${receiver.base}/slack/T000/B000/XXXX` },
  ],
  ...extra,
});
const getWatch = async (id: string): Promise<WatchDocument> => (await api(server.base, 'GET', `/api/v1/watches/${id}`)).body as WatchDocument;

/** Run a watch now and wait until its run has been evaluated (the watch's state comes from it). */
async function runAndEvaluate(id: string): Promise<{ probeId: string; watch: WatchDocument }> {
  const started = await api(server.base, 'POST', `/api/v1/watches/${id}/run`);
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const probeId = started.body.probeId as string;
  await waitForResult(server.base, probeId);
  let watch = await getWatch(id);
  await until(async () => (watch = await getWatch(id)).state.probeId === probeId && watch.runningProbeId === undefined, `run ${probeId} evaluated`);
  return { probeId, watch };
}

test('bad input is refused before anything is stored, in the API error format, naming the field', async () => {
  const cases: [Record<string, unknown>, number, string, string][] = [
    [{ target: '127.0.0.1', port: 2525 }, 400, 'invalid-request', 'alerts'],
    [{ ...watchBody(2525), intervalMinutes: 5 }, 400, 'invalid-option', 'intervalMinutes'],
    [{ ...watchBody(2525), colour: 'red' }, 400, 'invalid-request', 'colour'],
    [{ ...watchBody(2525), target: '0x7f.1' }, 400, 'invalid-target', 'target'],
    [{ ...watchBody(2525), port: 80 }, 403, 'port-not-allowed', 'port'],
    [{ ...watchBody(2525), target: '169.254.169.254' }, 403, 'address-refused', 'target'],
    [{ ...watchBody(2525), alerts: [{ type: 'webhook', url: `${receiver.base}/hook` }] }, 400, 'invalid-option', 'alerts.0.secret'],
    [{ ...watchBody(2525), alerts: [{ type: 'webhook', secret: SECRET }] }, 400, 'invalid-option', 'alerts.0.url'],
    [{ ...watchBody(2525), alerts: [{ type: 'slack', url: 'ftp://127.0.0.1/x' }] }, 400, 'invalid-option', 'alerts.0.url'],
    [{ ...watchBody(2525), alerts: [{ type: 'slack', url: 'http://2130706433/x' }] }, 400, 'invalid-option', 'alerts.0.url'],
    [{ ...watchBody(2525), alerts: [{ type: 'teams', url: 'http://169.254.169.254/latest' }] }, 403, 'address-refused', 'alerts.0.url'],
    [{ ...watchBody(2525), alerts: [{ type: 'teams', url: 'http://user:pw@127.0.0.1/x' }] }, 400, 'invalid-option', 'alerts.0.url'],
    [{ ...watchBody(2525), alerts: [{ type: 'email', to: 'ops@example.com' }] }, 400, 'invalid-option', 'alerts.0'],
    [{ ...watchBody(2525), alerts: [{ type: 'email', to: 'not an address' }] }, 400, 'invalid-option', 'alerts.0.to'],
    [{ ...watchBody(2525), alerts: [{ type: 'pager' }] }, 400, 'invalid-request', 'alerts.0.type'],
  ];
  for (const [body, status, code, field] of cases) {
    const answer = await api(server.base, 'POST', '/api/v1/watches', body);
    assert.equal(answer.status, status, `${JSON.stringify(body)} -> ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.error.code, code, JSON.stringify(answer.body));
    assert.equal(answer.body.error.field, field, JSON.stringify(answer.body));
    assert.ok(answer.body.error.message.length > 20, answer.body.error.message);
  }
  assert.deepEqual((await api(server.base, 'GET', '/api/v1/watches')).body.items, [], 'nothing was stored');
});

test('webhooks to loopback need RELAYPROBE_ALLOW_WEBHOOKS; the address is named', async () => {
  const strict = await startTestServer({}, {});
  try {
    const answer = await api(strict.base, 'POST', '/api/v1/watches', watchBody(2525));
    assert.equal(answer.status, 403);
    assert.equal(answer.body.error.code, 'address-refused');
    assert.match(answer.body.error.message, /127\.0\.0\.1.*RELAYPROBE_ALLOW_WEBHOOKS/);
  } finally {
    await strict.close();
  }
});

test('with RELAYPROBE_AUTH_TOKEN every watch route needs the token', async () => {
  const token = 'watch-token-0123456789';
  const guarded = await startTestServer({ RELAYPROBE_AUTH_TOKEN: token, RELAYPROBE_ALLOW_WEBHOOKS: '127.0.0.0/8' });
  try {
    const id = 'AAAAAAAAAAAAAAAAAAAAAA';
    for (const [method, path, body] of [
      ['POST', '/api/v1/watches', watchBody(2525)],
      ['GET', '/api/v1/watches'],
      ['GET', `/api/v1/watches/${id}`],
      ['PATCH', `/api/v1/watches/${id}`, { paused: true }],
      ['DELETE', `/api/v1/watches/${id}`],
      ['POST', `/api/v1/watches/${id}/run`],
    ] as const) {
      assert.equal((await api(guarded.base, method, path, body)).status, 401, `${method} ${path}`);
    }
    const created = await api(guarded.base, 'POST', '/api/v1/watches', watchBody(2525), { authorization: `Bearer ${token}` });
    assert.equal(created.status, 201);
  } finally {
    await guarded.close();
  }
});

test('the OpenAPI document describes every watch route', async () => {
  const doc = (await api(server.base, 'GET', '/api/v1/openapi.json')).body;
  assert.deepEqual(Object.keys(doc.paths['/api/v1/watches']).sort(), ['get', 'post']);
  assert.deepEqual(Object.keys(doc.paths['/api/v1/watches/{id}']).sort(), ['delete', 'get', 'patch']);
  assert.deepEqual(Object.keys(doc.paths['/api/v1/watches/{id}/run']), ['post']);
});

test('/watches and /watches/:id are pages (the web app, or without a build the plain home page), never indexed', async () => {
  for (const path of ['/watches', '/watches/AAAAAAAAAAAAAAAAAAAAAA']) {
    const response = await fetch(`${server.base}${path}`);
    assert.equal(response.status, 200, path);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(response.headers.get('x-robots-tag') ?? '', /noindex/);
  }
});

test('create, list, read, pause, resume, delete; unknown and malformed ids get the same 404', async () => {
  const created = await api(server.base, 'POST', '/api/v1/watches', watchBody(2525));
  assert.equal(created.status, 201);
  const { id, url } = created.body;
  assert.match(id, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(url, `/watches/${id}`);
  const watch = await getWatch(id);
  assert.deepEqual(schemaErrors(WatchDocument, watch), []);
  assert.equal(watch.intervalMinutes, 60);
  assert.deepEqual(watch.state, { failures: 0 });
  assert.deepEqual(watch.history, []);
  assert.deepEqual(
    watch.alerts,
    [
      { type: 'webhook', destination: `${receiver.base}/…`, signed: true },
      { type: 'slack', destination: `${receiver.base}/…`, signed: false },
    ],
    'no secret, no URL path',
  );
  assert.ok(!JSON.stringify(watch).includes(SECRET));
  const next = Date.parse(watch.nextRunAt ?? '');
  assert.ok(next >= clock.now() && next < clock.now() + 3_600_000, 'the first run falls within one interval');
  assert.ok((await api(server.base, 'GET', '/api/v1/watches')).body.items.some((w: WatchDocument) => w.id === id));

  const paused = await api(server.base, 'PATCH', `/api/v1/watches/${id}`, { paused: true });
  assert.equal(paused.status, 200);
  assert.equal(paused.body.paused, true);
  assert.equal(paused.body.nextRunAt, undefined);
  const resumed = await api(server.base, 'PATCH', `/api/v1/watches/${id}`, { paused: false, intervalMinutes: 120 });
  assert.equal(resumed.body.intervalMinutes, 120);
  assert.ok(resumed.body.nextRunAt);
  assert.equal((await api(server.base, 'PATCH', `/api/v1/watches/${id}`, {})).status, 400, 'an empty PATCH');
  assert.equal((await api(server.base, 'PATCH', `/api/v1/watches/${id}`, { intervalMinutes: 1 })).body.error.field, 'intervalMinutes');

  assert.equal((await api(server.base, 'DELETE', `/api/v1/watches/${id}`)).status, 204);
  for (const gone of [id, 'AAAAAAAAAAAAAAAAAAAAAA', 'not-an-id', "'; DROP TABLE watches; --"]) {
    const answer = await api(server.base, 'GET', `/api/v1/watches/${encodeURIComponent(gone)}`);
    assert.equal(answer.status, 404, gone);
    assert.equal(answer.body.error.code, 'not-found');
  }
  assert.equal((await api(server.base, 'POST', `/api/v1/watches/${id}/run`)).status, 404);
});

test('run now: closed (baseline, no alert), open (one signed webhook, one Slack message), open again (none), closed (one recovery each)', async () => {
  const target = await startSwitchableTarget(closed.port);
  handles.push(target);
  const created = await api(server.base, 'POST', '/api/v1/watches', watchBody(target.port));
  const id = created.body.id as string;
  const before = receiver.requests.length;

  const first = await runAndEvaluate(id);
  assert.equal(first.watch.state.verdict?.code, 'closed');
  assert.deepEqual(
    first.watch.history.map((r) => [r.probeId, r.verdict?.code, r.scheduled, r.url]),
    [[first.probeId, 'closed', false, `/r/${first.probeId}`]],
  );
  assert.equal(receiver.requests.length, before, 'the baseline alerts nothing');

  target.point(open.port);
  const flipped = await runAndEvaluate(id);
  await until(async () => (await getWatch(id)).deliveries.every((d) => d.status === 'delivered') && receiver.requests.length === before + 2, 'two deliveries');
  const hook = receiver.requests.find((r) => r.url === '/hook');
  assert.ok(hook);
  assert.ok(validSignature(hook.body, hook.headers['x-relayprobe-signature'], SECRET), 'X-Relayprobe-Signature is HMAC-SHA256 of the body');
  const payload = JSON.parse(hook.body) as WatchAlertPayload;
  assert.ok(matchesSchema(WatchAlertPayload, payload), schemaErrors(WatchAlertPayload, payload).join('; '));
  assert.equal(payload.watch.id, id);
  assert.equal(payload.previous.verdict.code, 'closed');
  assert.equal(payload.current.verdict.code, 'open');
  assert.equal(payload.probeId, flipped.probeId);
  assert.equal(payload.resultUrl, `/r/${flipped.probeId}`);
  assert.deepEqual(
    payload.changes.map((c) => c.kind),
    ['verdict'],
  );
  const slack = receiver.requests.find((r) => r.url.startsWith('/slack/'));
  assert.ok(slack && !('x-relayprobe-signature' in slack.headers));
  assert.match(JSON.parse(slack.body).text, /Open relay \(was Not an open relay\)/);
  const shown = await getWatch(id);
  assert.deepEqual(shown.deliveries.map((d) => [d.type, d.status, d.attempts, d.responseStatus, d.probeId, d.changes]).sort(), [
    ['slack', 'delivered', 1, 200, flipped.probeId, ['verdict']],
    ['webhook', 'delivered', 1, 200, flipped.probeId, ['verdict']],
  ]);

  const unchanged = await runAndEvaluate(id);
  assert.equal(unchanged.watch.state.verdict?.code, 'open');
  assert.equal(unchanged.watch.deliveries.length, 2, 'an unchanged run sends nothing');

  target.point(closed.port);
  await runAndEvaluate(id);
  await until(async () => (await getWatch(id)).deliveries.length === 4 && receiver.requests.length === before + 4, 'the recovery alerts');
  const recovery = JSON.parse(receiver.requests.filter((r) => r.url === '/hook').at(-1)?.body ?? '{}') as WatchAlertPayload;
  assert.deepEqual([recovery.previous.verdict.code, recovery.current.verdict.code], ['open', 'closed']);
  assert.equal((await getWatch(id)).history.length, 4);
  await api(server.base, 'DELETE', `/api/v1/watches/${id}`);
});

test('a failed delivery is retried with backoff (clock-driven), a permanent failure is not, and both are shown', async () => {
  const target = await startSwitchableTarget(closed.port);
  handles.push(target);
  const id = (await api(server.base, 'POST', '/api/v1/watches', watchBody(target.port, { alerts: [{ type: 'webhook', url: `${receiver.base}/hook`, secret: SECRET }] }))).body.id as string;
  await runAndEvaluate(id);
  receiver.answer(503);
  target.point(open.port);
  await runAndEvaluate(id);
  let watch = await getWatch(id);
  await until(async () => (watch = await getWatch(id)).deliveries[0]?.attempts === 1, 'the first attempt');
  const [pending] = watch.deliveries;
  assert.equal(pending?.status, 'pending');
  assert.equal(pending?.responseStatus, 503);
  assert.equal(Date.parse(pending?.nextAttemptAt ?? '') - Date.parse(pending?.lastAttemptAt ?? ''), 30_000, 'the first retry after 30 s');
  receiver.answer(200);
  clock.advance(30_000);
  await until(async () => (watch = await getWatch(id)).deliveries[0]?.status === 'delivered', 'delivered on the retry');
  assert.equal(watch.deliveries[0]?.attempts, 2);
  const bodies = receiver.requests.filter((r) => r.headers['x-relayprobe-delivery'] === String(pending?.id)).map((r) => r.body);
  assert.equal(bodies.length, 2);
  assert.equal(bodies[0], bodies[1], 'a retry sends the same bytes');

  receiver.answer(404);
  target.point(closed.port);
  await runAndEvaluate(id);
  await until(async () => (watch = await getWatch(id)).deliveries[0]?.status === 'failed', 'a 404 fails for good');
  assert.equal(watch.deliveries[0]?.attempts, 1);
  assert.match(watch.deliveries[0]?.error ?? '', /HTTP 404/);
  receiver.answer(200);
  await api(server.base, 'DELETE', `/api/v1/watches/${id}`);
});
