// Results stored before schema version 2 (the domain test) still load: a version-1 document in
// SQLite is served by GET /api/v1/probes/:id as it was stored, valid against the version-2
// schema, and a probe a crash left running is read from its events as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResultDocument, schemaErrors } from '@relayprobe/contracts';
import { ProbeStore } from '../src/storage/probe-store.js';
import { isoAt, sampleEvents, sampleRequest, sampleResult } from './storage/sample-probes.js';
import { startTestServer } from './helpers/server-under-test.js';

const DONE = 'AAAAAAAAAAAAAAAAAAAAAA';
const CRASHED = 'BBBBBBBBBBBBBBBBBBBBBB';

test('a version-1 result and a crashed probe of before the domain test load and validate', async () => {
  // The database as an earlier relayprobe left it: then the current server opens it.
  const seed = await startTestServer();
  const dataDir = seed.dataDir;
  await seed.app.close();
  const store = ProbeStore.open(dataDir);
  const request = sampleRequest('mx.example.com');
  store.createProbe({ id: DONE, createdAt: isoAt(1), target: request.target, request });
  store.finishProbe(DONE, {
    status: 'complete',
    finishedAt: isoAt(2),
    verdict: { code: 'closed', label: 'Not an open relay' },
    result: sampleResult(DONE, request, isoAt(1), isoAt(2)),
    events: sampleEvents(1, 5),
  });
  store.createProbe({ id: CRASHED, createdAt: isoAt(3), target: request.target, request });
  store.appendEvents(CRASHED, sampleEvents(1, 3));
  store.close();

  const server = await startTestServer({ RELAYPROBE_DATA_DIR: dataDir });
  try {
    const done = (await (await fetch(`${server.base}/api/v1/probes/${DONE}`)).json()) as ResultDocument;
    assert.deepEqual(schemaErrors(ResultDocument, done), []);
    assert.equal(done.schemaVersion, 1, 'served as it was stored');
    assert.equal(done.servers, undefined);
    assert.equal(done.verdict?.code, 'closed');
    assert.equal(done.events.length, 5);
    const crashed = (await (await fetch(`${server.base}/api/v1/probes/${CRASHED}`)).json()) as ResultDocument;
    assert.deepEqual(schemaErrors(ResultDocument, crashed), []);
    assert.equal(crashed.status, 'interrupted');
    assert.equal(crashed.events.length, 3);
  } finally {
    await server.close();
    await seed.close();
  }
});
