// The form in a real Chromium agrees with the API about every target of the shared table
// (apps/server/test/helpers/typed-inputs.ts; apps/server/test/input-agreement.test.ts checks the
// table itself against the CLI, the API and the form's code in Node). Here the browser runs the
// check: its own URL host parser converts IDNs, and its text field holds what it holds (it drops
// line breaks). For the value the field really holds, the API's answer decides: where it refuses
// (400), the form sends nothing and shows the API's sentence in the page's words; where the
// grammar accepts, the form sends the request and the server's refusal of port 25 (outside this
// server's RELAYPROBE_PORTS, checked after the target and before any DNS) is shown. Nothing is
// resolved or connected.
import { forPage, type ApiError } from '@relayprobe/contracts';
import { TARGET_ROWS } from '../apps/server/test/helpers/typed-inputs.js';
import { expect, test } from './support/fixtures.js';

test('every target of the table: the form sends it exactly when the API accepts it, and words a refusal alike', async ({ page, request }) => {
  test.setTimeout(180_000);
  const posts: string[] = [];
  page.on('request', (req) => {
    if (req.method() === 'POST') posts.push(req.postData() ?? '');
  });
  await page.goto('/');
  const field = page.getByLabel('Mail server', { exact: true });
  const alert = page.getByRole('alert');
  let sent = 0;
  for (const { input } of TARGET_ROWS) {
    await field.fill(input);
    const value = await field.inputValue();
    await test.step(JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value), async () => {
      const answer = await request.post('/api/v1/probes', { data: { target: value, port: 25 } });
      const { error } = (await answer.json()) as ApiError;
      if (answer.status() === 403) {
        // The grammar accepted it; port 25 is not allowed here, which the page shows in the server's words.
        expect(error.code).toBe('port-not-allowed');
        const response = page.waitForResponse((r) => r.url().endsWith('/api/v1/probes') && r.request().method() === 'POST');
        await page.getByRole('button', { name: 'Test', exact: true }).click();
        expect((await response).status()).toBe(403);
        sent += 1;
        await expect(alert).toHaveText(error.message);
        return;
      }
      expect(answer.status()).toBe(400);
      await page.getByRole('button', { name: 'Test', exact: true }).click();
      if (error.code === 'invalid-target') {
        await expect(alert).toHaveText(forPage(error.message));
        expect(await alert.textContent()).toBe(forPage(error.message));
      } else {
        // The body schema's refusals (empty, too long) are in JSON Schema's words; the form says those its own way.
        expect(error.code).toBe('invalid-request');
        await expect(alert).toHaveText(/\w{3,}/);
      }
    });
  }
  expect(posts).toHaveLength(sent);
  expect(new URL(page.url()).pathname).toBe('/');
});
