// The suite sizes that texts name (contracts SUITE_SIZES, which the page's suite choices and the
// CLI help print) are the vector registry's, and the README says the same numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CONTROL_COUNT, SUITE_SIZES } from '@relayprobe/contracts';
import { CONTROLS, RELAY_VECTORS, SUITE_VECTORS } from '../src/relay-vectors.js';

test("SUITE_SIZES and CONTROL_COUNT are the registry's counts", () => {
  assert.deepEqual(SUITE_SIZES, { quick: SUITE_VECTORS.quick.length, standard: SUITE_VECTORS.standard.length, thorough: SUITE_VECTORS.thorough.length });
  assert.equal(SUITE_SIZES.thorough, RELAY_VECTORS.length);
  assert.equal(CONTROL_COUNT, CONTROLS.length);
});

test("the README names the registry's numbers wherever it counts vectors or tests of a suite", () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const counted = [...readme.matchAll(/\b(\d+) (?:vectors|relay vectors|address tricks)\b/g)].map((m) => Number(m[1]));
  assert.ok(counted.length > 0, 'the README counts the vectors somewhere');
  for (const n of counted) assert.ok(n === RELAY_VECTORS.length || n === SUITE_VECTORS.standard.length, `README says ${n} vectors`);
  const allN = [...readme.matchAll(/\ball (\d+)\b/g)].map((m) => Number(m[1]));
  for (const n of allN) assert.equal(n, RELAY_VECTORS.length, `README says "all ${n}"`);
});
