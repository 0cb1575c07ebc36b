// The API end to end against testkit servers: each profile's verdict through GET, and the
// WebSocket stream's stored-then-live-then-done sequence for viewers joining at any moment.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { closedPort, startProfile, type ProfileName, type ServerHandle } from '@relayprobe/testkit';
import { ResultDocument, schemaErrors, type EventMessage } from '@relayprobe/contracts';
import { collectEvents, postProbe, startTestServer, waitForResult } from './helpers/server-under-test.js';

const server = await startTestServer();
const targets: ServerHandle[] = [];
after(async () => {
  await server.close();
  await Promise.all(targets.map((t) => t.close()));
});
const target = async (name: ProfileName, options: Parameters<typeof startProfile>[1] = {}) => {
  const t = await startProfile(name, options);
  targets.push(t);
  return t;
};

for (const [profile, verdict] of [
  ['open-relay', 'open'],
  ['postfix-closed', 'closed'],
  ['greylisting', 'inconclusive'],
] as const) {
  test(`${profile}: POST → 201, then GET gives "${verdict}"`, async () => {
    const created = await postProbe(server.base, { target: '127.0.0.1', port: (await target(profile)).port, suite: 'quick' });
    assert.equal(created.status, 201);
    assert.match(created.body.id, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(created.body.url, `/r/${created.body.id}`);
    const doc = await waitForResult(server.base, created.body.id);
    assert.equal(doc.status, 'complete');
    assert.equal(doc.verdict?.code, verdict);
    assert.deepEqual(schemaErrors(ResultDocument, doc), []);
  });
}

test('a port nobody listens on: "unreachable"', async () => {
  const created = await postProbe(server.base, { target: '127.0.0.1', port: await closedPort(), suite: 'quick' });
  assert.equal(created.status, 201);
  assert.equal((await waitForResult(server.base, created.body.id)).verdict?.code, 'unreachable');
});

test('viewers from the start, mid-probe and resuming with ?after= see the same complete sequence', async () => {
  const slow = await target('postfix-closed', { latencyMs: 40 });
  const created = await postProbe(server.base, { target: '127.0.0.1', port: slow.port, suite: 'standard' });
  const id = created.body.id as string;
  const first = collectEvents(server.wsBase, id);
  await new Promise((r) => setTimeout(r, 400));
  const second = collectEvents(server.wsBase, id);
  const full = await first;
  const joined = await second;
  const events = (m: typeof full) => m.messages.filter((x): x is EventMessage => x.type === 'event');
  assert.equal(full.messages.at(-1)?.type, 'done');
  assert.deepEqual(events(joined), events(full));
  const seqs = events(full).map((e) => e.seq);
  assert.deepEqual(
    seqs,
    seqs.map((_, i) => i + 1),
    'no gaps, no duplicates',
  );
  const resumed = await collectEvents(server.wsBase, id, { after: 10 });
  assert.deepEqual(events(resumed), events(full).slice(10));
  const doc = await waitForResult(server.base, id);
  assert.deepEqual(
    events(full).map((e) => e.event),
    doc.events,
    'the stream carries the stored events',
  );
});
