// The splitter behind every record and every command the fake servers read, fed the same bytes
// split at every offset (HOUSE-STYLE: "the line splitter tested alone").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter } from '../src/line-splitter.js';

const INPUT = Buffer.from('EHLO a\r\nNOOP\r\r\nRSET\n\r\nMAIL FROM:<é@x>\r\npartial', 'utf8');
const LINES = ['EHLO a', 'NOOP\r', 'RSET', '', 'MAIL FROM:<é@x>'];

test('lines are the same wherever the input is split', () => {
  for (let cut = 0; cut <= INPUT.length; cut++) {
    const splitter = new LineSplitter();
    const lines = [...splitter.push(INPUT.subarray(0, cut)), ...splitter.push(INPUT.subarray(cut))];
    assert.deepEqual(lines, LINES, `cut at ${cut}`);
    assert.equal(splitter.pendingBytes, 'partial'.length);
    assert.equal(splitter.takeRest(), 'partial');
    assert.equal(splitter.takeRest(), null);
  }
});

test('byte by byte, and clear() drops the partial line', () => {
  const splitter = new LineSplitter();
  const lines: string[] = [];
  for (const byte of INPUT) lines.push(...splitter.push(Buffer.from([byte])));
  assert.deepEqual(lines, LINES);
  splitter.clear();
  assert.equal(splitter.pendingBytes, 0);
  assert.deepEqual(splitter.push(Buffer.from('next\r\n')), ['next']);
});
