// Playwright: the whole product in a real Chromium (HOUSE-STYLE rule 14). The real server built
// from this repo (apps/server/dist/server.js, serving apps/web/dist) runs on a free loopback port
// with a fresh data directory per run, plus a second one that requires a token; the specs start
// fake mail servers (@relayprobe/testkit) on 127.0.0.1 port 0 and drive the web app against
// them. Build first:
//   npx turbo run build --output-logs=errors-only && npx playwright test
//
// The browser is Debian's Chromium (scripts/ensure-chromium.sh installs it); `npx playwright
// install` downloads a browser build, which cannot work here (STACK.md pitfall 7).
import { defineConfig } from '@playwright/test';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/support/chromium.js';
import { E2E_AUTH_TOKEN, browserServerEnv } from './e2e/support/servers.js';
import { freePort } from './apps/server/test/helpers/server-process.js';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

// Decided once in the main process; workers re-evaluate this file with the inherited environment
// and so get the same ports and data directory. Not RELAYPROBE_* names: the server refuses
// variables it does not know.
process.env.E2E_SERVER_PORT ??= String(await freePort());
process.env.E2E_TOKEN_SERVER_PORT ??= String(await freePort());
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'relayprobe-e2e-'));
const dataDir = process.env.E2E_DATA_DIR;
const baseURL = `http://127.0.0.1:${process.env.E2E_SERVER_PORT}`;

for (const built of ['apps/server/dist/server.js', 'apps/web/dist/index.html']) {
  if (!existsSync(join(ROOT, built))) {
    throw new Error(`${built} is missing: build first (npx turbo run build --output-logs=errors-only)`);
  }
}

/** Environment of a test server: the shared browser-server settings, on this port and data subdirectory. */
function serverEnv(port: string, dataSubdir: string, extra: Record<string, string> = {}): Record<string, string> {
  // The server creates its data directory; both live under this run's fresh one.
  return { ...browserServerEnv(join(dataDir, dataSubdir), extra), RELAYPROBE_PORT: port };
}

function webServer(port: string, env: Record<string, string>) {
  return {
    command: 'node apps/server/dist/server.js',
    cwd: ROOT,
    url: `http://127.0.0.1:${port}/api/v1/health`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
    gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 5_000 },
    env,
  };
}

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  // 2 cores shared with other work: one worker per core at most.
  workers: 2,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 20_000 },
  globalTeardown: './e2e/support/global-teardown.ts',
  use: {
    baseURL,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'off',
    actionTimeout: 15_000,
    navigationTimeout: 15_000,
    // Debian's Chromium: /usr/bin/chromium, with the switches that keep it on this machine.
    launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] },
  },
  webServer: [
    webServer(process.env.E2E_SERVER_PORT, serverEnv(process.env.E2E_SERVER_PORT, 'main')),
    webServer(process.env.E2E_TOKEN_SERVER_PORT, serverEnv(process.env.E2E_TOKEN_SERVER_PORT, 'token', { RELAYPROBE_AUTH_TOKEN: E2E_AUTH_TOKEN })),
  ],
});
