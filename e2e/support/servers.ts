// The relayprobe servers a Playwright run starts (playwright.config.ts) and how specs reach them.
// Ports are picked once in the main process and handed to workers through the environment,
// under E2E_* names: the server refuses RELAYPROBE_* variables it does not know.

/** The token of the second server, which requires one to start probes (RELAYPROBE_AUTH_TOKEN). */
export const E2E_AUTH_TOKEN = 'e2e-token-6f1c2a9d40b7';

/** Base URL of the server that needs a token (the main one is the config's baseURL). */
export function tokenServerUrl(): string {
  const port = process.env.E2E_TOKEN_SERVER_PORT;
  if (!port) throw new Error('E2E_TOKEN_SERVER_PORT is not set: run through playwright.config.ts');
  return `http://127.0.0.1:${port}`;
}

/**
 * The environment of a relayprobe server a browser drives (playwright.config.ts, bench/web-fixtures.ts):
 * fake mail servers on loopback ports are allowed targets. Whoever starts it adds RELAYPROBE_PORT.
 */
export function browserServerEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    RELAYPROBE_HOST: '127.0.0.1',
    RELAYPROBE_DATA_DIR: dataDir,
    RELAYPROBE_ALLOW_TARGETS: '127.0.0.0/8',
    RELAYPROBE_PORTS: '1024-65535',
    RELAYPROBE_HELO_NAME: 'prober.relayprobe.test',
    RELAYPROBE_TIMEOUT: '5',
    // The testkit's greylister never lets a retry through; the retry is tested in packages/mta-lab.
    RELAYPROBE_GREYLIST_WAIT: '0',
    RELAYPROBE_RATE_LIMIT: '1000',
    RELAYPROBE_TARGET_HOURLY_LIMIT: '1000',
    RELAYPROBE_SHUTDOWN_GRACE: '0',
    RELAYPROBE_LOG_LEVEL: 'warn',
    ...extra,
  };
}
