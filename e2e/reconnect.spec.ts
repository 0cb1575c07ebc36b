// A dropped live stream: the page reopens the WebSocket (with backoff) asking only for events
// after the last seq it has, and ignores any event it already has, so the transcript ends with
// no gap and no duplicate. The drop is made by routing the page's WebSocket through the test.
import { VERDICT_LABELS } from '@relayprobe/contracts';
import type { WebSocketRoute } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { startProbeFromForm } from './support/probe-form.js';
import { expectStatus, expectTranscriptOf, finishedResult, transcriptText } from './support/result-page.js';

const EVENTS_PATH = /\/api\/v1\/probes\/[^/?]+\/events/;
/** Event messages let through before the first connection is dropped. */
const DROP_AFTER = 30;

const seqOf = (message: string | Buffer): number | undefined => {
  const parsed = JSON.parse(message.toString()) as { type: string; seq?: number };
  return parsed.type === 'event' ? parsed.seq : undefined;
};

test('a dropped WebSocket reconnects with ?after=<last seq> and the transcript has no gap and no duplicate', async ({ page, browser, request, targets }) => {
  const urls: URL[] = [];
  let lastForwarded = 0;
  let replayed: string | undefined;
  await page.routeWebSocket(EVENTS_PATH, (ws: WebSocketRoute) => {
    urls.push(new URL(ws.url()));
    const first = urls.length === 1;
    const server = ws.connectToServer();
    // A server that resends what the page already has: the page must ignore it.
    if (!first && replayed) ws.send(replayed);
    let forwarded = 0;
    server.onMessage((message) => {
      if (first && forwarded >= DROP_AFTER) return;
      ws.send(message);
      const seq = seqOf(message);
      if (seq === undefined || !first) return;
      forwarded++;
      lastForwarded = seq;
      replayed = message.toString();
      if (forwarded === DROP_AFTER) {
        // 1001 "going away": what a restarting proxy sends. The probe goes on regardless.
        void ws.close({ code: 1001, reason: 'test drops the stream' });
        void server.close();
      }
    });
  });

  // 150 ms per reply batch: the standard suite runs for seconds after the drop.
  const target = await targets.profile('postfix-closed', { latencyMs: 150 });
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'standard' });
  await expectStatus(page, VERDICT_LABELS.closed);
  const result = await finishedResult(request, id);

  expect(urls.length, 'the page reopened the stream').toBeGreaterThanOrEqual(2);
  expect(lastForwarded).toBeGreaterThan(0);
  expect(urls[1]?.searchParams.get('after')).toBe(String(lastForwarded));

  const transcript = await transcriptText(page);
  expectTranscriptOf(transcript, result);
  const fresh = await browser.newContext();
  try {
    const reference = await fresh.newPage();
    await reference.goto(page.url());
    await expectStatus(reference, VERDICT_LABELS.closed);
    expect(transcript).toBe(await transcriptText(reference));
  } finally {
    await fresh.close();
  }
});
