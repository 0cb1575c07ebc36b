// The verdict on the page in the page's words: the status line passes summary, advice and reasons
// through the contracts' forPage (the stored verdict keeps the CLI's), and the controls the page
// wording names are the form's own (labels and option values of form-options.ts and probe-form.tsx).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PAGE_WORDING, forPage, type Verdict } from '@relayprobe/contracts';
import { statusText } from '../src/features/result/verdict/verdict-text.js';
import { SUITE_CHOICES, TLS_CHOICES } from '../src/features/probe-form/form-options.js';
import { emptyResult } from '../src/store/result-state.js';

const ACCEPTS_ALL: Verdict = {
  code: 'accepts-all',
  label: 'Accepts every recipient',
  summary: 'The server accepted a local mailbox that does not exist as readily as a foreign domain, so its acceptance of relay recipients proves nothing on its own.',
  advice: 'Run again with --send-message --to an address you control to see whether mail is really delivered; mail catchers, honeypots and accept-then-bounce servers answer like this.',
  reasons: [
    { code: 'catch-all', text: 'The server accepted a local mailbox that does not exist (C2): a catch-all or accept-everything server, whose 250s prove nothing.', vectors: ['C2'] },
    {
      code: 'test-domain-refused',
      text: 'The server refused the test domain itself (domain not found or null MX); use a real, mail-accepting domain you control that the target does not host (--test-domain, or RELAYPROBE_TEST_DOMAIN on the web service).',
    },
  ],
};
const FLAG = /--[a-z][a-z-]*/;

test("the status line shows advice, reasons and summary in the page's words, and leaves the verdict as stored", () => {
  const stored = structuredClone(ACCEPTS_ALL);
  const text = statusText({ ...emptyResult('a'), status: 'complete', verdict: stored });
  assert.equal(text.advice, forPage(ACCEPTS_ALL.advice));
  assert.match(text.advice ?? '', /“Also send a test message” ticked/);
  assert.equal(text.summary, ACCEPTS_ALL.summary);
  assert.deepEqual(
    text.reasons.map((r) => r.text),
    ACCEPTS_ALL.reasons.map((r) => forPage(r.text)),
  );
  assert.deepEqual(
    text.reasons.map((r) => r.code),
    ['catch-all', 'test-domain-refused'],
  );
  assert.deepEqual(text.reasons[0]?.vectors, ['C2']);
  for (const shown of [text.summary, text.advice, ...text.reasons.map((r) => r.text)]) assert.doesNotMatch(shown ?? '', FLAG);
  assert.match(text.reasons[1]?.text ?? '', /RELAYPROBE_TEST_DOMAIN/);
  assert.deepEqual(stored, ACCEPTS_ALL, 'the stored verdict keeps the CLI words');
  // An interrupted probe's reasons too.
  const interrupted = statusText({ ...emptyResult('a'), status: 'interrupted', verdict: stored });
  assert.deepEqual(
    interrupted.reasons.map((r) => r.text),
    ACCEPTS_ALL.reasons.map((r) => forPage(r.text)),
  );
});

test('the page wording names the TLS and Suite choices as the form labels them', () => {
  for (const choice of TLS_CHOICES) assert.equal(forPage(`--tls ${choice.value}`), `“${choice.label}” under TLS`, choice.value);
  for (const choice of SUITE_CHOICES) assert.equal(forPage(`--suite ${choice.value}`), `“${choice.value}” under Suite`, choice.value);
});

test('every control the page wording quotes exists on the page', () => {
  const source = (path: string) => readFileSync(new URL(`../src/${path}`, import.meta.url), 'utf8');
  const form = source('features/probe-form/probe-form.tsx');
  const actions = source('features/result/actions/result-actions.tsx');
  const optionLabels = new Set<string>([...TLS_CHOICES.map((c) => c.label), ...SUITE_CHOICES.map((c) => c.value)]);
  const quoted = new Set(PAGE_WORDING.flatMap((row) => [...row.page.matchAll(/“([^”$]+)”/g)].map((m) => m[1] as string)));
  for (const name of quoted) {
    assert.ok(optionLabels.has(name) || form.includes(`>${name}<`) || actions.includes(name), `“${name}” is a control of the page`);
  }
  // Field labels named without quotes.
  for (const label of ['Recipient (optional)', 'Port', 'Suite', 'TLS']) assert.ok(form.includes(`>${label}<`), label);
});
