// Small pure pieces: routes by path, the recent list's link text, the one status → label and tone
// mapping (VERDICT_LABELS exactly) and the status line, and the outcome colours that go with words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VERDICT_LABELS, VERDICT_CODES } from '@relayprobe/contracts';
import { resultPath, routeOf } from '../src/router/routes.js';
import { recentDetail } from '../src/features/recent/recent-label.js';
import { statusText } from '../src/features/result/verdict/verdict-text.js';
import { statusBadge } from '../src/shared/status-badge.js';
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

test('recent links: the target as typed, escaped, with port and suite', () => {
  const item = { target: 'mail.example.com', port: 25, suite: 'standard' } as const;
  assert.equal(recentDetail(item), 'mail.example.com port 25, standard suite');
  assert.equal(recentDetail({ ...item, target: 'evil\u202e.example', port: 587, suite: 'quick' }), 'evil\\u202e.example port 587, quick suite');
});

test('one status mapping (badge of a recent link, head of the status line): label and tone', () => {
  for (const code of VERDICT_CODES) {
    // VERDICT_LABELS, not whatever label the server sent.
    assert.deepEqual(statusBadge('complete', { code, label: 'whatever the server said' }), { label: VERDICT_LABELS[code], tone: code });
  }
  assert.deepEqual(statusBadge('running', undefined), { label: 'Running', tone: 'running' });
  assert.deepEqual(statusBadge('interrupted', { code: 'open', label: 'Open relay' }), { label: 'Interrupted', tone: 'interrupted' });
  assert.deepEqual(statusBadge('complete', undefined), { label: 'Complete', tone: 'waiting' });
  // The status line starts with the same badge.
  const shown = statusText({ ...emptyResult('a'), status: 'complete', doneVerdict: { code: 'closed', label: 'x' } });
  assert.deepEqual({ label: shown.label, tone: shown.tone }, statusBadge('complete', { code: 'closed', label: 'x' }));
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
