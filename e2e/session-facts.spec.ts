// "Session": what the probe learned about the server, with TLS problems spelled out in words
// (describeTls / tlsProblems), here for a STARTTLS server with a self-signed certificate.
import { tlsProblems } from '@relayprobe/contracts';
import { expect, test } from './support/fixtures.js';
import { startProbeFromForm } from './support/probe-form.js';
import { expectAnyVerdict, expectTranscriptOf, finishedResult, transcriptText } from './support/result-page.js';

test('Session facts: greeting, extensions, TLS protocol and cipher, certificate problems in words', async ({ page, request, targets }) => {
  const target = await targets.profile('postfix-closed', { tls: 'self-signed' });
  const id = await startProbeFromForm(page, { target: '127.0.0.1', port: target.port, suite: 'quick', tls: 'starttls' });
  await expectAnyVerdict(page);
  const result = await finishedResult(request, id);
  const tls = result.session?.tls;
  if (!tls) throw new Error('the probe recorded no TLS session');
  const problems = tlsProblems(tls);
  expect(problems.length).toBeGreaterThan(0);

  // The facts sit under the "Session" heading (the heading's own container).
  const session = page.getByRole('heading', { name: 'Session', exact: true }).locator('xpath=..');
  await expect(session).toContainText(result.session?.greeting?.[0] ?? '');
  await expect(session).toContainText('PIPELINING');
  await expect(session).toContainText(tls.protocol ?? '');
  await expect(session).toContainText(tls.cipher ?? '');
  for (const problem of problems) await expect(session).toContainText(problem);

  // Inside TLS the transcript's arrows change (~> and <~).
  const transcript = await transcriptText(page);
  expect(transcript).toContain('~>');
  expectTranscriptOf(transcript, result);
});
