// The Watches page's words and routes (features/watches/watch-text.ts, router/routes.ts): the
// interval, relative times, a history mark's badge and spoken title, the current badge before the
// first run, and each delivery outcome in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AlertDelivery } from '@relayprobe/contracts';
import { currentBadge, deliveryText, intervalText, relativeTime, runMark } from '../src/features/watches/watch-text.js';
import { routeOf, watchesPath } from '../src/router/routes.js';

test('/watches and /watches/:id are the Watches page', () => {
  assert.deepEqual(routeOf('/watches'), { page: 'watches' });
  assert.deepEqual(routeOf('/watches/'), { page: 'watches' });
  assert.deepEqual(routeOf('/watches/Qm9x0dY1T3a5WwZQpVq2nA'), { page: 'watches', id: 'Qm9x0dY1T3a5WwZQpVq2nA' });
  assert.deepEqual(routeOf('/watches/a/b'), { page: 'unknown' });
  assert.equal(watchesPath('x y'), '/watches/x%20y');
});

test('intervals and times in words', () => {
  assert.deepEqual([1440, 15, 60, 2880, 90].map(intervalText), ['every 24 h', 'every 15 min', 'every 1 h', 'every 2 days', 'every 90 min']);
  const now = Date.parse('2030-01-01T12:00:00.000Z');
  assert.equal(relativeTime('2030-01-01T12:03:00.000Z', now), 'in 3 min');
  assert.equal(relativeTime('2030-01-01T07:00:00.000Z', now), '5 h ago');
  assert.equal(relativeTime('2030-01-01T11:59:50.000Z', now), 'just now');
  assert.equal(relativeTime('2030-01-04T12:00:00.000Z', now), 'in 3 days');
});

test('history marks carry the verdict as the badges do, and say it in words', () => {
  const mark = runMark({ probeId: 'p', url: '/r/p', scheduled: true, startedAt: '2030-01-01T00:00:00.000Z', status: 'complete', verdict: { code: 'open', label: 'Open relay' } });
  assert.equal(mark.tone, 'open');
  assert.match(mark.title, /^Open relay, scheduled run, /);
  assert.equal(runMark({ probeId: 'p', url: '/r/p', scheduled: false, startedAt: '2030-01-01T00:00:00.000Z', status: 'running' }).tone, 'running');
  assert.deepEqual(currentBadge(undefined, false), { label: 'No result yet', tone: 'waiting' });
  assert.deepEqual(currentBadge({ code: 'closed', label: 'x' }, true), { label: 'Not an open relay', tone: 'closed' });
});

test('deliveries in words: delivered, retrying, failed', () => {
  const base: AlertDelivery = {
    id: 1,
    type: 'webhook',
    destination: 'https://hooks.example.com/…',
    probeId: 'p',
    changes: ['verdict'],
    status: 'delivered',
    attempts: 1,
    createdAt: '2030-01-01T00:00:00.000Z',
    responseStatus: 200,
  };
  assert.equal(deliveryText(base), 'Webhook https://hooks.example.com/…: delivered (HTTP 200)');
  assert.equal(deliveryText({ ...base, status: 'pending', attempts: 2, error: 'HTTP 503' }), 'Webhook https://hooks.example.com/…: retrying (2 attempts so far; HTTP 503)');
  assert.equal(
    deliveryText({ ...base, type: 'email', destination: 'ops@example.com', status: 'failed', attempts: 6, error: 'SMTP: refused' }),
    'E-mail ops@example.com: failed after 6 attempts: SMTP: refused',
  );
  assert.equal(deliveryText({ ...base, status: 'pending', attempts: 0 }), 'Webhook https://hooks.example.com/…: sending');
});
