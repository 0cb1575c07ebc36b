// The watch scheduler on a clock the test moves: 1,000 watches with the same interval are spread
// over it (deterministically, the same slots after a restart), at most maxInFlight scheduled runs
// go at once and the rest start as runs end, a refused start is retried, a removed watch never
// starts, and a watch never starts while its previous run is in flight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WatchScheduler, phaseOf, slotAtOrAfter, type LaunchOutcome } from '../src/watches/watch-scheduler.js';
import { fakeClock, until } from './helpers/fake-clock.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ids = Array.from({ length: 1000 }, (_, i) => `watch-${String(i).padStart(4, '0')}-${(i * 7919).toString(36)}`);

test('1,000 watches with a 24 h interval: every hour of the day gets its share, no two minutes hold a crowd', () => {
  const start = Date.parse('2030-01-01T00:00:00.000Z');
  const slots = ids.map((id) => slotAtOrAfter(id, DAY, start));
  for (const slot of slots) assert.ok(slot >= start && slot < start + DAY);
  const perHour = new Array<number>(24).fill(0);
  for (const slot of slots) perHour[Math.floor((slot - start) / HOUR)]! += 1;
  // 1000 / 24 = 41.7 per hour; a uniform hash stays well inside 20..70.
  assert.ok(Math.min(...perHour) >= 20 && Math.max(...perHour) <= 70, `per hour: ${perHour.join(' ')}`);
  const perMinute = new Map<number, number>();
  for (const slot of slots) perMinute.set(Math.floor(slot / 60_000), (perMinute.get(Math.floor(slot / 60_000)) ?? 0) + 1);
  assert.ok(Math.max(...perMinute.values()) <= 6, `at most a handful start in the same minute, got ${Math.max(...perMinute.values())}`);
  // Deterministic: the same slots from any later starting point (a restart), one interval apart.
  assert.deepEqual(
    ids.map((id) => slotAtOrAfter(id, DAY, start + 5 * DAY + 17)),
    slots.map((s) => (s >= start + 17 ? s + 5 * DAY : s + 6 * DAY)),
  );
  assert.equal(phaseOf(ids[0]!, DAY), phaseOf(ids[0]!, DAY));
});

test('a slot is the first at or after the time given; a run at its slot gets the next one a whole interval later', () => {
  const at = slotAtOrAfter('x', HOUR, 0);
  assert.equal(slotAtOrAfter('x', HOUR, at), at);
  assert.equal(slotAtOrAfter('x', HOUR, at + 1), at + HOUR);
});

/** A scheduler whose launches are recorded; each resolves as the test says. */
function harness(maxInFlight: number, outcome: (id: string) => LaunchOutcome = () => ({ kind: 'started' })) {
  const clock = fakeClock(0);
  const launched: { id: string; at: number }[] = [];
  const scheduler = new WatchScheduler({
    clock,
    maxInFlight,
    launch: async (id) => {
      launched.push({ id, at: clock.now() });
      return outcome(id);
    },
  });
  return { clock, launched, scheduler };
}

test('driven over one whole day, the 1,000 watches each start once, at their slot, never more than maxInFlight at once', async () => {
  const { clock, launched, scheduler } = harness(50);
  for (const id of ids) scheduler.set(id, slotAtOrAfter(id, DAY, 0));
  let maxInFlight = 0;
  // Every run lasts 30 s of clock time: finish them as time moves, a minute at a time.
  const running = new Map<string, number>();
  for (let t = 0; t <= DAY; t += 60_000) {
    clock.set(t);
    await until(() => launched.filter((l) => l.at <= t).length === launched.length);
    for (const l of launched) if (!running.has(l.id) && l.at === clock.now()) running.set(l.id, l.at);
    maxInFlight = Math.max(maxInFlight, scheduler.inFlight);
    for (const [id, at] of running)
      if (t - at >= 30_000 && at >= 0) {
        running.set(id, -1);
        scheduler.finished(id);
      }
  }
  await until(() => launched.length === ids.length, 'every watch launched');
  assert.equal(new Set(launched.map((l) => l.id)).size, ids.length, 'each watch once');
  for (const l of launched) assert.ok(l.at - slotAtOrAfter(l.id, DAY, 0) < 60_000, `${l.id} started at its slot`);
  assert.ok(maxInFlight <= 50);
});

test('at most maxInFlight at once: ten due together with room for three; each run that ends lets the next start', async () => {
  const { clock, launched, scheduler } = harness(3);
  for (let i = 0; i < 10; i++) scheduler.set(`w${i}`, 1000);
  clock.set(1000);
  await until(() => launched.length === 3);
  assert.deepEqual(
    launched.map((l) => l.id),
    ['w0', 'w1', 'w2'],
    'earliest first, ties by id',
  );
  scheduler.finished('w1');
  await until(() => launched.length === 4);
  assert.equal(launched[3]?.id, 'w3');
  assert.equal(scheduler.inFlight, 3);
});

test('a refused start is due again at the time given; a watch that is gone is dropped', async () => {
  let refuse = true;
  const { clock, launched, scheduler } = harness(5, (id) => (id === 'gone' ? { kind: 'gone' } : refuse ? { kind: 'retry', at: clock.now() + 60_000 } : { kind: 'started' }));
  scheduler.set('busy', 10);
  scheduler.set('gone', 10);
  clock.set(10);
  await until(() => launched.length === 2);
  await until(() => scheduler.dueAt('busy') === 60_010);
  assert.equal(scheduler.dueAt('gone'), undefined);
  refuse = false;
  clock.set(60_010);
  await until(() => launched.length === 3);
  assert.deepEqual(
    launched.map((l) => `${l.id}@${l.at}`),
    ['busy@10', 'gone@10', 'busy@60010'],
  );
});

test('a removed watch never starts; a watch in flight is not started again when its next slot comes', async () => {
  const { clock, launched, scheduler } = harness(5);
  scheduler.set('removed', 100);
  scheduler.remove('removed');
  scheduler.set('long', 100);
  clock.set(100);
  await until(() => launched.length === 1);
  scheduler.set('long', 200); // its next slot, stored while the run goes on
  clock.set(500);
  assert.equal(launched.length, 1, 'not while in flight');
  scheduler.finished('long');
  await until(() => launched.length === 2);
  assert.deepEqual(
    launched.map((l) => `${l.id}@${l.at}`),
    ['long@100', 'long@500'],
  );
});

test('stop() clears the timer: nothing starts afterwards', () => {
  const { clock, launched, scheduler } = harness(5);
  scheduler.set('a', 100);
  assert.equal(clock.pending, 1, 'one timer for the whole scheduler');
  scheduler.set('b', 50);
  assert.equal(clock.pending, 1);
  scheduler.stop();
  assert.equal(clock.pending, 0);
  clock.set(1000);
  assert.equal(launched.length, 0);
});
