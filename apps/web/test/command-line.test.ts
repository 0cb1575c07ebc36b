// "Copy as command" and "Run again": the CLI line for the same request
// (src/features/result/actions/command-line.ts), quoted so a shell reads the target as one word,
// and the same body again (src/api/probe-body.ts, the builder the form uses too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probeBody } from '../src/api/probe-body.js';
import { checkForm } from '../src/features/probe-form/input-check.js';
import { commandLine, shellQuote } from '../src/features/result/actions/command-line.js';
import { INITIAL_FORM } from '../src/store/form-slice.js';

const base = { target: 'mail.example.com', port: 25, suite: 'standard', tls: 'auto', sendMessage: false } as const;

test('the plain request names port, suite and TLS mode', () => {
  assert.equal(commandLine(base), 'relayprobe mail.example.com --port 25 --suite standard --tls auto');
  assert.equal(commandLine({ ...base, target: '192.0.2.1', port: 587, suite: 'thorough', tls: 'starttls' }), 'relayprobe 192.0.2.1 --port 587 --suite thorough --tls starttls');
});

test('the delivery stage adds --send-message, and --to only when a recipient was given', () => {
  assert.equal(commandLine({ ...base, sendMessage: true }), 'relayprobe mail.example.com --port 25 --suite standard --tls auto --send-message');
  assert.equal(commandLine({ ...base, sendMessage: true, to: '' }), 'relayprobe mail.example.com --port 25 --suite standard --tls auto --send-message');
  assert.equal(commandLine({ ...base, sendMessage: true, to: 'me@example.org' }), 'relayprobe mail.example.com --port 25 --suite standard --tls auto --send-message --to me@example.org');
  assert.equal(commandLine({ ...base, sendMessage: false, to: 'me@example.org' }), 'relayprobe mail.example.com --port 25 --suite standard --tls auto');
});

test('targets a shell would read differently are single-quoted', () => {
  assert.equal(shellQuote('postmaster@example.com'), 'postmaster@example.com');
  assert.equal(shellQuote('2001:db8::1'), '2001:db8::1');
  assert.equal(shellQuote('[2001:db8::1]'), "'[2001:db8::1]'");
  assert.equal(shellQuote('a!b$c@example.com'), "'a!b$c@example.com'");
  assert.equal(shellQuote("o'brien@example.com"), "'o'\\''brien@example.com'");
  assert.equal(shellQuote('"quoted"@example.com'), `'"quoted"@example.com'`);
  assert.equal(shellQuote('*.example.com'), "'*.example.com'");
  assert.equal(commandLine({ ...base, target: "o'brien@example.com" }), "relayprobe 'o'\\''brien@example.com' --port 25 --suite standard --tls auto");
});

test('"Run again" posts the same options, and nothing the visitor did not choose', () => {
  assert.deepEqual(probeBody(base), { target: 'mail.example.com', port: 25, suite: 'standard', tls: 'auto' });
  assert.deepEqual(probeBody({ ...base, sendMessage: true, to: 'me@example.org' }), { target: 'mail.example.com', port: 25, suite: 'standard', tls: 'auto', sendMessage: true, to: 'me@example.org' });
  assert.deepEqual(probeBody({ ...base, sendMessage: true, to: '' }), { target: 'mail.example.com', port: 25, suite: 'standard', tls: 'auto', sendMessage: true });
  assert.deepEqual(probeBody({ ...base, sendMessage: false, to: 'me@example.org' }), { target: 'mail.example.com', port: 25, suite: 'standard', tls: 'auto' });
  const stored = { ...base, helo: 'prober.example.net', testDomain: 'example.com', timeoutSeconds: 30 };
  assert.deepEqual(Object.keys(probeBody(stored)).sort(), ['port', 'suite', 'target', 'tls']);
});

test('the form and "Run again" build the same body for the same choices', () => {
  const fields = { ...INITIAL_FORM, target: 'mx.example.com', port: '587', suite: 'quick', tls: 'starttls', sendMessage: true, to: 'me@example.org' } as const;
  const checked = checkForm(fields);
  assert.ok(checked.ok);
  assert.deepEqual(checked.body, probeBody({ ...fields, port: 587 }));
});
