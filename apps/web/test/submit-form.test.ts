// Pressing Test (src/features/probe-form/submit-form.ts) with a fake API: invalid input sends
// nothing; success navigates to /r/<id> at once; a refusal shows the server's sentence; a 401
// asks for the token; the token goes with the request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CreateProbeBody, CreateProbeResponse } from '@relayprobe/contracts';
import type { ApiOutcome } from '../src/api/api-outcome.js';
import { submitForm } from '../src/features/probe-form/submit-form.js';
import { createAppStore } from '../src/store/app-store.js';

function setup(answer: ApiOutcome<CreateProbeResponse>) {
  const store = createAppStore();
  const calls: { body: CreateProbeBody; token: string }[] = [];
  const paths: string[] = [];
  const deps = {
    state: () => store.getState(),
    createProbe: async (body: CreateProbeBody, token: string) => {
      calls.push({ body, token });
      return answer;
    },
    navigate: (path: string) => void paths.push(path),
  };
  return { s: deps.state, calls, paths, submit: () => submitForm(deps) };
}

test('invalid input shows the problem and sends nothing', async () => {
  const t = setup({ ok: true, value: { id: 'x', url: '/r/x' } });
  for (const target of ['', 'mail example.com', 'mail.example.com:25', 'https://mail.example.com', 'a\u0007b']) {
    t.s().setField('target', target);
    await t.submit();
    assert.ok(t.s().form.problem, target);
    assert.equal(t.s().form.problemField, 'target');
  }
  t.s().setField('target', 'mail.example.com');
  t.s().setField('port', '99999');
  await t.submit();
  assert.equal(t.s().form.problemField, 'port');
  assert.equal(t.calls.length, 0);
  assert.equal(t.paths.length, 0);
});

test('valid input starts the probe and goes to its page', async () => {
  const t = setup({ ok: true, value: { id: 'AAAAAAAAAAAAAAAAAAAAAA', url: 'https://relayprobe.example/r/AAAAAAAAAAAAAAAAAAAAAA' } });
  t.s().setField('target', 'mail.example.com');
  t.s().setField('suite', 'quick');
  t.s().setProblem('an old problem', 'target');
  await t.submit();
  assert.deepEqual(t.calls, [{ body: { target: 'mail.example.com', port: 25, suite: 'quick', tls: 'auto' }, token: '' }]);
  assert.deepEqual(t.paths, ['/r/AAAAAAAAAAAAAAAAAAAAAA']);
  assert.equal(t.s().form.problem, undefined);
  assert.equal(t.s().form.submitting, false);
});

test("a refusal shows the server's sentence on the field it names", async () => {
  const t = setup({ ok: false, status: 403, code: 'port-not-allowed', message: 'Port 2525 is not allowed on this server.', field: 'port' });
  t.s().setField('target', 'mail.example.com');
  t.s().setField('port', '2525');
  await t.submit();
  assert.equal(t.s().form.problem, 'Port 2525 is not allowed on this server.');
  assert.equal(t.s().form.problemField, 'port');
  assert.equal(t.paths.length, 0);
});

test('a 401 asks for the access token, which is then sent', async () => {
  const t = setup({ ok: false, status: 401, code: 'unauthorized', message: 'This server requires a token to start probes (Authorization: Bearer <token>).' });
  t.s().setField('target', 'mail.example.com');
  await t.submit();
  assert.equal(t.s().auth.tokenNeeded, true);
  assert.match(t.s().form.problem ?? '', /requires a token/);
  t.s().setToken('s3cret');
  await t.submit();
  assert.equal(t.calls[1]?.token, 's3cret');
});
