// When a result was taken, as the page says it (src/features/result/when/when-text.ts): local
// time with the zone, "3 hours ago", the age in days for the old-result notice; and the settings
// the server writes into the page (page-settings.ts): RELAYPROBE_OLD_RESULT_DAYS, RELAYPROBE_PUBLIC_URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAGE_SETTING_NAMES } from '@relayprobe/contracts';
import { ageInDays, agoText, isOld, localTimeText } from '../src/features/result/when/when-text.js';
import { readPageSettings } from '../src/features/result/page-settings.js';

const STARTED = '2026-12-03T13:05:00.000Z';
const T = Date.parse(STARTED);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

test("local time with its zone, in the reader's time zone", () => {
  assert.equal(localTimeText(STARTED, 'Europe/Berlin'), '3 Dec 2026, 14:05 CET');
  assert.equal(localTimeText(STARTED, 'UTC'), '3 Dec 2026, 13:05 UTC');
  assert.equal(localTimeText('soon'), undefined);
});

test('how long ago, in the largest unit that fits', () => {
  const cases: [number, string][] = [
    [0, 'just now'],
    [59_999, 'just now'],
    [-5 * MINUTE, 'just now'],
    [MINUTE, '1 minute ago'],
    [59 * MINUTE, '59 minutes ago'],
    [3 * HOUR + 10 * MINUTE, '3 hours ago'],
    [47 * HOUR, '47 hours ago'],
    [2 * DAY, '2 days ago'],
    [45 * DAY, '45 days ago'],
    [90 * DAY, '3 months ago'],
    [800 * DAY, '2 years ago'],
  ];
  for (const [ago, words] of cases) assert.equal(agoText(T, T + ago), words, String(ago));
});

test('a result is old from RELAYPROBE_OLD_RESULT_DAYS whole days on; 0 means never', () => {
  assert.equal(ageInDays(T, T + 30 * DAY - 1), 29);
  assert.equal(isOld(T, T + 30 * DAY - 1, 30), false);
  assert.equal(isOld(T, T + 30 * DAY, 30), true);
  assert.equal(isOld(T, T + 3000 * DAY, 0), false);
  assert.equal(ageInDays(T, T - DAY), 0, 'a clock behind the server never gives a negative age');
});

test('the page settings come from the meta tags, with the documented defaults when absent or unreadable', () => {
  const tags = (values: Record<string, string>) => (name: string) => values[name];
  assert.deepEqual(readPageSettings(tags({})), { oldResultDays: 30, publicUrl: undefined });
  assert.deepEqual(readPageSettings(tags({ [PAGE_SETTING_NAMES.oldResultDays]: '7', [PAGE_SETTING_NAMES.publicUrl]: 'https://relayprobe.example.com' })), {
    oldResultDays: 7,
    publicUrl: 'https://relayprobe.example.com',
  });
  assert.deepEqual(readPageSettings(tags({ [PAGE_SETTING_NAMES.oldResultDays]: 'soon', [PAGE_SETTING_NAMES.publicUrl]: 'javascript:alert(1)' })), { oldResultDays: 30, publicUrl: undefined });
  assert.equal(readPageSettings(tags({ [PAGE_SETTING_NAMES.publicUrl]: 'https://relayprobe.example.com/r/x' })).publicUrl, undefined, 'an origin, not a path');
});
