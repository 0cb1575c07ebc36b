// A domain test in the browser (issue 9): the servers summary at the top (a row per server with
// its verdict badge, live while the test runs), the evidence and transcript of the selected
// server, a link that selects a server (/r/:id?server=N) and opens on it in a fresh browser, and
// a preview that names the domain and its verdict. A server of its own for this spec: it asks the
// testkit's DNS server on loopback (RELAYPROBE_DNS_SERVERS) for the zone e2e.test, whose MX hosts
// are fake servers on 127.0.2.61 (closed, preference 10) and 127.0.2.62 (open, preference 20).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VERDICT_LABELS, resultPageTitle, type ResultDocument } from '@relayprobe/contracts';
import { startDnsServer, startOnSharedPort } from '@relayprobe/testkit';
import type { Page } from '@playwright/test';
import { startServerProcess, type ServingProcess } from '../apps/server/test/helpers/server-process.js';
import { metaContent, pageTitle } from '../apps/server/test/helpers/api-reading.js';
import { browserServerEnv } from './support/servers.js';
import { expect, test as base } from './support/fixtures.js';
import { startProbeFromForm } from './support/probe-form.js';
import { evidenceRow, expectStatus, transcriptText } from './support/result-page.js';

interface DomainWorld {
  server: ServingProcess;
  port: number;
}

const test = base.extend<object, { world: DomainWorld }>({
  world: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      // Each reply 40 ms late, so the servers are seen running before their verdicts.
      const mx = await startOnSharedPort([
        { host: '127.0.2.61', profile: 'postfix-closed', options: { latencyMs: 40 } },
        { host: '127.0.2.62', profile: 'open-relay', options: { hostname: 'mx2.e2e.test', latencyMs: 40 } },
      ]);
      const dns = await startDnsServer({
        mx: {
          'e2e.test': [
            { exchange: 'mx1.e2e.test', priority: 10 },
            { exchange: 'mx2.e2e.test', priority: 20 },
          ],
        },
        a: { 'mx1.e2e.test': ['127.0.2.61'], 'mx2.e2e.test': ['127.0.2.62'] },
      });
      const dataDir = mkdtempSync(join(process.env.E2E_DATA_DIR ?? tmpdir(), 'domain-test-'));
      const server = await startServerProcess(browserServerEnv(join(dataDir, 'data'), { RELAYPROBE_DNS_SERVERS: dns.address }));
      await use({ server, port: mx.port });
      await server.stop(5000);
      await mx.close();
      await dns.close();
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ world }, use) => use(world.server.base),
});

const servers = (page: Page) => page.getByRole('region', { name: /^Servers/ });
const serverLink = (page: Page, n: number) =>
  servers(page)
    .getByRole('listitem')
    .nth(n - 1)
    .getByRole('link');

test('servers summary live then final, the worst server shown, a click selects another, its link opens on it', async ({ page, browser, world, request }) => {
  const id = await startProbeFromForm(page, { target: 'e2e.test', port: world.port, suite: 'standard' });
  await expect(servers(page).getByRole('listitem')).toHaveCount(2);
  await expect(servers(page).getByText('Testing').first()).toBeVisible();
  await expectStatus(page, VERDICT_LABELS.open);
  await expect(serverLink(page, 1)).toContainText(VERDICT_LABELS.closed);
  await expect(serverLink(page, 1)).toContainText('mx1.e2e.test (127.0.2.61)');
  await expect(serverLink(page, 2)).toContainText(VERDICT_LABELS.open);
  // Done: the server the verdict names first (the open backup) is the one shown.
  await expect(serverLink(page, 2)).toHaveAttribute('aria-current', 'true');
  await expect(evidenceRow(page, 'R01')).toContainText('ACCEPTED');
  await expect.poll(() => transcriptText(page)).toContain('Connected to 127.0.2.62');
  expect(await transcriptText(page)).not.toContain('127.0.2.61');

  await serverLink(page, 1).click();
  await expect(page).toHaveURL(new RegExp(`/r/${id}\\?server=1$`));
  await expect(serverLink(page, 1)).toHaveAttribute('aria-current', 'true');
  await expect(evidenceRow(page, 'R01')).toContainText('refused');
  await expect.poll(() => transcriptText(page)).toContain('Connected to 127.0.2.61');
  expect(await transcriptText(page)).not.toContain('127.0.2.62');
  await expectStatus(page, VERDICT_LABELS.open); // the domain's verdict stays at the top

  // The address bar is the share link of that server: a colleague opens it on server 1.
  const fresh = await browser.newContext();
  try {
    const colleague = await fresh.newPage();
    await colleague.goto(page.url());
    await expectStatus(colleague, VERDICT_LABELS.open);
    await expect(serverLink(colleague, 1)).toHaveAttribute('aria-current', 'true');
    await expect(evidenceRow(colleague, 'R01')).toContainText('refused');
  } finally {
    await fresh.close();
  }

  // The preview a chat tool shows: the domain and its verdict, the summary naming the open server.
  // The title names the port and the day, as every result's does (resultPageTitle).
  const html = await (await request.get(`/r/${id}?server=1`)).text();
  const result = (await (await request.get(`/api/v1/probes/${id}`)).json()) as ResultDocument;
  expect(pageTitle(html)).toBe(resultPageTitle({ target: 'e2e.test', port: world.port, status: 'complete', verdict: 'open', startedAt: result.startedAt }));
  expect(metaContent(html, 'og:description')).toMatch(/^mx2\.e2e\.test \(127\.0\.2\.62\) is an open relay; mx1\.e2e\.test \(127\.0\.2\.61\) is not an open relay\. Tested /);
});
