// Words the result page shows for what it knows: an outcome with a temporary refusal
// (evidence/outcome-text.ts) and whether a running probe has connected yet (verdict/probe-stage.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OUTCOME_WORDS } from '@relayprobe/contracts';
import { outcomeText } from '../src/features/result/evidence/outcome-text.js';
import { STAGE_TEXT, probeStage } from '../src/features/result/verdict/probe-stage.js';
import { EventLog, info, reply } from './helpers/events.js';

test("a refusal with a 4xx reply says it was temporary (Postfix's default 454 4.7.1)", () => {
  assert.equal(outcomeText({ outcome: 'relay-denied', reply: { code: 454, enhanced: '4.7.1', text: 'Relay access denied' } }), 'refused: relaying denied (temporary: 454)');
  assert.equal(outcomeText({ outcome: 'relay-denied', reply: { code: 554, enhanced: '5.7.1', text: 'Relay access denied' } }), OUTCOME_WORDS['relay-denied']);
  assert.equal(outcomeText({ outcome: 'deferred', reply: { code: 450, text: 'Greylisted' } }), 'deferred (temporary)', 'deferred already says so');
  assert.equal(outcomeText({ outcome: 'accepted', reply: { code: 250, text: 'Ok' } }), 'ACCEPTED');
  assert.equal(outcomeText({ outcome: 'not-run' }), 'not run');
});

test('"Connecting…" only until the connection opens', () => {
  const log = new EventLog();
  log.add(info('connecting', 'Trying 192.0.2.1:25...'));
  assert.equal(probeStage(log.events), 'connecting');
  log.add(info('connected', 'Connected to 192.0.2.1.'));
  assert.equal(probeStage(log.events), 'connected');
  const replied = new EventLog();
  replied.add(reply(['220 mx.example.com'], { phase: 'greeting' }));
  assert.equal(probeStage(replied.events), 'connected', 'a reply means a connection');
  assert.match(STAGE_TEXT.connecting, /^Connecting/);
  assert.doesNotMatch(STAGE_TEXT.connected, /Connecting/);
});
