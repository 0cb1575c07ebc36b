// "Copy as command" and "Run again" (src/features/result/actions/command-line.ts): the CLI line
// for the same request, quoted so a shell reads the target as one word, and the same body again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandLine, repeatBody, shellQuote } from '../src/features/result/actions/command-line.js';

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
  assert.deepEqual(repeatBody(base), { target: 'mail.example.com', port: 25, suite: 'standard', tls: 'auto' });
  assert.deepEqual(repeatBody({ ...base, sendMessage: true, to: 'me@example.org' }), { target: 'mail.example.com', port: 25, suite: 'standard', tls: 'auto', sendMessage: true, to: 'me@example.org' });
  const stored = { ...base, helo: 'prober.example.net', testDomain: 'example.com', timeoutSeconds: 30 };
  assert.deepEqual(Object.keys(repeatBody(stored)).sort(), ['port', 'suite', 'target', 'tls']);
});
