// A server that requires a token to start probes (RELAYPROBE_AUTH_TOKEN; the second server of
// playwright.config.ts): the 401 makes the page ask for an "Access token", which is kept in
// localStorage and sent as a Bearer token from then on. Result links need no token.
import { VERDICT_LABELS } from '@relayprobe/contracts';
import { expect, test } from './support/fixtures.js';
import { RESULT_PATH, fillProbeForm, idFromUrl } from './support/probe-form.js';
import { expectStatus } from './support/result-page.js';
import { E2E_AUTH_TOKEN, tokenServerUrl } from './support/servers.js';

test('a 401 asks for "Access token"; the token is kept and sent as Bearer', async ({ page, browser, targets }) => {
  const base = tokenServerUrl();
  const target = await targets.profile('open-relay');
  const authorizations: (string | null)[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/probes') authorizations.push(request.headers().authorization ?? null);
  });

  await page.goto(`${base}/`);
  await fillProbeForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick' });
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  const tokenInput = page.getByLabel('Access token', { exact: true });
  await expect(tokenInput).toBeVisible();
  expect(new URL(page.url()).pathname).toBe('/');

  await tokenInput.fill(E2E_AUTH_TOKEN);
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(page).toHaveURL(RESULT_PATH);
  const id = idFromUrl(page.url());
  await expectStatus(page, VERDICT_LABELS.open);
  expect(authorizations).toEqual([null, `Bearer ${E2E_AUTH_TOKEN}`]);

  // Kept: the next visit lists recent results with it, and can start a probe without asking.
  expect(await page.evaluate(() => Object.values(localStorage))).toContain(E2E_AUTH_TOKEN);
  await page.goto(`${base}/`);
  await expect(page.locator(`a[href="/r/${id}"]`)).toContainText(VERDICT_LABELS.open);

  // A browser without the token: no list of results, but the link itself works.
  const stranger = await browser.newContext();
  try {
    const other = await stranger.newPage();
    await other.goto(`${base}/`);
    await expect(other.getByRole('button', { name: 'Test', exact: true })).toBeVisible();
    // Whatever the page asked the server for the list has been answered before looking.
    await other.waitForLoadState('networkidle');
    await expect(other.locator('a[href^="/r/"]')).toHaveCount(0);
    await other.goto(`${base}/r/${id}`);
    await expectStatus(other, VERDICT_LABELS.open);
  } finally {
    await stranger.close();
  }
});
