// One GET per result view (issue 8, item 2): the event stream carries everything the page shows,
// the session facts included, so a page that follows a probe live reads the document once and
// nothing more after `done`, and a page opened on a finished result reads it once and opens no
// stream. Requests are counted as the browser makes them; a last request of the test's own (to
// /api/v1/health) marks the end, since the browser reports requests in the order they are made.
import { VERDICT_LABELS } from '@relayprobe/contracts';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { startProbeFromForm } from './support/probe-form.js';
import { expectStatus, finishedResult } from './support/result-page.js';

/** Every GET the page makes of the result document, and every live stream it opens, from now on. */
function countReads(page: Page): { documents: () => string[]; streams: () => string[] } {
  const documents: string[] = [];
  const streams: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'GET' && /\/api\/v1\/probes\/[^/?]+$/.test(new URL(request.url()).pathname)) documents.push(request.url());
  });
  page.on('websocket', (ws) => streams.push(ws.url()));
  return { documents: () => [...documents], streams: () => [...streams] };
}

/** Waits until the browser has reported every request the page made before this call. */
async function settle(page: Page): Promise<void> {
  await Promise.all([page.waitForRequest((r) => r.url().endsWith('/api/v1/health')), page.evaluate(() => fetch('/api/v1/health').then(() => undefined))]);
}

/** The "Session" section (the heading's own container). */
const sessionSection = (page: Page) => page.getByRole('heading', { name: 'Session', exact: true }).locator('xpath=..');

test('a page following a live probe reads the document once, and not again after done', async ({ page, request, targets }) => {
  // 150 ms per reply batch: the standard suite runs for seconds, so the page joins while it runs.
  const target = await targets.profile('postfix-closed', { latencyMs: 150 });
  const reads = countReads(page);
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'standard' });
  await expectStatus(page, 'Running');
  await expectStatus(page, VERDICT_LABELS.closed);
  // "Connections" is a fact only the session event brings: the stream gave it, not a second read.
  const result = await finishedResult(request, id);
  await expect(sessionSection(page)).toContainText('Connections');
  await expect(sessionSection(page)).toContainText(String(result.session?.connections));
  await settle(page);
  expect(reads.streams(), 'the page followed the probe live').toHaveLength(1);
  expect(reads.documents(), 'one GET of the result, none after done').toHaveLength(1);
});

test('a page opened on a finished result reads it once and opens no stream', async ({ page, browser, request, targets }) => {
  const target = await targets.profile('open-relay');
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick' });
  await expectStatus(page, VERDICT_LABELS.open);
  const result = await finishedResult(request, id);

  const fresh = await browser.newContext();
  try {
    const reader = await fresh.newPage();
    const reads = countReads(reader);
    await reader.goto(new URL(`/r/${id}`, page.url()).href);
    await expectStatus(reader, VERDICT_LABELS.open);
    await expect(sessionSection(reader)).toContainText('Connections');
    await expect(sessionSection(reader)).toContainText(result.session?.greeting?.[0] ?? '');
    await settle(reader);
    expect(reads.documents()).toHaveLength(1);
    expect(reads.streams()).toHaveLength(0);
  } finally {
    await fresh.close();
  }
});
