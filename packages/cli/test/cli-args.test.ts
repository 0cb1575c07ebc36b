// Flag parsing: the DESIGN.md contract, and one-line errors for bad flags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine, USAGE } from '../src/args.js';

test('every contract flag maps to a probe option', () => {
  const parsed = parseCommandLine([
    'mail.example.com',
    '--port',
    '587',
    '--suite',
    'thorough',
    '--tls',
    'starttls',
    '--helo',
    'me.example',
    '--test-domain',
    'mine.example',
    '--source-address',
    '192.0.2.5',
    '--timeout',
    '12',
    '--send-message',
    '--to',
    'a@b.example',
    '--json',
  ]);
  assert.equal(parsed.kind, 'probe');
  if (parsed.kind !== 'probe') return;
  assert.equal(parsed.json, true);
  assert.deepEqual(parsed.options, {
    target: 'mail.example.com',
    allowedPorts: 'any',
    allowPrivate: true,
    sendMessage: true,
    port: '587',
    suite: 'thorough',
    tls: 'starttls',
    helo: 'me.example',
    testDomain: 'mine.example',
    sourceAddress: '192.0.2.5',
    timeoutSeconds: '12',
    to: 'a@b.example',
  });
});

test('--deny-private turns the private-address allowance off', () => {
  const parsed = parseCommandLine(['10.0.0.1', '--deny-private']);
  assert.equal(parsed.kind === 'probe' && parsed.options.allowPrivate, false);
});

test('unknown flags, missing values and extra targets are one-line errors', () => {
  for (const argv of [['x.example', '--bogus'], ['x.example', '--port'], ['a.example', 'b.example'], []]) {
    const parsed = parseCommandLine(argv);
    assert.equal(parsed.kind, 'error', argv.join(' '));
    assert.ok(parsed.kind === 'error' && !parsed.message.includes('\n'), parsed.kind === 'error' ? parsed.message : '');
  }
});

test('--help explains every flag', () => {
  assert.equal(parseCommandLine(['--help']).kind, 'help');
  for (const flag of ['--port', '--suite', '--tls', '--helo', '--test-domain', '--source-address', '--timeout', '--send-message', '--to', '--json', '--deny-private']) {
    assert.ok(USAGE.includes(flag), flag);
  }
  assert.match(USAGE, /0 not an open relay, 2 open relay, 3 suspicious or accepts every recipient,\s+4 inconclusive, 5 unreachable, 1 usage/);
});
