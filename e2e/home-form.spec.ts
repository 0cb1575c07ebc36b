// The home page: the form's controls as the DOM contract names them, a server refusal shown in
// the server's words, and the recent results below the form.
import { VERDICT_LABELS, type ApiError } from '@relayprobe/contracts';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.js';
import { fillProbeForm, setLabelledControl, startProbeFromForm } from './support/probe-form.js';
import { expectStatus } from './support/result-page.js';

/** The value → visible text choices of the control labelled `label`, whatever widget it is. */
async function choices(page: Page, label: string): Promise<Record<string, string>> {
  const labelled = page.getByLabel(label, { exact: true });
  const select = (await labelled.count()) === 1 && (await labelled.evaluate((el) => el.tagName === 'SELECT'));
  const options = select
    ? labelled.locator('option')
    : page
        .getByRole('radiogroup', { name: label, exact: true })
        .or(page.getByRole('group', { name: label, exact: true }))
        .locator('input[type="radio"]');
  return options.evaluateAll((elements) =>
    Object.fromEntries(
      elements.map((el) => {
        const input = el as HTMLInputElement | HTMLOptionElement;
        const text =
          input instanceof HTMLOptionElement
            ? input.text
            : Array.from((input as HTMLInputElement).labels ?? [])
                .map((l) => l.textContent)
                .join(' ');
        return [input.value, text.replace(/\s+/g, ' ').trim()];
      }),
    ),
  );
}

test('the form: Mail server, Port (25, 465, 587 or any), Suite, TLS, test message, Test', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('textbox', { name: 'Mail server', exact: true })).toBeVisible();
  const port = page.getByLabel('Port', { exact: true });
  await expect(port).toHaveValue('25');
  for (const offered of ['465', '587']) {
    await expect(
      page
        .locator(`option[value="${offered}"]`)
        .or(page.locator('option', { hasText: new RegExp(`^\\s*${offered}\\b`) }))
        .first(),
    ).toBeAttached();
  }
  // Free entry: any port can be typed.
  await setLabelledControl(page, 'Port', '2525');
  await expect(port).toHaveValue('2525');

  const suites = await choices(page, 'Suite');
  expect(Object.keys(suites).sort()).toEqual(['quick', 'standard', 'thorough']);
  const tls = await choices(page, 'TLS');
  expect(Object.keys(tls).sort()).toEqual(['auto', 'implicit', 'none', 'starttls']);
  expect(tls.auto).toMatch(/^auto/);
  expect(tls.starttls).toMatch(/^STARTTLS required/);
  expect(tls.implicit).toMatch(/^implicit TLS/);
  expect(tls.none).toMatch(/^none/);

  const sendMessage = page.getByRole('checkbox', { name: 'Also send a test message', exact: true });
  await expect(sendMessage).not.toBeChecked();
  await expect(page.getByLabel('Recipient (optional)', { exact: true })).toHaveCount(0);
  await sendMessage.check();
  await expect(page.getByLabel('Recipient (optional)', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Test', exact: true })).toBeVisible();
});

test("a server refusal is shown in the server's words", async ({ page, request }) => {
  // Port 25 is outside RELAYPROBE_PORTS of the test server (1024-65535): 403 port-not-allowed.
  const refusal = await request.post('/api/v1/probes', { data: { target: '127.0.0.1', port: 25 } });
  expect(refusal.status()).toBe(403);
  const { error } = (await refusal.json()) as ApiError;
  expect(error.code).toBe('port-not-allowed');

  await page.goto('/');
  await fillProbeForm(page, { target: '127.0.0.1', port: 25 });
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText(error.message);
  expect(new URL(page.url()).pathname).toBe('/');
});

test('"Recent results" links to a finished probe with its verdict and target', async ({ page, targets }) => {
  const target = await targets.profile('open-relay');
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick' });
  await expectStatus(page, VERDICT_LABELS.open);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Recent results', exact: true })).toBeVisible();
  const link = page.locator(`a[href="/r/${id}"]`);
  await expect(link).toContainText(VERDICT_LABELS.open);
  await expect(link).toContainText('127.0.0.1');
  await link.click();
  await expectStatus(page, VERDICT_LABELS.open);
});
