// Change detection of watches (issue 14, "Alerts on change, not on every run"): a verdict class
// transition, STARTTLS appearing or disappearing, the certificate entering its last 14 days or
// becoming invalid, reachable <-> unreachable only after two failed runs in a row; each in both
// directions; nothing on the first run or on an unchanged one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VERDICT_LABELS, type VerdictCode, type WatchState } from '@relayprobe/contracts';
import { evaluateRun, type RunFindings } from '../src/watches/change-detection.js';

const where = 'mx.example.com port 25';
let n = 0;
const run = () => ({ probeId: `probe-${++n}`, at: new Date(Date.UTC(2030, 0, 1, 0, n)).toISOString() });
const found = (code: VerdictCode, extra: Partial<RunFindings> = {}): RunFindings => ({ verdict: { code, label: VERDICT_LABELS[code] }, ...extra });
const cert = (daysLeft: number, valid = true) => ({ validTo: '2030-02-01T00:00:00.000Z', daysLeft, valid, ...(valid ? {} : { problem: 'CERT_HAS_EXPIRED' }) });

/** Feed runs one after another; the change kinds of each. */
function sequence(...runs: RunFindings[]): string[][] {
  let state: WatchState = { failures: 0 };
  return runs.map((findings) => {
    const evaluation = evaluateRun(state, findings, run(), where);
    state = evaluation.state;
    return evaluation.changes.map((c) => c.kind);
  });
}

test('the first run sets the baseline and alerts nothing, even an open relay', () => {
  assert.deepEqual(sequence(found('open')), [[]]);
  assert.deepEqual(sequence(found('closed', { starttls: true, certificate: cert(3) })), [[]]);
});

test('closed -> open -> open -> closed: one alert on each transition, none on the unchanged run', () => {
  assert.deepEqual(sequence(found('closed'), found('open'), found('open'), found('closed')), [[], ['verdict'], [], ['verdict']]);
});

test('within one class nothing is alerted (accepts-all <-> suspicious); across classes it is', () => {
  assert.deepEqual(sequence(found('accepts-all'), found('suspicious'), found('closed'), found('inconclusive')), [[], [], ['verdict'], ['verdict']]);
});

test('unreachable only after two failed runs in a row; one blip alerts nothing; recovery alerts once', () => {
  assert.deepEqual(sequence(found('closed'), found('unreachable'), found('closed')), [[], [], []], 'a blip');
  assert.deepEqual(sequence(found('closed'), found('unreachable'), found('unreachable'), found('unreachable'), found('closed'), found('closed')), [[], [], ['unreachable'], [], ['reachable'], []]);
});

test('the alert states: previous and current carry the verdicts (the unreachable one after the second failure)', () => {
  let state: WatchState = { failures: 0 };
  for (const f of [found('closed'), found('unreachable')]) state = evaluateRun(state, f, run(), where).state;
  const second = evaluateRun(state, found('unreachable'), run(), where);
  assert.equal(second.previous?.verdict.code, 'closed');
  assert.equal(second.current?.verdict.code, 'unreachable');
  assert.equal(second.current?.reachable, false);
  const flip = evaluateRun({ failures: 0, verdict: { code: 'closed', label: VERDICT_LABELS.closed }, reachable: true, probeId: 'p0' }, found('open'), run(), where);
  assert.deepEqual([flip.previous?.verdict.code, flip.current?.verdict.code, flip.previous?.probeId], ['closed', 'open', 'p0']);
  assert.match(flip.changes[0]?.text ?? '', /now "Open relay" \(was "Not an open relay"\)/);
});

test('STARTTLS disappearing and coming back; unknown (no session) is not a change', () => {
  assert.deepEqual(sequence(found('closed', { starttls: true }), found('closed', { starttls: false }), found('closed'), found('closed', { starttls: true })), [
    [],
    ['starttls-lost'],
    [],
    ['starttls-offered'],
  ]);
});

test('a change across an outage still alerts: what the unreachable runs could not see is kept as last known', () => {
  assert.deepEqual(sequence(found('closed', { starttls: true }), found('unreachable'), found('unreachable'), found('closed', { starttls: false })), [
    [],
    [],
    ['unreachable'],
    ['reachable', 'starttls-lost'],
  ]);
});

test('the certificate entering its last 14 days, renewed, invalid, valid again', () => {
  assert.deepEqual(
    sequence(found('closed', { certificate: cert(30) }), found('closed', { certificate: cert(15) }), found('closed', { certificate: cert(14) }), found('closed', { certificate: cert(13) })),
    [[], [], ['certificate-expiring'], []],
  );
  assert.deepEqual(sequence(found('closed', { certificate: cert(5) }), found('closed', { certificate: cert(90) })), [[], ['certificate-renewed']]);
  assert.deepEqual(sequence(found('closed', { certificate: cert(90) }), found('closed', { certificate: cert(90, false) }), found('closed', { certificate: cert(90) })), [
    [],
    ['certificate-invalid'],
    ['certificate-valid'],
  ]);
  assert.deepEqual(sequence(found('closed', { certificate: cert(20) }), found('closed', { certificate: cert(-1, false) })), [[], ['certificate-expiring', 'certificate-invalid']]);
});

test('several changes in one run are one alert with every change', () => {
  assert.deepEqual(sequence(found('closed', { starttls: true, certificate: cert(60) }), found('open', { starttls: false, certificate: cert(60, false) })), [
    [],
    ['verdict', 'starttls-lost', 'certificate-invalid'],
  ]);
});
