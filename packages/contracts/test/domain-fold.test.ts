// A domain test's events in the one fold (src/fold-events.ts): an event tagged `server: n` goes to
// server n's view and nowhere else, so each server's view is exactly foldEvents of its own events;
// the whole list and one event at a time agree; the document (schema version 2) carries the
// servers, and a version-1 single-server document is still valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EMPTY_RESULT_VIEW,
  RESULT_SCHEMA_VERSION,
  ResultDocument,
  documentFields,
  foldEvent,
  foldEvents,
  formatEvent,
  schemaErrors,
  serverEvents,
  type EventBody,
  type ProbeEvent,
  type ServerView,
  type Verdict,
} from '../src/index.js';

const stamp = (bodies: readonly (EventBody & { server?: number })[]): ProbeEvent[] => bodies.map((body, i) => ({ ...body, seq: i + 1, ms: (i + 1) * 10 }) as ProbeEvent);
const verdict = (code: Verdict['code'], label: string): Verdict => ({ code, label, summary: `${label}.`, advice: 'Nothing.', reasons: [] });
const result = (key: string, outcome: 'accepted' | 'relay-denied') => ({ id: key, key, name: key, weight: 'strong' as const, mailFrom: '<x@ext>', rcptTo: '<r@ext>', outcome, flags: [] });

const EVENTS = stamp([
  {
    type: 'resolution',
    resolution: {
      input: 'example.test',
      kind: 'host',
      domain: 'example.test',
      mx: [
        { exchange: 'mx1.example.test', preference: 10 },
        { exchange: 'mx2.example.test', preference: 20 },
      ],
      nullMx: false,
      implicitMx: false,
      addresses: [],
    },
  },
  {
    type: 'servers',
    omittedHosts: 0,
    servers: [
      { server: 1, preference: 10, host: 'mx1.example.test', address: '127.0.1.1', family: 4 },
      { server: 2, preference: 20, host: 'mx2.example.test', address: '127.0.1.2', family: 4 },
      { server: 3, preference: 20, host: 'mx2.example.test', address: '::1', family: 6 },
    ],
  },
  { type: 'not-tested', server: 3, code: 'no-ipv6-route', text: 'no IPv6 connectivity from here' },
  { type: 'info', phase: 'connect', code: 'connecting', text: 'Connecting to 127.0.1.1', server: 1 },
  { type: 'info', phase: 'connect', code: 'connecting', text: 'Connecting to 127.0.1.2', server: 2 },
  { type: 'vector-start', vector: 'R01', name: 'plain', index: 1, total: 1, server: 2 },
  { type: 'vector-start', vector: 'R01', name: 'plain', index: 1, total: 1, server: 1 },
  { type: 'vector-result', result: result('R01', 'accepted'), server: 2 },
  { type: 'vector-result', result: result('R01', 'relay-denied'), server: 1 },
  { type: 'verdict', verdict: verdict('closed', 'Not an open relay'), server: 1 },
  { type: 'verdict', verdict: verdict('open', 'Open relay'), server: 2 },
  { type: 'verdict', verdict: { ...verdict('open', 'Open relay'), reasons: [{ code: 'server-verdict', text: 'mx2', server: 2 }] } },
]);

const serverOf = (view: ReturnType<typeof foldEvents>, n: number) => view.servers?.find((s) => s.plan.server === n) as ServerView;

test('each server view is the fold of its own events, and the top level only of the untagged ones', () => {
  const view = foldEvents(EVENTS);
  assert.equal(view.servers?.length, 3);
  for (const n of [1, 2, 3]) {
    // Its events, seen as a single-server test's (without the tag that routes them).
    const own = serverEvents(EVENTS, n).map(({ server: _tag, ...event }) => event as ProbeEvent);
    assert.deepEqual(serverOf(view, n).view, foldEvents(own), `server ${n}`);
  }
  assert.deepEqual(
    serverOf(view, 2).view.vectors.map((v) => v.outcome),
    ['accepted'],
  );
  assert.equal(serverOf(view, 1).view.verdict?.code, 'closed');
  assert.equal(view.verdict?.code, 'open', 'the untagged verdict is the domain’s');
  assert.deepEqual(view.vectors, [], 'no server’s vectors leak to the top level');
  assert.equal(view.progress, undefined);
  assert.deepEqual(
    view.servers?.map((s) => s.status),
    ['done', 'done', 'not-tested'],
  );
  assert.deepEqual(serverOf(view, 3).notTested, { code: 'no-ipv6-route', text: 'no IPv6 connectivity from here' });
  assert.deepEqual([serverOf(view, 1).startMs, serverOf(view, 1).endMs], [40, 100]);
});

test('one event at a time, or split anywhere, gives the same view', () => {
  const whole = foldEvents(EVENTS);
  assert.deepEqual(EVENTS.reduce(foldEvent, EMPTY_RESULT_VIEW), whole);
  for (let at = 0; at <= EVENTS.length; at++) assert.deepEqual(foldEvents(EVENTS.slice(at), foldEvents(EVENTS.slice(0, at))), whole, `split at ${at}`);
});

test('while running: waiting, running and not-tested servers', () => {
  const view = foldEvents(EVENTS.slice(0, 4));
  assert.deepEqual(
    view.servers?.map((s) => s.status),
    ['running', 'waiting', 'not-tested'],
  );
});

test('an event of a server the plan did not list is kept under that number', () => {
  const view = foldEvents(stamp([{ type: 'info', phase: 'connect', code: 'connecting', text: 'x', server: 4 }]));
  assert.deepEqual(
    view.servers?.map((s) => [s.plan.server, s.status]),
    [[4, 'running']],
  );
});

test('the document carries the servers and validates against schema version 2; version 1 documents stay valid', () => {
  const fields = documentFields(foldEvents(EVENTS));
  const doc = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    id: 'a'.repeat(22),
    tool: { name: 'relayprobe', version: '0.1.0' },
    status: 'complete',
    request: { target: 'example.test', port: 25, suite: 'quick', tls: 'auto', helo: 'prober.example', testDomain: 'example.com', sendMessage: false, timeoutSeconds: 30 },
    startedAt: new Date(0).toISOString(),
    ...fields,
    events: EVENTS,
  };
  assert.equal(RESULT_SCHEMA_VERSION, 2);
  assert.deepEqual(schemaErrors(ResultDocument, doc), []);
  assert.deepEqual(
    doc.servers?.map((s) => [s.server, s.status, s.verdict?.code, s.durationMs]),
    [
      [1, 'done', 'closed', 60],
      [2, 'done', 'open', 60],
      [3, 'not-tested', undefined, undefined],
    ],
  );
  assert.deepEqual(
    doc.servers?.[1]?.vectors.map((v) => v.key),
    ['R01'],
  );
  const { servers: _servers, ...single } = doc;
  assert.deepEqual(schemaErrors(ResultDocument, { ...single, schemaVersion: 1, events: serverEvents(EVENTS, 1).map((e, i) => ({ ...e, seq: i + 1, server: undefined })) }), []);
  assert.notDeepEqual(schemaErrors(ResultDocument, { ...doc, schemaVersion: 3 }), []);
});

test('the transcript lines of the servers event and of a server not tested', () => {
  assert.deepEqual(formatEvent(EVENTS[1] as ProbeEvent), ['=== Servers to test: 1. mx1.example.test (127.0.1.1, MX 10), 2. mx2.example.test (127.0.1.2, MX 20), 3. mx2.example.test (::1, MX 20)']);
  assert.deepEqual(formatEvent(EVENTS[2] as ProbeEvent), ['=== Server 3 not tested: no IPv6 connectivity from here']);
});
