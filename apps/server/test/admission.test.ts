// Admission alone (probes/admission.ts): the order of the checks, the place every admitted probe
// holds until it is released, the per-target limits with their links, and shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admission, preparationRefusal, type AdmissionOptions } from '../src/probes/admission.js';

const admission = (options: Partial<AdmissionOptions> = {}) => new Admission({ capacity: 3, targetHourlyLimit: 5, linkTo: (id) => `/r/${id}`, ...options });

function admitted(gate: Admission, id: string, key: string) {
  const outcome = gate.admit(id, key);
  assert.ok(outcome.ok, JSON.stringify(outcome));
  return outcome.admitted;
}

test('capacity: the probe after the last place gets 503 queue-full; a release frees a place', () => {
  const gate = admission({ capacity: 2 });
  const first = admitted(gate, 'a', '25 192.0.2.1');
  admitted(gate, 'b', '25 192.0.2.2');
  assert.deepEqual(gate.admit('c', '25 192.0.2.3'), { ok: false, status: 503, code: 'queue-full', message: 'Too many probes are waiting; try again in a minute.' });
  assert.equal(gate.held, 2);
  gate.release(first);
  assert.equal(gate.held, 1);
  admitted(gate, 'c', '25 192.0.2.3');
});

test('release is idempotent: a second release frees nothing more', () => {
  const gate = admission({ capacity: 2 });
  const first = admitted(gate, 'a', '25 192.0.2.1');
  admitted(gate, 'b', '25 192.0.2.2');
  gate.release(first);
  gate.release(first);
  assert.equal(gate.held, 1);
  admitted(gate, 'c', '25 192.0.2.3');
  assert.equal(gate.admit('d', '25 192.0.2.4').ok, false, 'still two places at most');
});

test('one probe per target at a time: 429 target-busy links to the running one, until it is released', () => {
  const gate = admission();
  const running = admitted(gate, 'first', '25 192.0.2.1');
  assert.deepEqual(gate.admit('second', '25 192.0.2.1'), {
    ok: false,
    status: 429,
    code: 'target-busy',
    message: 'A probe of this server is already running: watch it at /r/first',
  });
  admitted(gate, 'other-port', '587 192.0.2.1');
  gate.release(running);
  admitted(gate, 'second', '25 192.0.2.1');
});

test('a few an hour per target: 429 target-rate-limited links to the latest, and the hour passes', () => {
  let now = 1_000_000;
  const gate = admission({ targetHourlyLimit: 2, now: () => now });
  gate.release(admitted(gate, 'one', '25 192.0.2.1'));
  gate.release(admitted(gate, 'two', '25 192.0.2.1'));
  assert.deepEqual(gate.admit('three', '25 192.0.2.1'), {
    ok: false,
    status: 429,
    code: 'target-rate-limited',
    message: 'This server was probed 2 times in the last hour; see the latest result at /r/two',
  });
  now += 60 * 60 * 1000 + 1;
  admitted(gate, 'three', '25 192.0.2.1');
});

test('the target is checked before the capacity: a busy target says so even when the queue is full', () => {
  const gate = admission({ capacity: 1 });
  admitted(gate, 'first', '25 192.0.2.1');
  const outcome = gate.admit('second', '25 192.0.2.1');
  assert.equal(outcome.ok ? 'admitted' : outcome.code, 'target-busy');
});

test('a refused probe holds nothing: no place, no target slot', () => {
  const gate = admission({ capacity: 1 });
  const first = admitted(gate, 'first', '25 192.0.2.1');
  assert.equal(gate.admit('second', '25 192.0.2.2').ok, false);
  assert.equal(gate.held, 1);
  gate.release(first);
  admitted(gate, 'third', '25 192.0.2.2');
});

test('closed: every probe is refused with 503 shutting-down, before any other check', () => {
  const gate = admission();
  assert.equal(gate.refusalWhenClosed(), undefined);
  const held = admitted(gate, 'first', '25 192.0.2.1');
  gate.close();
  assert.equal(gate.closed, true);
  const refusal = { ok: false, status: 503, code: 'shutting-down', message: 'The server is shutting down; try again in a moment.' };
  assert.deepEqual(gate.refusalWhenClosed(), refusal);
  assert.deepEqual(gate.admit('second', '25 192.0.2.1'), refusal, 'not target-busy');
  gate.release(held);
  assert.equal(gate.held, 0, 'probes admitted before the close are still released');
});

test('preparation refusals: the address policy and ports are 403, bad input is 400, the field is kept', () => {
  assert.deepEqual(preparationRefusal({ ok: false, code: 'address-refused', field: 'target', message: 'no' }), { ok: false, status: 403, code: 'address-refused', message: 'no', field: 'target' });
  assert.deepEqual(preparationRefusal({ ok: false, code: 'port-not-allowed', field: 'port', message: 'no' }), { ok: false, status: 403, code: 'port-not-allowed', message: 'no', field: 'port' });
  assert.deepEqual(preparationRefusal({ ok: false, code: 'invalid-target', field: 'target', message: 'bad' }), { ok: false, status: 400, code: 'invalid-target', message: 'bad', field: 'target' });
  assert.deepEqual(preparationRefusal({ ok: false, code: 'invalid-option', message: 'bad' }), { ok: false, status: 400, code: 'invalid-option', message: 'bad' });
});
