// What a server says is text (SECURITY.md §4): a banner carrying HTML and script is shown as
// characters and runs nothing. What the visitor types is checked before anything is sent.
import { expect, test } from './support/fixtures.js';
import { startProbeFromForm } from './support/probe-form.js';
import { expectAnyVerdict, expectTranscriptOf, finishedResult, transcriptLog, transcriptText } from './support/result-page.js';

test('a banner with <img onerror> and <script> is shown as text and fires nothing', async ({ page, request, targets }) => {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const target = await targets.hostile('hostile-banner');
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick' });
  await expectAnyVerdict(page);
  const result = await finishedResult(request, id);

  const log = transcriptLog(page);
  await expect(log).toContainText('<img src=x onerror=alert(1)>');
  await expect(log).toContainText('<script>alert(1)</script>');
  // Control and bidi characters are visible escapes (formatEvent): NUL, ESC, U+202E.
  await expect(log).toContainText('\\x00');
  await expect(log).toContainText('\\e[31mred\\e[0m');
  await expect(log).toContainText('\\u202e');
  // Nothing the server sent became markup, anywhere on the page.
  await expect(page.locator('img[src="x"], [onerror]')).toHaveCount(0);
  await expect(log.locator('script, img')).toHaveCount(0);
  await expect(page.locator('script:not([src])')).toHaveCount(0);
  expectTranscriptOf(await transcriptText(page), result);
  expect(dialogs).toEqual([]);
});

const INVALID_TARGETS: [what: string, input: string][] = [
  ['empty', ''],
  ['white space inside', 'mail example.com'],
  ['a control character', 'mx.example.com\u0007'],
  ['host:port', 'mx.example.com:25'],
  ['a URL', 'https://mx.example.com/'],
];

test('invalid input shows an inline alert and starts no probe', async ({ page }) => {
  const posts: string[] = [];
  page.on('request', (req) => {
    if (req.method() === 'POST') posts.push(req.url());
  });
  for (const [what, input] of INVALID_TARGETS) {
    await test.step(what, async () => {
      await page.goto('/');
      await page.getByLabel('Mail server', { exact: true }).fill(input);
      await page.getByRole('button', { name: 'Test', exact: true }).click();
      const alert = page.getByRole('alert');
      await expect(alert).toBeVisible();
      await expect(alert).toHaveText(/\w{3,}/);
      expect(new URL(page.url()).pathname).toBe('/');
    });
  }
  expect(posts).toEqual([]);
});
