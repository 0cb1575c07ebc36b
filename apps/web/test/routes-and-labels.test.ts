// Small pure pieces: routes by path, the recent list's link text, the status line's words
// (VERDICT_LABELS exactly), and the outcome colours that go with words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VERDICT_LABELS, VERDICT_CODES } from '@relayprobe/contracts';
import { resultPath, routeOf } from '../src/router/routes.js';
import { recentLabel, statusWord } from '../src/features/recent/recent-label.js';
import { statusText } from '../src/features/result/verdict/verdict-text.js';
import { outcomeTone } from '../src/features/result/evidence/outcome-tone.js';
import { emptyResult } from '../src/store/result-state.js';
import { VERDICT_OPEN } from './helpers/events.js';

test('routes: home, a result, anything else', () => {
  assert.deepEqual(routeOf('/'), { page: 'home' });
  assert.deepEqual(routeOf('/r/TrQQl1R0KGW1-zdWu08MGQ'), { page: 'result', id: 'TrQQl1R0KGW1-zdWu08MGQ' });
  assert.deepEqual(routeOf('/r/TrQQl1R0KGW1-zdWu08MGQ/'), { page: 'result', id: 'TrQQl1R0KGW1-zdWu08MGQ' });
  for (const path of ['/r/a/b', '/r/%3Cscript%3E', '/r/x!']) assert.deepEqual(routeOf(path), { page: 'no-result' }, path);
  for (const path of ['/r', '/results', '/api/v1/probes']) assert.deepEqual(routeOf(path), { page: 'unknown' }, path);
  assert.equal(resultPath('abc_-1'), '/r/abc_-1');
});

test('recent links: verdict label or Running/Interrupted, then the target', () => {
  const item = { target: 'mail.example.com', port: 25, suite: 'standard', status: 'complete', verdict: { code: 'closed', label: 'Not an open relay' } } as const;
  assert.equal(recentLabel(item), 'Not an open relay: mail.example.com port 25, standard suite');
  assert.equal(statusWord({ status: 'running' }), 'Running');
  assert.equal(statusWord({ status: 'interrupted' }), 'Interrupted');
  assert.equal(recentLabel({ ...item, target: 'evil\u202e.example' }), 'Not an open relay: evil\\u202e.example port 25, standard suite');
});

test('the status line starts with the label exactly as VERDICT_LABELS, with summary and advice', () => {
  for (const code of VERDICT_CODES) {
    const text = statusText({ ...emptyResult('a'), status: 'complete', verdict: { ...VERDICT_OPEN, code, label: 'whatever the server said' } });
    assert.equal(text.label, VERDICT_LABELS[code]);
    assert.equal(text.summary, VERDICT_OPEN.summary);
    assert.equal(text.advice, VERDICT_OPEN.advice);
    assert.deepEqual(text.reasons, VERDICT_OPEN.reasons);
  }
  assert.equal(statusText({ ...emptyResult('a'), status: 'running' }).label, 'Running');
  assert.equal(statusText({ ...emptyResult('a'), status: 'interrupted' }).label, 'Interrupted');
  assert.equal(statusText({ ...emptyResult('a'), status: 'complete', doneVerdict: { code: 'inconclusive', label: 'x' } }).label, 'Inconclusive');
  assert.equal(statusText(emptyResult('a')).label, 'Loading');
  assert.equal(statusText({ ...emptyResult('a'), lookup: 'failed', failure: 'Could not reach the relayprobe server.' }).summary, 'Could not reach the relayprobe server.');
});

test('outcome colours: accepted strong is bad, refusals good, controls by expectation', () => {
  assert.equal(outcomeTone({ weight: 'strong', outcome: 'accepted' }), 'bad');
  assert.equal(outcomeTone({ weight: 'weak', outcome: 'accepted' }), 'doubtful');
  assert.equal(outcomeTone({ weight: 'strong', outcome: 'relay-denied' }), 'good');
  assert.equal(outcomeTone({ weight: 'strong', outcome: 'deferred' }), 'neutral');
  assert.equal(outcomeTone({ weight: 'control', outcome: 'accepted', expectationMet: true }), 'good');
  assert.equal(outcomeTone({ weight: 'control', outcome: 'accepted', expectationMet: false }), 'doubtful');
  assert.equal(outcomeTone({ weight: 'control', outcome: 'not-run', expectationMet: null }), 'neutral');
});
