// Every error the engine emits and every cause it names is a registered code (HOUSE-STYLE rule 7):
// a typo here would reach users as an undocumented code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { REASON_CODES, isErrorCode } from '@relayprobe/contracts';

const srcDir = new URL('../src/', import.meta.url);
const source = readdirSync(srcDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(new URL(f, srcDir), 'utf8'))
  .join('\n');

test('every this.error(code) in the engine is a registered error code', () => {
  const codes = new Set([...source.matchAll(/this\.error\('([a-z0-9-]+)'/g)].map((m) => m[1] as string));
  assert.ok(codes.size >= 10, `found ${codes.size}`);
  for (const code of codes) assert.ok(isErrorCode(code), code);
});

test('every reader error code is a registered error code', () => {
  for (const code of ['malformed-reply', 'line-too-long', 'reply-too-large', 'session-too-large']) assert.ok(isErrorCode(code), code);
});

test('every failure reason and cause flag the engine names is a registered reason code', () => {
  const reasons = new Set([
    ...[...source.matchAll(/reason: '([a-z0-9-]+)'/g)].map((m) => m[1] as string),
    ...[...source.matchAll(/connectionUnusable\([^;]*'inconclusive', '([a-z0-9-]+)', '([a-z0-9-]+)'\)/g)].flatMap((m) => [m[1] as string, m[2] as string]),
    ...[...source.matchAll(/abortRemaining\('([a-z0-9-]+)'/g)].map((m) => m[1] as string),
  ]);
  assert.ok(reasons.size >= 6, `found ${[...reasons].join(', ')}`);
  for (const code of reasons) assert.ok(Object.hasOwn(REASON_CODES, code), code);
});
