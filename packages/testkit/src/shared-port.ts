// Several profile servers on one port, each on its own loopback address: the MX hosts of a test
// domain (an MX record names a host, never a port, so every MX host of a domain test is dialled
// on the same port).
import { startProfile, type ProfileOptions } from './start-profile.js';
import type { ProfileName } from './profiles.js';
import type { ServerHandle } from './types.js';

/** One server of startOnSharedPort: its loopback address, profile and options. */
export interface SharedPortServer {
  host: string;
  profile: ProfileName;
  options?: ProfileOptions;
}

/** Start one profile server per entry, on its host and on the port the first one got; close() closes them all. */
export async function startOnSharedPort(entries: readonly SharedPortServer[]): Promise<{ port: number; servers: ServerHandle[]; close: () => Promise<void> }> {
  for (let attempt = 0; ; attempt++) {
    const servers: ServerHandle[] = [];
    try {
      for (const entry of entries) {
        const port = servers[0]?.port ?? 0;
        servers.push(await startProfile(entry.profile, { ...entry.options, listen: { host: entry.host, port } }));
      }
      return { port: servers[0]?.port ?? 0, servers, close: async () => void (await Promise.all(servers.map((s) => s.close()))) };
    } catch (error) {
      await Promise.all(servers.map((s) => s.close()));
      // Another process holds that port on one of the addresses: start again on another.
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt > 5) throw error;
    }
  }
}
