// A domain test on the page (store/shown-server.ts): the servers come from the contracts' fold;
// the evidence, transcript and facts show one server, the one the link or a click chose, else
// the live one while running and the worst once done; a single-server result shows itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProbeEvent } from '@relayprobe/contracts';
import { applyDone, emptyResult, mergeEvents, selectServer } from '../src/store/result-state.js';
import { resultPath, serverParam } from '../src/router/routes.js';
import { serverRow } from '../src/features/result/servers/server-rows.js';
import { EventLog, VERDICT_OPEN, info, openRelayTranscript, vectorResult, vectorStart, verdict } from './helpers/events.js';

const CLOSED = { code: 'closed', label: 'Not an open relay', summary: 'Every relay attempt was refused.', advice: 'Nothing to fix.', reasons: [] } as const;

function domainEvents(): ProbeEvent[] {
  const log = new EventLog();
  const tagged = (body: Parameters<EventLog['add']>[0], server: number) => log.add({ ...body, server } as never);
  log.add({
    type: 'servers',
    omittedHosts: 0,
    servers: [
      { server: 1, preference: 10, host: 'mx1.example.com', address: '192.0.2.1', family: 4 },
      { server: 2, preference: 20, host: 'mx2.example.com', address: '192.0.2.2', family: 4 },
    ],
  });
  tagged(info('connecting', 'Trying 192.0.2.1:25...'), 1);
  tagged(info('connecting', 'Trying 192.0.2.2:25...'), 2);
  tagged(vectorStart('R01', 'plain', 1, 1), 2);
  tagged(vectorResult('R01', 'accepted'), 2);
  tagged(vectorResult('R01', 'relay-denied'), 1);
  tagged(verdict({ ...CLOSED, reasons: [] }), 1);
  tagged(verdict(), 2);
  log.add(
    verdict({
      ...VERDICT_OPEN,
      summary: 'mx2.example.com (192.0.2.2) is an open relay; mx1.example.com (192.0.2.1) is not an open relay.',
      reasons: [
        { code: 'server-verdict', text: 'mx2', server: 2 },
        { code: 'server-verdict', text: 'mx1', server: 1 },
      ],
    }),
  );
  return log.events;
}

test('a single-server result shows itself: the very same events and view', () => {
  const state = mergeEvents(emptyResult('a'), openRelayTranscript().events);
  assert.equal(state.shown.server, undefined);
  assert.equal(state.shown.events, state.events);
  assert.equal(state.shown.view, state.view);
});

test('while running: the live server; done: the worst; a choice wins and follows new events', () => {
  const events = domainEvents();
  const midway = mergeEvents({ ...emptyResult('a'), status: 'running' }, events.slice(0, 4));
  assert.equal(midway.shown.server, 1, 'the first server being tested');
  assert.deepEqual(
    midway.shown.events.map((e) => e.seq),
    [2],
  );
  const done = applyDone(mergeEvents(midway, events.slice(4)), { status: 'complete', verdict: { code: 'open', label: 'Open relay' } });
  assert.equal(done.shown.server, 2, 'the server the verdict names first');
  assert.deepEqual(
    done.shown.view.vectors.map((v) => v.outcome),
    ['accepted'],
  );
  assert.ok(done.shown.events.every((e) => e.server === 2));
  const chosen = selectServer(done, 1);
  assert.equal(chosen.shown.server, 1);
  assert.equal(chosen.shown.view.verdict?.code, 'closed');
  assert.deepEqual(
    chosen.shown.events.map((e) => e.seq),
    [2, 6, 7],
  );
  // A link's choice holds from the start, and new events of that server extend its transcript.
  const linked = mergeEvents({ ...emptyResult('a', 2), status: 'running' }, events.slice(0, 4));
  assert.equal(linked.shown.server, 2);
  const more = mergeEvents(linked, events.slice(4, 5));
  assert.deepEqual(
    more.shown.events.map((e) => e.seq),
    [3, 4, 5],
  );
  assert.equal(more.shown.events[0], linked.shown.events[0], 'appended, not rebuilt');
});

test('server rows: the verdict badge, or where the server stands', () => {
  const state = mergeEvents({ ...emptyResult('a'), status: 'running' }, domainEvents().slice(0, 4));
  const rows = state.view.servers?.map(serverRow) ?? [];
  assert.deepEqual(
    rows.map((r) => [r.server, r.badge.label, r.badge.tone, r.detail]),
    [
      [1, 'Testing', 'running', 'connecting…'],
      [2, 'Testing', 'running', 'test 1 of 1'],
    ],
  );
  const done = mergeEvents(emptyResult('a'), domainEvents());
  assert.deepEqual(
    done.view.servers?.map(serverRow).map((r) => [r.name, r.badge.label, r.badge.tone]),
    [
      ['mx1.example.com (192.0.2.1)', 'Not an open relay', 'closed'],
      ['mx2.example.com (192.0.2.2)', 'Open relay', 'open'],
    ],
  );
});

test('the link selects a server: /r/:id?server=N', () => {
  assert.equal(resultPath('abc', 2), '/r/abc?server=2');
  assert.equal(resultPath('abc'), '/r/abc');
  assert.equal(serverParam('?server=2'), 2);
  for (const bad of ['', '?server=0', '?server=-1', '?server=x', '?server=2.5', '?server=99999']) assert.equal(serverParam(bad), undefined, bad);
});
