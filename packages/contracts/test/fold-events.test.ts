// The one fold of the event stream (src/fold-events.ts): a whole list and one event at a time give
// the same view; a test run again shows once, with its latest result, in plan order; older
// documents' session facts fill in; unknown and out-of-order events do not break the view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EMPTY_RESULT_VIEW,
  documentFields,
  foldEvent,
  foldEvents,
  withDocumentFallback,
  type EventBody,
  type ProbeEvent,
  type SessionFacts,
  type TlsDetails,
  type VectorResult,
  type Verdict,
} from '../src/index.js';

/** Numbers event bodies from 1, 10 ms apart. */
function stamp(bodies: readonly EventBody[]): ProbeEvent[] {
  return bodies.map((body, i) => ({ ...body, seq: i + 1, ms: (i + 1) * 10 }) as ProbeEvent);
}

const result = (key: string, outcome: VectorResult['outcome'], extra: Partial<VectorResult> = {}): VectorResult => ({
  id: key.split('@')[0] as string,
  key,
  name: key,
  weight: key.startsWith('C') ? 'control' : 'strong',
  mailFrom: '<x@ext>',
  rcptTo: '<r@ext>',
  outcome,
  flags: [],
  ...extra,
});
const start = (vector: string, index: number, total = 4): EventBody => ({ type: 'vector-start', vector, name: vector, index, total });
const settled = (key: string, outcome: VectorResult['outcome'], extra: Partial<VectorResult> = {}): EventBody => ({ type: 'vector-result', result: result(key, outcome, extra) });
const info = (code: string, extra: { waitMs?: number } = {}): EventBody => ({ type: 'info', phase: 'vector', code, text: code, ...extra });
const reply = (phase: 'greeting' | 'ehlo' | 'vector', lines: string[]): EventBody => ({ type: 'reply', phase, tls: false, code: Number(lines[0]?.slice(0, 3)), lines, elapsedMs: 5, flags: [] });

const TLS: TlsDetails = {
  protocol: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  authorized: true,
  authorizationError: null,
  hostnameMatch: true,
  hostnameError: null,
  servername: 'mx.example.com',
  certificate: null,
};
const FACTS: SessionFacts = {
  address: '192.0.2.1',
  port: 25,
  attempts: [{ address: '192.0.2.1', port: 25, outcome: 'smtp-session' }],
  greeting: ['220 mx.example.com ESMTP'],
  ehloName: 'mx.example.com',
  heloFallback: false,
  extensions: ['PIPELINING', 'STARTTLS'],
  pipelining: true,
  starttlsOffered: true,
  tls: TLS,
  localNames: ['mx.example.com'],
  connections: 2,
};
const verdictOf = (code: Verdict['code']): Verdict => ({ code, label: code, summary: code, advice: 'x', reasons: [] });

/** A greylisted probe: R01 deferred, the wait, the retry accepted, a test message, the session facts, the verdict. */
function greylistedProbe(): ProbeEvent[] {
  return stamp([
    { type: 'resolution', resolution: { input: '192.0.2.1', kind: 'ipv4', mx: [], nullMx: false, implicitMx: false, addresses: [{ address: '192.0.2.1', family: 4, allowed: true }] } },
    info('connecting'),
    reply('greeting', ['220 mx.example.com ESMTP']),
    reply('ehlo', ['250-mx.example.com', '250-PIPELINING', '250 STARTTLS']),
    { type: 'tls', phase: 'starttls', details: TLS },
    reply('ehlo', ['250-mx.example.com', '250 PIPELINING']),
    start('C1', 1),
    settled('C1', 'accepted', { expectationMet: true }),
    start('C2', 2),
    settled('C2', 'denied', { expectationMet: true }),
    start('R01', 3),
    reply('vector', ['450 4.7.1 Greylisted']),
    settled('R01', 'deferred'),
    start('R02', 4),
    settled('R02', 'relay-denied'),
    info('greylist-wait', { waitMs: 60_000 }),
    { type: 'command', phase: 'quit', tls: true, text: 'QUIT' },
    info('connecting'),
    reply('greeting', ['220 mx.example.com ESMTP again']),
    start('R01', 3),
    settled('R01', 'accepted'),
    { type: 'delivery', result: { vector: 'R01', mailFrom: '<x@ext>', rcptTo: '<r@ext>', outcome: 'accepted', queueId: 'Q1' } },
    { type: 'session', phase: 'done', facts: FACTS },
    { type: 'verdict', verdict: verdictOf('open') },
  ]);
}

