// What the web app's index.html carries besides its title (pages/web-app.ts): the service's
// settings the page reads (PAGE_SETTING_NAMES: RELAYPROBE_OLD_RESULT_DAYS, RELAYPROBE_PUBLIC_URL),
// and an og:url only when it can be absolute.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAGE_SETTING_NAMES } from '@relayprobe/contracts';
import { WebApp } from '../src/pages/web-app.js';
import { startTestServer } from './helpers/server-under-test.js';
import { metaContent, pageTitle } from './helpers/api-reading.js';

const webRoot = mkdtempSync(join(tmpdir(), 'relayprobe-settings-'));
mkdirSync(join(webRoot, 'assets'));
writeFileSync(join(webRoot, 'index.html'), '<!doctype html>\n<html lang="en">\n<head>\n<title>relayprobe</title>\n</head>\n<body><div id="root"></div></body>\n</html>\n');
after(() => rmSync(webRoot, { recursive: true, force: true }));

async function homePage(env: Record<string, string>): Promise<string> {
  const server = await startTestServer(env, { webRoot });
  try {
    return await (await fetch(`${server.base}/`)).text();
  } finally {
    await server.close();
  }
}

test('the page carries RELAYPROBE_OLD_RESULT_DAYS (default 30), and no public URL or og:url when none is set', async () => {
  const page = await homePage({});
  assert.equal(metaContent(page, PAGE_SETTING_NAMES.oldResultDays), '30');
  assert.equal(metaContent(page, PAGE_SETTING_NAMES.publicUrl), undefined);
  assert.equal(metaContent(page, 'og:url'), undefined);
});

test('with RELAYPROBE_OLD_RESULT_DAYS and RELAYPROBE_PUBLIC_URL set, the page carries both, and og:url is absolute', async () => {
  const page = await homePage({ RELAYPROBE_OLD_RESULT_DAYS: '7', RELAYPROBE_PUBLIC_URL: 'https://relayprobe.example.test' });
  assert.equal(metaContent(page, PAGE_SETTING_NAMES.oldResultDays), '7');
  assert.equal(metaContent(page, PAGE_SETTING_NAMES.publicUrl), 'https://relayprobe.example.test');
  assert.equal(metaContent(page, 'og:url'), 'https://relayprobe.example.test/');
});

test('a title with "$&" or "$\'" is inserted as text, not read as a replacement pattern', () => {
  const web = WebApp.load(webRoot, { oldResultDays: 30, publicUrl: undefined });
  assert.ok(web);
  const title = "Open relay: a$&b$'c@[127.0.0.1]:25";
  const page = web.render({ title, description: 'd' });
  assert.equal(pageTitle(page), title);
  assert.equal(page.match(/<div id="root">/g)?.length, 1, 'the rest of the template is not copied in');
});
