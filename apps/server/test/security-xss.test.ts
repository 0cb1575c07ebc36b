// Attack: stored cross-site scripting and terminal/bidi spoofing through the share page
// (SECURITY.md §4). Everything the tested server says is attacker-controlled text: a banner or a
// reply carrying `<script>`, `<img onerror>`, a quote that closes an attribute, NUL, ANSI escapes
// or U+202E ends up in /r/:id (transcript, evidence table, <title>, description and Open Graph
// tags that chat tools render in previews). The page must show it only as escaped text, with
// control and bidi characters as visible escapes, under a strict CSP; the JSON API keeps the exact
// text (and the exact bytes in `raw`); a target that is itself HTML is refused. Both ways /r/:id
// is served are covered: the server-rendered page (no web build) and the web app's shell, whose
// head tags the server fills in for link previews.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HOSTNAME, hostileBanner, startHostile, startScriptedServer, type ServerHandle } from '@relayprobe/testkit';
import { escapeForDisplay, formatTranscript, type ProbeEvent, type ResultDocument } from '@relayprobe/contracts';
import { postProbe, waitForResult, type TestServer } from './helpers/server-under-test.js';
import { SHELL_SCRIPT, startPageServers } from './helpers/page-servers.js';
import { testedWhen } from '../src/pages/share-page.js';

// Two servers: one without a web build (server-rendered pages), one with a minimal web app shell.
const { plain: server, shell: shellServer, close } = await startPageServers();
const targets: ServerHandle[] = [];
after(async () => {
  await close();
  await Promise.all(targets.map((t) => t.close()));
});

const XSS = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>'];
// Raw control and bidi characters that must never reach the page (tab and newline are markup whitespace).
const RAW_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

