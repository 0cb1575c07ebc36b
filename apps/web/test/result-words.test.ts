// Words the result page shows for what it knows: whether a running probe has connected yet (verdict/probe-stage.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STAGE_TEXT, probeStage } from '../src/features/result/verdict/probe-stage.js';
import { EventLog, info, reply } from './helpers/events.js';

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
