// The vector registry is data (HOUSE-STYLE rule 6); docs/relay-vectors.md documents it. This
// test keeps the two in step and checks the suites of RELAY-TESTS.md §2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CONTROLS, RELAY_VECTORS, SUITE_VECTORS, fillTemplate, usesLocalName } from '../src/relay-vectors.js';

const doc = readFileSync(new URL('../../../docs/relay-vectors.md', import.meta.url), 'utf8');
const rows = doc
  .split('\n')
  .filter((line) => /^\| [RC]\d+ \|/.test(line))
  .map((line) =>
    line
      .slice(2, -2)
      .split(/(?<!\\) \| /)
      .map((cell) => cell.replace(/\\\|/g, '|').replace(/^`|`$/g, '')),
  );

test('docs/relay-vectors.md lists every vector and control exactly as registered', () => {
  const documented = new Map(rows.map((r) => [r[0], r]));
  for (const vector of [...RELAY_VECTORS, ...CONTROLS]) {
    const row = documented.get(vector.id);
    assert.ok(row, `${vector.id} missing from the doc`);
    assert.equal(row[1], vector.mailFrom, `${vector.id} MAIL FROM`);
    assert.equal(row[2], vector.rcptTo, `${vector.id} RCPT TO`);
    assert.equal(row[3], vector.name, `${vector.id} name`);
    if (vector.weight !== 'control') assert.equal(row[4], vector.weight, `${vector.id} weight`);
  }
  assert.equal(rows.length, RELAY_VECTORS.length + CONTROLS.length, 'no extra rows');
});

test('R01..R23 in order, with the weights of RELAY-TESTS.md §2', () => {
  assert.deepEqual(
    RELAY_VECTORS.map((v) => v.id),
    Array.from({ length: 23 }, (_, i) => `R${String(i + 1).padStart(2, '0')}`),
  );
  const weak = RELAY_VECTORS.filter((v) => v.weight === 'weak').map((v) => v.id);
  assert.deepEqual(weak, ['R09', 'R10', 'R19', 'R22', 'R23']);
});

test('suites: quick = R01; standard = nmap set + R02, R04, R07; thorough = all', () => {
  assert.deepEqual(SUITE_VECTORS.quick, ['R01']);
  const nmap = ['R01', 'R03', 'R05', 'R06', 'R09', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15', 'R17', 'R18', 'R19', 'R20', 'R21'];
  assert.deepEqual([...SUITE_VECTORS.standard].sort(), [...nmap, 'R02', 'R04', 'R07'].sort());
  assert.equal(SUITE_VECTORS.thorough.length, 23);
});

test('templates fill to the documented forms, and never to "<r@[IP]>" (local delivery, not a vector)', () => {
  const values = { x: 'x', r: 'r', ext: 'ext.example', T: 'mx.target.example', IP: '[192.0.2.1]', invalid: 'n.invalid' };
  const byId = new Map(RELAY_VECTORS.map((v) => [v.id, v]));
  assert.equal(fillTemplate(byId.get('R17')!.rcptTo, values), '<@[192.0.2.1]:r@ext.example>');
  assert.equal(fillTemplate(byId.get('R11')!.rcptTo, values), '<r%ext.example@mx.target.example>');
  assert.equal(fillTemplate(byId.get('R08')!.mailFrom, values), '<ext.example!x>');
  assert.equal(fillTemplate('<{x}@{T}>', { ...values, T: undefined }), undefined);
  for (const v of RELAY_VECTORS) assert.notEqual(fillTemplate(v.rcptTo, values), '<r@[192.0.2.1]>', v.id);
  assert.deepEqual(
    RELAY_VECTORS.filter(usesLocalName).map((v) => v.id),
    ['R05', 'R11', 'R15', 'R16', 'R18', 'R21'],
  );
});
