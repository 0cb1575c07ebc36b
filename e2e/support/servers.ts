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