/** Run a quick probe against `target` and fetch its result and share page. */
async function probeAndRender(target: ServerHandle, on: TestServer = server): Promise<{ doc: ResultDocument; page: string; headers: Headers }> {
  if (!targets.includes(target)) targets.push(target);
  const created = await postProbe(on.base, { target: '127.0.0.1', port: target.port, suite: 'quick' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const doc = await waitForResult(on.base, created.body.id);
  const response = await fetch(`${on.base}/r/${created.body.id}`);
  assert.equal(response.status, 200);
  return { doc, page: await response.text(), headers: response.headers };
}

/** The text an HTML parser reads from escaped text (the five entities html() writes). */
const unescapeHtml = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** Every tag of the page must be one of ours: no attacker element, no attribute broken open. */
function assertNoInjectedMarkup(withShell: string): void {
  const page = withShell.replace(SHELL_SCRIPT, ''); // the web app's own bundle, same origin
  assert.doesNotMatch(page, /<script/i, 'no script element');
  assert.doesNotMatch(page, /<img/i, 'no img element');
  for (const tag of page.match(/<[a-z][^>]*>/gi) ?? []) {
    // Attribute names outside quoted values: escaped text inside a value is harmless.
    assert.doesNotMatch(tag.replace(/"[^"]*"/g, '""'), /\son[a-z]+\s*=/i, `no event-handler attribute: ${tag}`);
  }
  assert.doesNotMatch(page, RAW_CONTROLS, 'no raw control or bidi character anywhere');
  for (const meta of page.match(/<meta\b[^>]*>/g) ?? []) {
    assert.match(meta, /^<meta(?: [a-z:-]+="[^"<>]*")+(?: \/)?>$/, `a well-formed meta tag: ${meta}`);
  }
  const title = /<title>([^]*?)<\/title>/.exec(page)?.[1];
  assert.ok(title !== undefined && !/[<>]/.test(title), `the title is text: ${title}`);
}

test('the hostile banner is shown on /r/:id only as escaped text, controls as visible escapes', async () => {
  const { doc, page, headers } = await probeAndRender(await startHostile('hostile-banner'));
  assert.equal(doc.status, 'complete');
  assertNoInjectedMarkup(page);
  assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the script tag is there, as text');
  assert.ok(page.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the img tag is there, as text');
  for (const visible of ['\\x00', '\\e[31mred\\e[0m', '\\u202edesrever']) assert.ok(page.includes(visible), `${visible} is shown`);
  const csp = headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/, 'no inline script allowed');
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(headers.get('x-content-type-options'), 'nosniff');
  assert.match(headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);

  // The transcript is exactly the escaped text, one line per line (formatTranscript already made
  // controls visible; only HTML's own characters may be added on top).
  const shown = unescapeHtml(/<pre role="log">([^]*?)<\/pre>/.exec(page)?.[1] ?? '').split('\n');
  const expected = formatTranscript(doc.events).split('\n');
  assert.equal(shown.length, expected.length, `the transcript shows ${expected.length} lines, not ${shown.length} (line breaks escaped as "\\n"?)`);
  assert.deepEqual(shown, expected);
});

test('the JSON API keeps the exact banner text and its exact bytes in raw', async () => {
  const target = await startHostile('hostile-banner');
  targets.push(target);
  const created = await postProbe(server.base, { target: '127.0.0.1', port: target.port, suite: 'quick' });
  const doc = await waitForResult(server.base, created.body.id);
  const response = await fetch(`${server.base}/api/v1/probes/${created.body.id}`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, 'served as JSON, never as a page');
  await response.body?.cancel();
  const greeting = doc.events.find((e): e is Extract<ProbeEvent, { type: 'reply' }> => e.type === 'reply' && e.phase === 'greeting');
  assert.ok(greeting, 'the greeting is in the events');
  const expected = `220 ${DEFAULT_HOSTNAME} ESMTP \u0000 \ufffd \u001b[31mred\u001b[0m \u202edesrever ${XSS[1]} ${XSS[0]}`;
  assert.deepEqual(greeting.lines, [expected], 'text as received (0xFF as U+FFFD), nothing escaped or stripped');
  assert.ok(greeting.raw, 'raw bytes kept for a line that is not printable UTF-8');
  assert.deepEqual(Buffer.from(greeting.raw, 'base64'), hostileBanner(DEFAULT_HOSTNAME), 'the exact bytes, 0xFF included');
});

/** A server whose greeting or RCPT replies carry markup meant to break out of an attribute. */
function markupServer(greeting: string, rcptReply: string): Promise<ServerHandle> {
  return startScriptedServer(async (peer) => {
    peer.write(greeting);
    for (let line = await peer.readLine(); line !== null; line = await peer.readLine()) {
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'QUIT') return void (peer.write('221 2.0.0 Bye\r\n'), peer.end());
      peer.write(verb === 'RCPT' ? rcptReply : verb === 'EHLO' ? `250-${DEFAULT_HOSTNAME}\r\n250 8BITMIME\r\n` : verb === 'MAIL' || verb === 'RSET' ? '250 2.0.0 Ok\r\n' : '503 5.5.1 No\r\n');
    }
  });
}

const BREAKOUT = `"'><script>alert(1)</script><img src=x onerror=alert(1)> \u001b[2J \u202e &amp;`;

for (const [mode, on] of [
  ['server-rendered page', server],
  ['web app shell', shellServer],
] as const) {
  test(`${mode}: server text in <title>, description and Open Graph tags is escaped (a 554 greeting becomes the summary)`, async () => {
    const { doc, page } = await probeAndRender(await markupServer(`554 5.7.1 ${BREAKOUT}\r\n`, '503 5.5.1 No\r\n'), on);
    assert.equal(doc.verdict?.code, 'unreachable');
    assert.ok(doc.verdict.summary.includes(BREAKOUT), 'the summary quotes the server (so this test reaches the tags)');
    assertNoInjectedMarkup(page);
    for (const name of ['name="description"', 'property="og:description"']) {
      const content = new RegExp(`<meta ${name} content="([^"]*)">`).exec(page)?.[1];
      assert.ok(content !== undefined, `${name} is present`);
      // The summary as text, then our own words of when and where (share-page.ts testedWhen).
      assert.equal(unescapeHtml(content), `${escapeForDisplay(doc.verdict.summary)} ${testedWhen(doc)}`, `${name}: exactly the summary, as text, then when it was tested`);
    }
    assert.ok(page.includes('&amp;amp;'), 'an entity in server text stays text (double-escaped)');
  });
}

test('web app shell: the hostile banner does not reach the page as markup', async () => {
  const { page, headers } = await probeAndRender(await startHostile('hostile-banner'), shellServer);
  assertNoInjectedMarkup(page);
  assert.ok(page.includes(SHELL_SCRIPT), 'this is the shell');
  assert.match(headers.get('content-security-policy') ?? '', /script-src 'self'(;|$)/);
});

test('server text in the evidence table is escaped', async () => {
  const { doc, page } = await probeAndRender(await markupServer(`220 ${DEFAULT_HOSTNAME} ESMTP\r\n`, `554 5.7.1 ${BREAKOUT}\r\n`));
  assert.ok(
    doc.vectors.some((v) => v.reply?.text.includes(BREAKOUT)),
    'the replies reached the evidence',
  );
  assertNoInjectedMarkup(page);
  const table = /<tbody>([^]*?)<\/tbody>/.exec(page)?.[1] ?? '';
  assert.ok(table.includes('&quot;&#39;&gt;&lt;script&gt;'), 'the quote, apostrophe and tag are entities in the table');
  assert.ok(table.includes('\\e[2J') && table.includes('\\u202e'), 'controls shown as escapes in the table');
});

test('a target that is itself HTML is refused as JSON, and unknown ids do not reflect input', async () => {
  for (const target of [XSS[0], XSS[1], '"><svg onload=alert(1)>', 'mx.example.com<b>', 'x@<script>.example', 'javascript:alert(1)']) {
    const response = await postProbe(server.base, { target, port: 2525 });
    assert.equal(response.status, 400, `${target}: ${JSON.stringify(response.body)}`);
    assert.equal(response.body.error?.code, 'invalid-target', target);
  }
  const raw = await fetch(`${server.base}/api/v1/probes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ target: XSS[0] }) });
  assert.match(raw.headers.get('content-type') ?? '', /^application\/json/, 'the error is JSON, not a page');
  await raw.body?.cancel();
  for (const on of [server, shellServer]) {
    const page = await (await fetch(`${on.base}/r/${encodeURIComponent('<script>alert(1)</script>')}`)).text();
    assertNoInjectedMarkup(page);
    assert.ok(!page.includes('alert(1)'), 'the 404 page does not echo the id');
  }
});
