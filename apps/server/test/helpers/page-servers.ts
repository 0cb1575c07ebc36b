// The two ways /r/:id is served, as two test servers: one without a web build (the
// server-rendered pages) and one with a minimal web app shell, whose head tags the server fills
// in for link previews. Used by the tests of what reaches those pages.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from './server-under-test.js';

/** The shell's one script tag (the web app's own bundle, same origin). */
export const SHELL_SCRIPT = '<script type="module" crossorigin src="/assets/app.js"></script>';

export interface PageServers {
  /** No web build: server-rendered pages. */
  plain: TestServer;
  /** A minimal web app shell. */
  shell: TestServer;
  close(): Promise<void>;
}

/** Start both servers, each with a web root of its own in a fresh temporary directory. */
export async function startPageServers(): Promise<PageServers> {
  const webRoots = mkdtempSync(join(tmpdir(), 'relayprobe-pages-'));
  mkdirSync(join(webRoots, 'none'));
  mkdirSync(join(webRoots, 'shell', 'assets'), { recursive: true });
  writeFileSync(
    join(webRoots, 'shell', 'index.html'),
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8" />\n<title>relayprobe</title>\n${SHELL_SCRIPT}\n</head>\n<body><div id="root"></div></body>\n</html>\n`,
  );
  const plain = await startTestServer({}, { webRoot: join(webRoots, 'none') });
  const shell = await startTestServer({}, { webRoot: join(webRoots, 'shell') });
  return {
    plain,
    shell,
    async close() {
      await Promise.all([plain.close(), shell.close()]);
      rmSync(webRoots, { recursive: true, force: true });
    },
  };
}