const keysAndOutcomes = (vectors: readonly VectorResult[]) => vectors.map((v) => `${v.key}:${v.outcome}`);

test('the whole list and one event at a time give the same view, wherever the list is split', () => {
  const events = greylistedProbe();
  const whole = foldEvents(events);
  assert.deepEqual(events.reduce(foldEvent, EMPTY_RESULT_VIEW), whole);
  for (let at = 0; at <= events.length; at += 1) {
    assert.deepEqual(foldEvents(events.slice(at), foldEvents(events.slice(0, at))), whole, `split at ${at}`);
  }
  assert.deepEqual(keysAndOutcomes(whole.vectors), ['C1:accepted', 'C2:denied', 'R01:accepted', 'R02:relay-denied']);
  assert.equal(whole.resolution?.input, '192.0.2.1');
  assert.equal(whole.delivery?.queueId, 'Q1');
  assert.deepEqual(whole.session, FACTS);
  assert.equal(whole.verdict?.code, 'open');
  assert.deepEqual(whole.progress, { vector: 'R01', index: 3, total: 4 });
  assert.equal(whole.greylistRetryMs, undefined, 'the retry connected: the wait is over');
  assert.deepEqual(whole.sessionSoFar, { greeting: ['220 mx.example.com ESMTP'], extensions: ['PIPELINING'], tls: TLS }, 'first greeting, latest EHLO, latest TLS');
});

test('folding never changes its input, and an event that tells nothing gives back the same view', () => {
  const events = greylistedProbe().map((e) => Object.freeze(e));
  const halfway = foldEvents(events.slice(0, 14));
  const copy = structuredClone(halfway);
  foldEvents(events.slice(14), halfway);
  assert.deepEqual(halfway, copy);
  const quit: ProbeEvent = { seq: 99, ms: 990, type: 'command', phase: 'quit', tls: false, text: 'QUIT' };
  assert.equal(foldEvent(halfway, quit), halfway);
  assert.equal(foldEvents([], halfway), halfway);
});

test("during the greylister's wait the view knows when the retry comes; the latest wait decides", () => {
  const events = greylistedProbe();
  const waiting = foldEvents(events.slice(0, events.findIndex((e) => e.type === 'info' && e.code === 'greylist-wait') + 1));
  const wait = events.find((e) => e.type === 'info' && e.code === 'greylist-wait') as ProbeEvent;
  assert.equal(waiting.greylistRetryMs, wait.ms + 60_000);
  assert.deepEqual(keysAndOutcomes(waiting.vectors), ['C1:accepted', 'C2:denied', 'R01:deferred', 'R02:relay-denied'], 'R01 deferred until its retry');
  const twice = foldEvents(stamp([info('greylist-wait', { waitMs: 1000 }), info('greylist-wait', { waitMs: 9000 })]));
  assert.equal(twice.greylistRetryMs, 20 + 9000);
  assert.equal(foldEvents(stamp([info('greylist-wait'), info('other', { waitMs: 5000 })])).greylistRetryMs, undefined, 'no waitMs, or another code: no wait');
});

test('a test run again shows once, with its latest result, where it stands in the plan', () => {
  // The controls run again at the end with another sender (engine: retryControlsWithAcceptedSender).
  const view = foldEvents(
    stamp([
      start('C1', 1),
      settled('C1', 'sender-refused'),
      start('C2', 2),
      settled('C2', 'sender-refused'),
      start('R01', 3),
      settled('R01', 'accepted', { mailFrom: '<>' }),
      start('C1', 1),
      settled('C1', 'accepted', { mailFrom: '<>' }),
      start('C2', 2),
      settled('C2', 'denied', { mailFrom: '<>' }),
    ]),
  );
  assert.deepEqual(keysAndOutcomes(view.vectors), ['C1:accepted', 'C2:denied', 'R01:accepted']);
  assert.equal(view.vectors.find((v) => v.key === 'C2')?.mailFrom, '<>');
});

