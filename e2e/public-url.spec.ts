// Share links and RELAYPROBE_PUBLIC_URL (issue 13): without it, the result page says that its
// link is this browser's address and which variable the operator sets (the run's servers have
// none); with it, "Copy link" copies the public address, the page says nothing of the kind, and
// the preview's og:url is that absolute link. This spec's own server has a public URL over plain
// HTTP (an https one would turn on upgrade-insecure-requests for a page served over HTTP).
import { VERDICT_LABELS } from '@relayprobe/contracts';
import { expect } from './support/fixtures.js';
import { testWithOwnServer } from './support/own-server.js';
import { startProbeFromForm } from './support/probe-form.js';
import { expectStatus } from './support/result-page.js';
import { E2E_AUTH_TOKEN, tokenServerUrl } from './support/servers.js';
import { inEachLayout } from './support/layouts.js';

const PUBLIC_URL = 'http://relayprobe.example.test';
const test = testWithOwnServer('public-url', { RELAYPROBE_PUBLIC_URL: PUBLIC_URL });

const HINT = /The link uses this browser's address .* the operator sets RELAYPROBE_PUBLIC_URL/;

test('with RELAYPROBE_PUBLIC_URL: "Copy link" copies the public link, no hint, an absolute og:url', async ({ page, context, request, targets }, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const target = await targets.profile('postfix-closed');
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick' });
  await expectStatus(page, VERDICT_LABELS.closed);
  await page.getByRole('button', { name: 'Copy link', exact: true }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(`${PUBLIC_URL}/r/${id}`);
  await expect(page.getByText(HINT)).toHaveCount(0);
  const html = await (await request.get(`/r/${id}`)).text();
  expect(html).toContain(`<meta property="og:url" content="${PUBLIC_URL}/r/${id}">`);
  await inEachLayout(page, testInfo, 'public-url', async () => {
    await expect(page.getByRole('button', { name: 'Copy link', exact: true })).toBeVisible();
  });
});

test('without RELAYPROBE_PUBLIC_URL: the page says how to set it, where the link is offered; no og:url', async ({ page, request, targets }, testInfo) => {
  // The run's token server has no public URL; reading a result needs no token, starting one does.
  const target = await targets.profile('postfix-closed');
  const created = await request.post(`${tokenServerUrl()}/api/v1/probes`, {
    data: { target: '127.0.0.1', port: target.port, suite: 'quick' },
    headers: { authorization: `Bearer ${E2E_AUTH_TOKEN}` },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await page.goto(`${tokenServerUrl()}/r/${id}`);
  await expectStatus(page, VERDICT_LABELS.closed);
  const hint = page.getByText(HINT);
  await expect(hint).toContainText(new URL(tokenServerUrl()).origin);
  const html = await (await request.get(`${tokenServerUrl()}/r/${id}`)).text();
  expect(html).not.toContain('og:url');
  await inEachLayout(page, testInfo, 'share-hint', async () => {
    await hint.scrollIntoViewIfNeeded();
    await expect(hint).toBeVisible();
  });
});
