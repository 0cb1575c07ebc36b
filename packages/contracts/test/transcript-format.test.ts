// The plain-text transcript and display escaping: server bytes can never drive a terminal or
// reorder text (ANSI escapes, U+202E, NUL), and the swaks arrows are right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeForDisplay, explainEnhancedStatus, formatEvent, formatTranscript, type ProbeEvent } from '../src/index.js';

test('control, bidi and separator characters become visible escapes', () => {
  assert.equal(escapeForDisplay('a\x00b\x1b[31mc\u202Ed\u2028e\x7f\tf'), 'a\\x00b\\e[31mc\\u202ed\\u2028e\\x7f\\tf');
  assert.equal(escapeForDisplay('<img src=x onerror=alert(1)>'), '<img src=x onerror=alert(1)>', 'markup stays text: renderers must not interpret it');
});

test('replies use <- (or <~ in TLS) with the milliseconds on the last line', () => {
  const reply: ProbeEvent = { type: 'reply', seq: 3, ms: 10, phase: 'ehlo', tls: true, code: 250, lines: ['250-mx.example', '250 PIPELINING'], elapsedMs: 7, flags: [] };
  assert.deepEqual(formatEvent(reply), ['<~  250-mx.example', '<~  250 PIPELINING  (7 ms)']);
  const command: ProbeEvent = { type: 'command', seq: 2, ms: 3, phase: 'ehlo', tls: false, text: 'EHLO me.example' };
  assert.deepEqual(formatEvent(command), [' -> EHLO me.example']);
});

test('a hostile banner is escaped in the transcript', () => {
  const text = formatTranscript([{ type: 'reply', seq: 1, ms: 1, phase: 'greeting', tls: false, code: 220, lines: ['220 x \x1b[2J\u202Eevil\x00'], elapsedMs: 1, flags: [] }]);
  assert.ok(!/[\x00-\x09\x0b-\x1f\u202e]/.test(text));
  assert.match(text, /\\e\[2J\\u202eevil\\x00/);
});

test('enhanced status codes are explained', () => {
  assert.match(explainEnhancedStatus('5.7.1') ?? '', /Permanent failure: Delivery not authorized/);
  assert.match(explainEnhancedStatus('4.7.1') ?? '', /^Temporary failure/);
  assert.equal(explainEnhancedStatus('6.0.0'), undefined);
});
