// The live transcript follows new lines while the probe runs, and stops following as soon as the
// reader scrolls up to read (the role=log element is the scroll box; the page is not dragged).
import { VERDICT_LABELS } from '@relayprobe/contracts';
import type { Locator } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { startProbeFromForm } from './support/probe-form.js';
import { expectStatus, transcriptLog } from './support/result-page.js';

/** Pixels between the log's visible end and its content's end (0 at the bottom). */
const distanceFromBottom = (log: Locator) => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
const scrollHeight = (log: Locator) => log.evaluate((el) => el.scrollHeight);
/** Scroll positions closer than this (about two lines) count as the same place. */
const SLACK_PX = 40;

test('the transcript follows new lines, and stops following when the reader scrolls up', async ({ page, targets }) => {
  // The thorough suite at 150 ms per reply batch: about 6 s of new lines.
  const target = await targets.profile('postfix-closed', { latencyMs: 150 });
  await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'thorough' });
  await expectStatus(page, 'Running');
  const log = transcriptLog(page);

  // Once the lines overflow the box, the box shows the newest ones.
  await expect.poll(() => log.evaluate((el) => el.scrollHeight > el.clientHeight + 100)).toBe(true);
  const followedFrom = await scrollHeight(log);
  await expect.poll(() => scrollHeight(log)).toBeGreaterThan(followedFrom);
  await expect.poll(() => distanceFromBottom(log)).toBeLessThanOrEqual(2);

  // The reader scrolls up with the mouse wheel; new lines arrive; the view stays where they put it.
  // (Positions are compared within a few lines' height: the browser's scroll anchoring may nudge them.)
  // Rows added to the Evidence table above can move the log between the hover and the wheel, so
  // that the wheel lands elsewhere: hover and wheel again until the log shows its top (a state,
  // not a time). A wheel that missed scrolls the page, which the next hover undoes.
  await expect
    .poll(async () => {
      await log.hover();
      await page.mouse.wheel(0, -100_000);
      return log.evaluate((el) => el.scrollTop);
    })
    .toBeLessThanOrEqual(SLACK_PX);
  const readAt = await log.evaluate((el) => el.scrollTop);
  const readFrom = await scrollHeight(log);
  await expect.poll(() => scrollHeight(log)).toBeGreaterThan(readFrom + 100);
  expect(Math.abs((await log.evaluate((el) => el.scrollTop)) - readAt)).toBeLessThanOrEqual(SLACK_PX);
  expect(await distanceFromBottom(log)).toBeGreaterThan(100);
  await expectStatus(page, VERDICT_LABELS.closed);
});
