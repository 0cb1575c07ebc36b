// Joining a running probe: the page is the same whether the probe runs or is finished. A second
// viewer who opens the link mid-probe, and a reader who reloads mid-probe, both end with the
// complete transcript: stored events replayed, then live ones, no gap, no duplicate.
import { VERDICT_LABELS, type ResultDocument, type VectorStartEvent } from '@relayprobe/contracts';
import type { APIRequestContext } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { startProbeFromForm } from './support/probe-form.js';
import { expectStatus, expectTranscriptOf, finishedResult, transcriptText } from './support/result-page.js';

/** The probe's status on the server right now. */
async function serverStatus(request: APIRequestContext, id: string): Promise<ResultDocument['status']> {
  const response = await request.get(`/api/v1/probes/${id}`);
  return ((await response.json()) as ResultDocument).status;
}

test('a viewer joining mid-probe and a reload mid-probe both end with the whole transcript', async ({ page, browser, request, targets }) => {
  // 150 ms per reply batch: the thorough suite takes about 6 s, long enough to join and reload.
  const target = await targets.profile('postfix-closed', { latencyMs: 150 });
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'thorough' });
  await expectStatus(page, 'Running');

  const joinerContext = await browser.newContext();
  const referenceContext = await browser.newContext();
  try {
    const joiner = await joinerContext.newPage();
    await joiner.goto(page.url());
    await expectStatus(joiner, 'Running');
    expect(await serverStatus(request, id), 'the second viewer joined while the probe ran').toBe('running');

    await page.reload();
    await expectStatus(page, 'Running');
    expect(await serverStatus(request, id), 'the reload happened while the probe ran').toBe('running');
    await expect(page.getByText(/vector \d+ of \d+/).first()).toBeVisible();

    await expectStatus(page, VERDICT_LABELS.closed);
    await expectStatus(joiner, VERDICT_LABELS.closed);
    const result = await finishedResult(request, id);
    const total = result.events.find((e): e is VectorStartEvent => e.type === 'vector-start')?.total;
    expect(total).toBeGreaterThan(1);

    // Reference: a browser that opens the link only after the probe finished.
    const reference = await referenceContext.newPage();
    await reference.goto(page.url());
    await expectStatus(reference, VERDICT_LABELS.closed);
    const expected = await transcriptText(reference);
    expectTranscriptOf(expected, result);
    await expect.poll(() => transcriptText(joiner)).toBe(expected);
    await expect.poll(() => transcriptText(page)).toBe(expected);
  } finally {
    await joinerContext.close();
    await referenceContext.close();
  }
});
