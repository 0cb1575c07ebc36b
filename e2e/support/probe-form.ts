// Driving the home page's form as a person would (DOM contract: labels "Mail server", "Port",
// "Suite", "TLS", button "Test"). The contract fixes labels and values, not widgets, so a choice
// is made through whichever control the app rendered: a <select>, an <input>, or radio buttons.
import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';

/** What a test fills in; omitted fields keep the form's defaults. */
export interface ProbeFormInput {
  target: string;
  port?: number;
  suite?: 'quick' | 'standard' | 'thorough';
  tls?: 'auto' | 'starttls' | 'implicit' | 'none';
}

/** Share-link ids: 128-bit random, base64url (SECURITY.md §4). */
export const RESULT_PATH = /\/r\/([A-Za-z0-9_-]{16,64})$/;

/** Sets the control labelled `label` to `value`: select option, typed text, or the radio with that value. */
export async function setLabelledControl(page: Page, label: string, value: string): Promise<void> {
  const labelled = page.getByLabel(label, { exact: true });
  if ((await labelled.count()) === 1) {
    const tag = await labelled.evaluate((el) => el.tagName.toLowerCase());
    if (tag === 'select') {
      await labelled.selectOption(value);
      return;
    }
    if (tag === 'input' || tag === 'textarea') {
      await labelled.fill(value);
      return;
    }
  }
  // A radio group named by a <legend> or aria-label.
  const group = page.getByRole('radiogroup', { name: label, exact: true }).or(page.getByRole('group', { name: label, exact: true }));
  await group.locator(`input[type="radio"][value="${value}"]`).check();
}

/** Fills the form (nothing is submitted). */
export async function fillProbeForm(page: Page, input: ProbeFormInput): Promise<void> {
  await page.getByLabel('Mail server', { exact: true }).fill(input.target);
  if (input.port !== undefined) await setLabelledControl(page, 'Port', String(input.port));
  if (input.suite !== undefined) await setLabelledControl(page, 'Suite', input.suite);
  if (input.tls !== undefined) await setLabelledControl(page, 'TLS', input.tls);
}

/** Opens the home page, fills the form, presses Test and waits for /r/<id>; returns the id. */
export async function startProbeFromForm(page: Page, input: ProbeFormInput): Promise<string> {
  await page.goto('/');
  await fillProbeForm(page, input);
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(page).toHaveURL(RESULT_PATH);
  return idFromUrl(page.url());
}

/** The result id in a /r/<id> URL. */
export function idFromUrl(url: string): string {
  const match = RESULT_PATH.exec(new URL(url).pathname);
  if (!match?.[1]) throw new Error(`not a result URL: ${url}`);
  return match[1];
}
