// Reading the result page /r/:id through its DOM contract: the verdict status (role=status), the
// live transcript (role=log), the Evidence table; and the server's own copy of the result
// (GET /api/v1/probes/:id) to compare the page with.
import type { APIRequestContext, Locator, Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { VERDICT_LABELS, formatTranscript, type ResultDocument } from '@relayprobe/contracts';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Words the verdict status may start with: a verdict label, or the state of an unfinished probe. */
const STATUS_WORDS: readonly string[] = [...Object.values(VERDICT_LABELS), 'Running', 'Interrupted'];

/** Matches text that starts with `word` (after leading white space). */
const startsWith = (word: string): RegExp => new RegExp(`^\\s*${escapeRegExp(word)}`);

/**
 * The verdict's role=status element. Filtered by its first word, so that another live region
 * (a "Link copied" notice, say) cannot be mistaken for it.
 */
export function verdictStatus(page: Page): Locator {
  return page.getByRole('status').filter({ hasText: new RegExp(`^\\s*(${STATUS_WORDS.map(escapeRegExp).join('|')})`) });
}

/** Waits until the status starts with `label` (a VERDICT_LABELS value, or "Running"/"Interrupted"). */
export async function expectStatus(page: Page, label: string, timeout?: number): Promise<void> {
  await expect(verdictStatus(page)).toHaveText(startsWith(label), timeout === undefined ? {} : { timeout });
}

/** Waits until the status shows a verdict, whichever it is. */
export async function expectAnyVerdict(page: Page): Promise<void> {
  await expect(verdictStatus(page)).toHaveText(new RegExp(`^\\s*(${Object.values(VERDICT_LABELS).map(escapeRegExp).join('|')})`));
}

/** The live transcript. */
export function transcriptLog(page: Page): Locator {
  return page.getByRole('log');
}

/** The transcript's text with runs of white space collapsed (textContent: collapsed groups count too). */
export async function transcriptText(page: Page): Promise<string> {
  const text = await transcriptLog(page).evaluate((el) => el.textContent ?? '');
  return text.replace(/\s+/g, ' ').trim();
}

/** The Evidence table (its caption names it). */
export function evidenceTable(page: Page): Locator {
  return page.getByRole('table', { name: 'Evidence' });
}

/** The Evidence row whose first cell (its row header: the key, then the test's name) starts with exactly `key` (R01, C2, ...). */
export function evidenceRow(page: Page, key: string): Locator {
  return evidenceTable(page)
    .locator('tr')
    .filter({ has: page.locator('td:first-child, th:first-child', { hasText: new RegExp(`^\\s*${escapeRegExp(key)}(\\s|$)`) }) });
}

/** The result document once the server has committed its final state. */
export async function finishedResult(request: APIRequestContext, id: string): Promise<ResultDocument> {
  let document: ResultDocument | undefined;
  await expect
    .poll(async () => {
      const response = await request.get(`/api/v1/probes/${id}`);
      expect(response.status()).toBe(200);
      document = (await response.json()) as ResultDocument;
      return document.status;
    })
    .not.toBe('running');
  return document as ResultDocument;
}

const withoutSpace = (text: string) => text.replace(/\s+/g, '');

/**
 * Asserts the page's transcript holds every line of the CLI-format transcript of `result`, in
 * order, and exactly as many sent and received lines (no gaps, no duplicates). White space is
 * ignored: the contract fixes the text, not how the app spaces the markers it styles.
 */
export function expectTranscriptOf(pageText: string, result: ResultDocument): void {
  const page = withoutSpace(pageText);
  const lines = formatTranscript(result.events)
    .split('\n')
    .map(withoutSpace)
    .filter((l) => l.length > 0);
  let from = 0;
  for (const line of lines) {
    const at = page.indexOf(line, from);
    expect(at, `transcript line missing or out of order: ${line}`).toBeGreaterThanOrEqual(0);
    from = at + line.length;
  }
  const reference = lines.join('');
  for (const marker of ['->', '<-', '~>', '<~']) {
    expect(page.split(marker).length, `number of "${marker}" lines`).toBe(reference.split(marker).length);
  }
}
