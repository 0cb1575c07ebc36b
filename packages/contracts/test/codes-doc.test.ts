// docs/error-codes.md documents every registered code; this keeps them in step (HOUSE-STYLE rule 7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { API_ERROR_CODES, ERROR_CODES, REASON_CODES, VERDICT_CODES, VECTOR_OUTCOMES, isErrorCode } from '../src/index.js';

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
