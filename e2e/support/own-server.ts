// A relayprobe server of a spec's own, for settings the run's servers do not have (a greylist
// wait, a public URL): started once per worker with `extra` on top of the browser-server
// environment, its data directory inside the run's (removed by global-teardown.ts). The spec's
// baseURL becomes that server's.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess, type ServingProcess } from '../../apps/server/test/helpers/server-process.js';
import { browserServerEnv } from './servers.js';
import { test as base } from './fixtures.js';

/** The fixtures `test` with its own server (`ownServer`) under `extra`, which the specs' baseURL points at. */
export function testWithOwnServer(name: string, extra: Record<string, string>) {
  return base.extend<object, { ownServer: ServingProcess }>({
    ownServer: [
      // eslint-disable-next-line no-empty-pattern
      async ({}, use) => {
        const dataDir = mkdtempSync(join(process.env.E2E_DATA_DIR ?? tmpdir(), `${name}-`));
        const server = await startServerProcess(browserServerEnv(join(dataDir, 'data'), extra));
        await use(server);
        await server.stop(5000);
      },
      { scope: 'worker' },
    ],
    baseURL: async ({ ownServer }, use) => use(ownServer.base),
  });
}
