// Attack: terminal escapes, bidi overrides and invisible characters from the tested server reach
// whoever reads the service's output (issue 12, item 1): `curl .../api/v1/probes/ID` on a terminal,
// a WebSocket client printing messages, a chat tool's link preview. The testkit's terminal-escapes
// server sends every such character in its greeting and in the EHLO and HELO refusals that the
// verdict quotes. The REST document and every WebSocket message must hold none of them raw
// (written as JSON escapes, parsing back to the exact text), and neither may the share page's
// title, description and Open Graph tags, served plain or in the web app's shell.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { DEFAULT_HOSTNAME, TERMINAL_ESCAPES_TEXT, rawHostileCharacters as rawIn, startHostile, type ServerHandle } from '@relayprobe/testkit';
import type { ReplyEvent, ResultDocument } from '@relayprobe/contracts';
import { postProbe, waitForResult, type TestServer } from './helpers/server-under-test.js';
import { startPageServers } from './helpers/page-servers.js';

const { plain, shell, close } = await startPageServers();
const targets: ServerHandle[] = [];
after(async () => {
  await close();
  await Promise.all(targets.map((t) => t.close()));
});

async function hostileProbe(on: TestServer): Promise<{ id: string; doc: ResultDocument }> {
  const target = await startHostile('terminal-escapes');
  targets.push(target);
  const created = await postProbe(on.base, { target: '127.0.0.1', port: target.port, suite: 'quick' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id as string;
  return { id, doc: await waitForResult(on.base, id) };
}

/** Every WebSocket message of a stream as the text frames carry it. */
function rawMessages(on: TestServer, id: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${on.wsBase}/api/v1/probes/${id}/events`);
    const frames: string[] = [];
    socket.on('message', (data) => frames.push(data.toString()));
    socket.on('close', () => resolve(frames));
    socket.on('error', reject);
  });
}

test('GET /api/v1/probes/:id: no such character raw in the JSON text, the exact text when parsed', async () => {
  const { id, doc } = await hostileProbe(plain);
  assert.equal(doc.verdict?.code, 'inconclusive');
  const response = await fetch(`${plain.base}/api/v1/probes/${id}`);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const text = await response.text();
  assert.deepEqual(rawIn(text), []);
  const parsed = JSON.parse(text) as ResultDocument;
  const greeting = parsed.events.find((e): e is ReplyEvent => e.type === 'reply' && e.phase === 'greeting');
  assert.deepEqual(greeting?.lines, [`220 ${DEFAULT_HOSTNAME} ${TERMINAL_ESCAPES_TEXT}`]);
  assert.ok(parsed.verdict?.summary.includes(TERMINAL_ESCAPES_TEXT), 'the summary quotes the server exactly');
});

test('the WebSocket stream: no such character raw in any message, the same events when parsed', async () => {
  const { id, doc } = await hostileProbe(plain);
  const frames = await rawMessages(plain, id);
  assert.ok(frames.length > 5);
  for (const frame of frames) assert.deepEqual(rawIn(frame), [], frame.slice(0, 120));
  const events = frames
    .map((f) => JSON.parse(f) as { type: string; event?: unknown })
    .filter((m) => m.type === 'event')
    .map((m) => m.event);
  assert.deepEqual(events, doc.events);
});

for (const [mode, on] of [
  ['server-rendered page', plain],
  ['web app shell', shell],
] as const) {
  test(`${mode}: /r/:id, its title, description and Open Graph tags hold none of them raw`, async () => {
    const { id, doc } = await hostileProbe(on);
    const page = await (await fetch(`${on.base}/r/${id}`)).text();
    assert.deepEqual(rawIn(page), []);
    const description = /<meta property="og:description" content="([^"]*)">/.exec(page)?.[1] ?? '';
    assert.ok(doc.verdict && description.includes('550 \\e]0;pwned\\x07\\e[2J\\e[HNot an open relay. \\u202ereversed'), description.slice(0, 200));
    assert.ok(description.includes('\\u200b\\u200c\\u200d') && description.includes('\\u2060') && description.includes('\\ufeff'), 'zero-width characters visible');
  });
}
