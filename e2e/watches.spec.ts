// Watches in the browser (issue 14): "Watch this server" on a result page makes a watch and opens
// the Watches page with it first; "Run now" runs it (a real probe of a fake server) and its
// history strip gets one mark per run, coloured by verdict, each a link to its result.
import { VERDICT_LABELS } from '@relayprobe/contracts';
import { expect, test } from './support/fixtures.js';
import { startProbeFromForm } from './support/probe-form.js';
import { expectStatus } from './support/result-page.js';

test('add a watch from a result page, run it, see the history strip', async ({ page, request, targets }) => {
  const target = await targets.profile('postfix-closed');
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick', tls: 'none' });
  await expectStatus(page, VERDICT_LABELS.closed);

  await page.getByRole('button', { name: 'Watch this server', exact: true }).click();
  await expect(page).toHaveURL(/\/watches\/[A-Za-z0-9_-]{22}$/);
  const watchId = new URL(page.url()).pathname.split('/').pop() ?? '';
  const card = page.locator(`[data-watch="${watchId}"]`);
  await expect(card.getByRole('heading', { name: `127.0.0.1 port ${target.port}` })).toBeVisible();
  await expect(card.getByTestId('watch-verdict')).toHaveText('No result yet');
  await expect(card.getByText('No runs yet.')).toBeVisible();
  await expect(card).toContainText('every 24 h');

  await test.step('Run now: a mark for the run, coloured and linked, and the verdict badge', async () => {
    await card.getByRole('button', { name: 'Run now', exact: true }).click();
    await expect(card.getByTestId('watch-verdict')).toHaveText(VERDICT_LABELS.closed);
    const marks = card.getByRole('list', { name: 'Runs, oldest first' }).getByRole('link');
    await expect(marks).toHaveCount(1);
    await expect(marks.first()).toHaveAttribute('data-verdict', 'closed');
    await expect(marks.first()).toHaveClass(/tone-closed/);
    await expect(marks.first()).toHaveAccessibleName(/^Not an open relay, run by hand, /);
    const watch = (await (await request.get(`/api/v1/watches/${watchId}`)).json()) as { history: { probeId: string; url: string }[]; target: string; port: number; suite: string };
    expect([watch.target, watch.port, watch.suite]).toEqual(['127.0.0.1', target.port, 'quick']);
    await expect(marks.first()).toHaveAttribute('href', `/r/${watch.history[0]?.probeId}`);
    expect(watch.history[0]?.probeId).not.toBe(id);
  });

  await test.step('a second run adds a second mark; a mark opens its result', async () => {
    await card.getByRole('button', { name: 'Run now', exact: true }).click();
    const marks = card.getByRole('list', { name: 'Runs, oldest first' }).getByRole('link');
    await expect(marks).toHaveCount(2);
    await marks.last().click();
    await expect(page).toHaveURL(/\/r\/[A-Za-z0-9_-]{22}$/);
    await expectStatus(page, VERDICT_LABELS.closed);
  });

  await test.step('the header links the Watches page; Delete removes the watch', async () => {
    await page.getByRole('link', { name: 'Watches', exact: true }).click();
    await expect(page).toHaveURL(/\/watches$/);
    await page.locator(`[data-watch="${watchId}"]`).getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(page.locator(`[data-watch="${watchId}"]`)).toHaveCount(0);
  });
});
