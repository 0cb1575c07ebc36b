// The queue alone (probes/probe-queue.ts): at most maxConcurrent run, the rest wait in arrival
// order, a slot frees only through done(), and whenIdle() waits for the last one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProbeQueue } from '../src/probes/probe-queue.js';

function queueOf(maxConcurrent: number) {
  const started: string[] = [];
  const queue = new ProbeQueue<string>(maxConcurrent, (item) => started.push(item));
  return { queue, started };
}

test('up to maxConcurrent start at once; the rest wait, and enqueue says which', () => {
  const { queue, started } = queueOf(2);
  assert.equal(queue.enqueue('a'), true);
  assert.equal(queue.enqueue('b'), true);
  assert.equal(queue.enqueue('c'), false);
  assert.deepEqual(started, ['a', 'b']);
  assert.equal(queue.running, 2);
  assert.equal(queue.waiting, 1);
});

test('done() frees the slot for the oldest waiting item, in arrival order', () => {
  const { queue, started } = queueOf(1);
  for (const item of ['a', 'b', 'c', 'd']) queue.enqueue(item);
  queue.done('a');
  assert.deepEqual(started, ['a', 'b']);
  queue.done('b');
  queue.done('c');
  assert.deepEqual(started, ['a', 'b', 'c', 'd']);
  assert.equal(queue.waiting, 0);
  assert.equal(queue.running, 1);
});

test('done() of an item that is not running frees no slot', () => {
  const { queue, started } = queueOf(1);
  queue.enqueue('a');
  queue.enqueue('b');
  queue.done('stranger');
  queue.done('b');
  assert.deepEqual(started, ['a']);
  assert.equal(queue.running, 1);
});

test('drain() takes the waiting items out, oldest first; they never run', () => {
  const { queue, started } = queueOf(1);
  for (const item of ['a', 'b', 'c']) queue.enqueue(item);
  assert.deepEqual(queue.drain(), ['b', 'c']);
  queue.done('a');
  assert.deepEqual(started, ['a']);
  assert.equal(queue.running, 0);
});

test('whenIdle() resolves at once when empty, else after the last done()', async () => {
  const { queue } = queueOf(2);
  await queue.whenIdle();
  queue.enqueue('a');
  queue.enqueue('b');
  queue.enqueue('c');
  let idle = false;
  const waiting = queue.whenIdle().then(() => (idle = true));
  queue.done('a');
  queue.done('b');
  await Promise.resolve();
  assert.equal(idle, false, 'c still runs');
  queue.done('c');
  await waiting;
  assert.equal(idle, true);
});

test('an item that run() ends at once frees its slot for the next one', () => {
  const started: string[] = [];
  const queue: ProbeQueue<string> = new ProbeQueue<string>(1, (item) => {
    started.push(item);
    if (item === 'quick') queue.done(item);
  });
  queue.enqueue('slow');
  queue.enqueue('quick');
  queue.enqueue('last');
  queue.done('slow');
  assert.deepEqual(started, ['slow', 'quick', 'last']);
  assert.equal(queue.running, 1);
});
