// One probe per verdict the issue names, started from the home form against a fake mail server,
// read from the result page: the verdict status, the Evidence table, the transcript.
import { REASON_CODES, VERDICT_LABELS, OUTCOME_WORDS, explainEnhancedStatus, forPage, resultPageTitle } from '@relayprobe/contracts';
import { expect, test } from './support/fixtures.js';
import { startProbeFromForm } from './support/probe-form.js';
import { evidenceRow, evidenceTable, expectStatus, expectTranscriptOf, finishedResult, transcriptLog, transcriptText, verdictStatus } from './support/result-page.js';
import { outcomeStyle } from './support/colours.js';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('an open relay: "Open relay", R01 accepted in the Evidence table, words and colour', async ({ page, request, targets }) => {
  const target = await targets.profile('open-relay');
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick' });
  await expectStatus(page, VERDICT_LABELS.open);
  const result = await finishedResult(request, id);
  expect(result.verdict?.code).toBe('open');

  // The status says what, why and what to do next (in the page's words: advice-wording.spec.ts).
  const status = verdictStatus(page);
  await expect(status).toContainText(forPage(result.verdict?.summary ?? ''));
  await expect(status).toContainText(forPage(result.verdict?.advice ?? ''));

  const table = evidenceTable(page);
  for (const column of ['ID', 'MAIL FROM', 'RCPT TO', 'Reply', 'Outcome']) {
    await expect(table.getByRole('columnheader', { name: column, exact: true })).toBeVisible();
  }
  // One row per vector and control.
  for (const vector of result.vectors) await expect(evidenceRow(page, vector.key)).toHaveCount(1);
  const r01 = evidenceRow(page, 'R01');
  await expect(r01).toContainText(OUTCOME_WORDS.accepted);
  const c2 = evidenceRow(page, 'C2');
  expect(result.vectors.find((v) => v.key === 'C2')?.outcome).not.toBe('accepted');
  await expect(c2).not.toContainText(OUTCOME_WORDS.accepted);
  // Outcome in colour too (never colour alone): an accepted row looks different from a refused one.
  expect(await outcomeStyle(r01)).not.toBe(await outcomeStyle(c2));

  expectTranscriptOf(await transcriptText(page), result);
});

test('a closed Postfix: "Not an open relay", enhanced codes explained in the transcript\'s description and key', async ({ page, request, targets }) => {
  const target = await targets.profile('postfix-closed');
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick' });
  await expectStatus(page, VERDICT_LABELS.closed);
  const result = await finishedResult(request, id);
  expect(result.verdict?.code).toBe('closed');
  await expect(evidenceRow(page, 'R01')).toContainText(OUTCOME_WORDS['relay-denied']);

  // 554 5.7.1 Relay access denied: the enhanced code carries its explanation on hover (title); it
  // is no tab stop of its own: the log is one, and the explanations are its accessible description,
  // shown as text in the key below it for everyone.
  const meaning = explainEnhancedStatus('5.7.1');
  expect(meaning).toBeTruthy();
  const log = transcriptLog(page);
  const code = log.locator('[title]', { hasText: /^\s*5\.7\.1\s*$/ }).first();
  await expect(code).toHaveAttribute('title', meaning ?? '');
  await expect(code).not.toHaveAttribute('tabindex', /.*/);
  await expect(log).toHaveAttribute('tabindex', '0');
  await expect(log).toHaveAccessibleDescription(new RegExp(`5\\.7\\.1\\s*${escapeRegExp(meaning ?? '')}`));
  const key = page.getByRole('heading', { name: 'Status codes in this transcript' }).locator('xpath=..');
  await expect(key).toBeVisible();
  await expect(key.getByRole('definition').filter({ hasText: meaning ?? '' })).toBeVisible();

  // The page's title is the one the server gives link previews.
  await expect(page).toHaveTitle(resultPageTitle({ target: '127.0.0.1', port: target.port, status: 'complete', verdict: 'closed', startedAt: result.startedAt }));

  // Session facts: the greeting the server sent.
  await expect(page.getByRole('heading', { name: 'Session', exact: true })).toBeVisible();
  await expect(page.getByText('ESMTP Postfix').first()).toBeVisible();
  await expect(page.getByRole('list', { name: 'Timeline', exact: true })).toBeVisible();

  expectTranscriptOf(await transcriptText(page), result);
});

test('a greylisting server: "Inconclusive", with greylisting named as the cause', async ({ page, request, targets }) => {
  const target = await targets.profile('greylisting');
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick' });
  await expectStatus(page, VERDICT_LABELS.inconclusive);
  const result = await finishedResult(request, id);
  expect(result.verdict?.reasons.map((r) => r.code)).toContain('greylisting');
  await expect(page.getByText(REASON_CODES.greylisting).first()).toBeVisible();
  await expect(verdictStatus(page)).toContainText(forPage(result.verdict?.advice ?? ''));
});

test('a port nobody listens on: "Unreachable"', async ({ page, request, targets }) => {
  const port = await targets.closedPort();
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port, suite: 'quick' });
  await expectStatus(page, VERDICT_LABELS.unreachable);
  const result = await finishedResult(request, id);
  expect(result.verdict?.code).toBe('unreachable');
  await expect(verdictStatus(page)).toContainText(forPage(result.verdict?.summary ?? ''));
});
