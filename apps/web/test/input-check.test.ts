// The form's checks before sending (src/features/probe-form/input-check.ts): what the server's
// grammar refuses is refused with the server's sentence (in the page's words); what it accepts
// passes, surrounding spaces and tabs included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkForm, portProblem, recipientProblem, targetProblem } from '../src/features/probe-form/input-check.js';
import { INITIAL_FORM } from '../src/store/form-slice.js';

const refused: [string, RegExp][] = [
  ['', /Enter a mail server/],
  ['mail example.com', /whitespace \(U\+0020 at position 5\)/],
  ['mail.example.com\n', /control/],
  ['mail\u0000.example.com', /control/],
  ['mail\u001b[31m.example.com', /\\e\[31m.* control/],
  ['\u202emoc.elpmaxe', /\\u202e.* control/],
  ['mail.example.com:25', /includes a port/],
  ['192.0.2.1:587', /includes a port/],
  ['[2001:db8::1]:25', /includes a port/],
  ['user@mail.example.com:25', /includes a port/],
  ['https://mail.example.com/', /URL/],
  ['smtp://mail.example.com', /URL/],
  ['mailto:postmaster@example.com', /URL/],
  ['mail.example.com/path', /contains "\/"/],
  ['user@', /no domain/],
  ['2130706433', /four decimal parts/],
  ['127.1', /exactly four \(a\.b\.c\.d\)/],
  ['0x7f.1', /four decimal parts/],
  ['0177.0.0.1', /leading zero/],
  ['012.0.0.1', /leading zero/],
  ['256.1.1.1', /greater than 255/],
  ['x'.repeat(321), /321 characters/],
];

const accepted = [
  'mail.example.com',
  'example.com',
  'MX1.Example.COM',
  '192.0.2.1',
  '2001:db8::1',
  '[2001:db8::1]',
  '[IPv6:2001:db8::1]',
  '[192.0.2.1]',
  'postmaster@example.com',
  'a/b@example.com',
  'bücher.example',
  'xn--bcher-kva.example',
  '127.0.0.1',
  ' mail.example.com',
  'mail.example.com\t',
];

test('plainly wrong targets are refused, each with its reason', () => {
  for (const [input, reason] of refused) {
    const problem = targetProblem(input);
    assert.ok(problem, `${JSON.stringify(input)} should be refused`);
    assert.match(problem, reason, JSON.stringify(input));
  }
});

test('targets in the server grammar pass', () => {
  for (const input of accepted) assert.equal(targetProblem(input), undefined, input);
});

test('messages show control characters as escapes, never raw', () => {
  const problem = targetProblem('a\u202eb') ?? '';
  assert.doesNotMatch(problem, /\u202e/);
});

test('ports: decimal 1 to 65535, no sign or leading zero', () => {
  for (const port of ['25', '465', '587', '2525', '1', '65535']) assert.equal(portProblem(port), undefined, port);
  for (const port of ['', '0', '65536', '025', '+25', '25abc', '2 5', '-1', '1e3']) assert.ok(portProblem(port), port);
});

test('the recipient is optional, and one address when given', () => {
  assert.equal(recipientProblem(''), undefined);
  assert.equal(recipientProblem('me@example.org'), undefined);
  assert.ok(recipientProblem('me example.org'));
  assert.ok(recipientProblem('me@example.org\r\nRCPT TO:<x@y>'));
  assert.ok(recipientProblem('no-at-sign'));
});

test('the whole form: the first problem with its field, or the request body', () => {
  assert.deepEqual(checkForm({ ...INITIAL_FORM, target: '' }), { ok: false, field: 'target', message: targetProblem('') });
  assert.equal(checkForm({ ...INITIAL_FORM, target: 'mx.example.com', port: '0' }).ok, false);
  assert.deepEqual(checkForm({ ...INITIAL_FORM, target: 'mx.example.com', sendMessage: true, to: 'bad address' }), { ok: false, field: 'to', message: recipientProblem('bad address') });
  assert.deepEqual(checkForm({ ...INITIAL_FORM, target: 'mx.example.com' }), { ok: true, body: { target: 'mx.example.com', port: 25, suite: 'standard', tls: 'auto' } });
  assert.deepEqual(checkForm({ ...INITIAL_FORM, target: 'mx.example.com', port: '587', suite: 'quick', tls: 'starttls', sendMessage: true, to: 'me@example.org' }), {
    ok: true,
    body: { target: 'mx.example.com', port: 587, suite: 'quick', tls: 'starttls', sendMessage: true, to: 'me@example.org' },
  });
  assert.deepEqual(checkForm({ ...INITIAL_FORM, target: 'mx.example.com', sendMessage: false, to: 'ignored' }), {
    ok: true,
    body: { target: 'mx.example.com', port: 25, suite: 'standard', tls: 'auto' },
  });
});
