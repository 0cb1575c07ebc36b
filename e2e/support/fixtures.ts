// The `test` every spec uses: Playwright's, plus fake mail servers started in the test process
// on 127.0.0.1 port 0 (@relayprobe/testkit) and closed when the test ends, pass or fail.
import { test as base } from '@playwright/test';
import { closedPort, startHostile, startProfile, type HostileName, type HostileOptions, type ProfileName, type ProfileOptions, type ServerHandle } from '@relayprobe/testkit';

/** Starts fake mail servers for one test; each is closed after the test. */
export interface Targets {
  /** A well-behaved profile (open-relay, postfix-closed, greylisting, ...). */
  profile(name: ProfileName, options?: ProfileOptions): Promise<ServerHandle>;
  /** A hostile script (hostile-banner, ...). */
  hostile(name: HostileName, options?: HostileOptions): Promise<ServerHandle>;
  /** A loopback port nobody listens on. */
  closedPort(): Promise<number>;
}

export const test = base.extend<{ targets: Targets }>({
  // Playwright reads the fixtures a fixture needs from this first parameter's pattern.
  // eslint-disable-next-line no-empty-pattern
  targets: async ({}, use) => {
    const started: ServerHandle[] = [];
    const keep = (server: ServerHandle) => {
      started.push(server);
      return server;
    };
    await use({
      profile: async (name, options) => keep(await startProfile(name, options)),
      hostile: async (name, options) => keep(await startHostile(name, options)),
      closedPort: () => closedPort(),
    });
    await Promise.all(started.map((server) => server.close()));
  },
});

export { expect } from '@playwright/test';
