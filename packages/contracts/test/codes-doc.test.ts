// docs/error-codes.md documents every registered code; this keeps them in step (HOUSE-STYLE rule 7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { API_ERROR_CODES, ERROR_CODES, REASON_CODES, REPLY_FLAGS, RESULT_FLAGS, VERDICT_CODES, VECTOR_OUTCOMES, errorSide, isErrorCode } from '../src/index.js';

const doc = readFileSync(new URL('../../../docs/error-codes.md', import.meta.url), 'utf8');
const section = (title: string) => {
  const start = doc.indexOf(`## ${title}`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end === -1 ? undefined : end);
};
const codesIn = (text: string) => [...text.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);

test('every error code is documented with its side, and nothing else is', () => {
  const documented = codesIn(section('Error codes'));
  assert.deepEqual(documented, Object.keys(ERROR_CODES));
  for (const [code, info] of Object.entries(ERROR_CODES)) {
    assert.ok(section('Error codes').includes(`| \`${code}\` | ${info.side} |`), code);
  }
});

test('every reason code is documented, and nothing else is', () => {
  assert.deepEqual(codesIn(section('Reason codes')), Object.keys(REASON_CODES));
});

test('every API error code is documented, and nothing else is', () => {
  assert.deepEqual(codesIn(section('API error codes')), Object.keys(API_ERROR_CODES));
});

test('vector outcomes and verdict codes are documented', () => {
  assert.deepEqual(codesIn(section('Vector outcomes')), [...VECTOR_OUTCOMES]);
  assert.deepEqual(codesIn(section('Verdicts')), [...VERDICT_CODES]);
});

test('isErrorCode knows the registry', () => {
  assert.equal(isErrorCode('reply-timeout'), true);
  assert.equal(isErrorCode('toString'), false);
});

test('every reply flag and result flag is documented, each in its table, and nothing else is', () => {
  const flags = section('Flags');
  const split = flags.indexOf('### Result flags');
  assert.ok(split > 0, 'the Flags section has a Result flags table');
  assert.deepEqual(codesIn(flags.slice(0, split)), Object.keys(REPLY_FLAGS));
  assert.deepEqual(codesIn(flags.slice(split)), Object.keys(RESULT_FLAGS));
});

test('a result flag that names a cause has the name of a reason code', () => {
  const causes = [
    'greylisting',
    'rate-limited',
    'error-limit',
    'blocklisted',
    'starttls-unavailable',
    'not-run',
    'no-local-name',
    'too-long',
    'connection-lost',
    'tarpit',
    'protocol-error',
    'probe-deadline',
    'probe-aborted',
    'rcpt-252',
    'sender-domain-refused',
    'helo-refused',
  ];
  for (const flag of causes) {
    assert.ok(Object.hasOwn(RESULT_FLAGS, flag), `${flag} is a result flag`);
    assert.ok(Object.hasOwn(REASON_CODES, flag), `${flag} is a reason code`);
  }
});

test('errorSide reads the side from the registry', () => {
  assert.equal(errorSide('invalid-target'), 'ours');
  assert.equal(errorSide('reply-timeout'), 'server');
  for (const [code, info] of Object.entries(ERROR_CODES)) assert.equal(errorSide(code as keyof typeof ERROR_CODES), info.side);
});
