// Hand-written checks of what the server pushes (src/live/server-messages.ts): the contract's
// messages pass; anything else is refused; an event of unreadable shape keeps its seq as a
// placeholder line so no gap opens; API errors read as values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isProbeEvent, parseServerMessage, readResultDocument } from '../src/live/server-messages.js';
import { readApiError, networkFailure } from '../src/api/api-outcome.js';
import { documentOf, openRelayTranscript } from './helpers/events.js';

const events = openRelayTranscript().events;

test('every event of a real transcript passes the check', () => {
  for (const event of events) assert.ok(isProbeEvent(event), event.type);
});

test('event and done messages are read', () => {
  const event = events[3]!;
  assert.deepEqual(parseServerMessage(JSON.stringify({ type: 'event', seq: event.seq, event })), { type: 'event', seq: event.seq, event });
  assert.deepEqual(parseServerMessage('{"type":"done","status":"complete","verdict":{"code":"open","label":"Open relay"}}'), {
    type: 'done',
    status: 'complete',
    verdict: { code: 'open', label: 'Open relay' },
  });
  assert.deepEqual(parseServerMessage('{"type":"done","status":"interrupted"}'), { type: 'done', status: 'interrupted' });
});

test('what is not a message of the contract is refused', () => {
  for (const data of [
    '',
    'null',
    '[]',
    '{}',
    '{"type":"ping"}',
    '{"type":"done","status":"maybe"}',
    '{"type":"done","status":"complete","verdict":"open"}',
    '{"type":"event","seq":"1","event":{}}',
    '{"type":"event","seq":0}',
    'garbage',
  ]) {
    assert.equal(parseServerMessage(data), undefined, data);
  }
  assert.equal(parseServerMessage(new ArrayBuffer(4)), undefined);
});

test('an event this page cannot read keeps its place as an info line', () => {
  const broken = { type: 'reply', seq: 4, ms: 12, lines: 'not a list' };
  const message = parseServerMessage(JSON.stringify({ type: 'event', seq: 4, event: broken }));
  assert.equal(message?.type, 'event');
  assert.ok(message?.type === 'event');
  assert.equal(message.event.seq, 4);
  assert.equal(message.event.type, 'info');
  const mismatched = parseServerMessage(JSON.stringify({ type: 'event', seq: 5, event: events[3] }));
  assert.ok(mismatched?.type === 'event');
  assert.equal(mismatched.event.seq, 5, 'the message seq wins over a mismatched event seq');
  const unknownType = parseServerMessage(JSON.stringify({ type: 'event', seq: 2, event: { type: 'hologram', seq: 2, ms: 1 } }));
  assert.ok(unknownType?.type === 'event');
  assert.equal(unknownType.event.type, 'info');
});

test('a result document is read, with unreadable parts replaced or left out', () => {
  const doc = documentOf('abc', events, 'complete');
  assert.deepEqual(readResultDocument(doc), doc);
  const damaged = { ...doc, events: [events[0], { seq: 2, nonsense: true }, events[2]], verdict: { code: 'open' }, session: { port: 25 } };
  const read = readResultDocument(damaged);
  assert.ok(read);
  assert.deepEqual(
    read.events.map((e) => e.seq),
    [1, 2, 3],
  );
  assert.equal(read.events[1]?.type, 'info');
  assert.equal(read.verdict, undefined);
  assert.equal(read.session, undefined);
  assert.equal(readResultDocument({ id: 'abc' }), undefined);
  assert.equal(readResultDocument('<!doctype html>'), undefined);
});

test('API errors are values with the server sentence, or a plain one', () => {
  assert.deepEqual(readApiError(403, { error: { code: 'address-refused', message: 'The target resolves to 10.0.0.1, a private address.', field: 'target' } }), {
    ok: false,
    status: 403,
    code: 'address-refused',
    message: 'The target resolves to 10.0.0.1, a private address.',
    field: 'target',
  });
  const plain = readApiError(502, undefined);
  assert.equal(plain.code, 'unexpected-response');
  assert.match(plain.message, /502/);
  assert.match(networkFailure(new TypeError('Failed to fetch')).message, /Could not reach the relayprobe server \(Failed to fetch\)/);
});