test('tests that never started stand after the tests started before them, in plan order', () => {
  // R02 had no local name (not run, no vector-start) between R01 and R03.
  const gap = foldEvents(stamp([start('R01', 1), settled('R01', 'relay-denied'), settled('R02', 'not-run'), start('R03', 3), settled('R03', 'relay-denied')]));
  assert.deepEqual(keysAndOutcomes(gap.vectors), ['R01:relay-denied', 'R02:not-run', 'R03:relay-denied']);
  // The deadline struck during R02: the engine settles the queued R03 and R04 first, then R02.
  const deadline = foldEvents(stamp([start('R01', 1), settled('R01', 'relay-denied'), start('R02', 2), settled('R03', 'not-run'), settled('R04', 'not-run'), settled('R02', 'not-run')]));
  assert.deepEqual(keysAndOutcomes(deadline.vectors), ['R01:relay-denied', 'R02:not-run', 'R03:not-run', 'R04:not-run']);
  // Nothing started at all: the order the results came in.
  assert.deepEqual(keysAndOutcomes(foldEvents(stamp([settled('C1', 'not-run'), settled('R01', 'not-run')])).vectors), ['C1:not-run', 'R01:not-run']);
});

test('out of order: a vector-start after its result moves the result; later verdicts and deliveries win, the first resolution stays', () => {
  const view = foldEvents(
    stamp([
      settled('R02', 'relay-denied'),
      start('R01', 1),
      settled('R01', 'accepted'),
      start('R02', 2),
      { type: 'verdict', verdict: verdictOf('inconclusive') },
      { type: 'verdict', verdict: verdictOf('open') },
      { type: 'delivery', result: { vector: 'R01', mailFrom: '<x@ext>', rcptTo: '<r@ext>', outcome: 'not-completed' } },
      { type: 'delivery', result: { vector: 'R01', mailFrom: '<x@ext>', rcptTo: '<r@ext>', outcome: 'accepted' } },
      { type: 'resolution', resolution: { input: 'first', kind: 'host', mx: [], nullMx: false, implicitMx: true, addresses: [] } },
      { type: 'resolution', resolution: { input: 'second', kind: 'host', mx: [], nullMx: false, implicitMx: true, addresses: [] } },
    ]),
  );
  assert.deepEqual(keysAndOutcomes(view.vectors), ['R01:accepted', 'R02:relay-denied']);
  assert.equal(view.verdict?.code, 'open');
  assert.equal(view.delivery?.outcome, 'accepted');
  assert.equal(view.resolution?.input, 'first');
  // The session event after the verdict (or twice) still counts; the latest wins.
  const late = foldEvents(
    stamp([
      { type: 'verdict', verdict: verdictOf('closed') },
      { type: 'session', phase: 'done', facts: { ...FACTS, connections: 1 } },
      { type: 'session', phase: 'done', facts: FACTS },
    ]),
  );
  assert.deepEqual(late.session, FACTS);
});

test('an event type the fold does not know changes nothing', () => {
  const before = foldEvents(greylistedProbe().slice(0, 10));
  const future = { seq: 11, ms: 110, type: 'dane-check', phase: 'starttls', result: 'ok' } as unknown as ProbeEvent;
  assert.equal(foldEvent(before, future), before);
});

test('an older document (no session event) shows its stored session facts; the event wins when there is one', () => {
  const events = greylistedProbe();
  const withoutSession = events.filter((e) => e.type !== 'session');
  const older = withDocumentFallback(foldEvents(withoutSession), { session: FACTS });
  assert.deepEqual(older.session, FACTS);
  const stored = { ...FACTS, connections: 7 };
  assert.deepEqual(withDocumentFallback(foldEvents(events), { session: stored }).session, FACTS, 'the events say it: they win');
  // A document's verdict fills in for a verdict event the reader could not read.
  const noVerdict = foldEvents(events.filter((e) => e.type !== 'verdict'));
  assert.equal(withDocumentFallback(noVerdict, { verdict: verdictOf('closed') }).verdict?.code, 'closed');
  // Nothing to fill in: the same view.
  const full = foldEvents(events);
  assert.equal(withDocumentFallback(full, { session: stored, verdict: verdictOf('closed') }), full);
  assert.equal(withDocumentFallback(EMPTY_RESULT_VIEW, {}), EMPTY_RESULT_VIEW);
});

test('documentFields: what the document carries from the view, leaving out what is not known', () => {
  assert.deepEqual(documentFields(EMPTY_RESULT_VIEW), { vectors: [] });
  const fields = documentFields(foldEvents(greylistedProbe()));
  assert.deepEqual(Object.keys(fields), ['resolution', 'session', 'vectors', 'delivery', 'verdict']);
  assert.deepEqual(keysAndOutcomes(fields.vectors), ['C1:accepted', 'C2:denied', 'R01:accepted', 'R02:relay-denied']);
});
