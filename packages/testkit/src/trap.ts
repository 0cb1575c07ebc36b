// Listeners for asserting that nothing connected (SSRF tests) or that a connection is refused.
import net from 'node:net';
import { readUntilClosed } from './floods.js';
import { startScriptedServer } from './scripted-server.js';
import type { ServerHandle } from './types.js';

/** A listener that counts connections and says nothing (SSRF tests assert `connections === 0`). */
export function startTrapListener(): Promise<ServerHandle> {
  return startScriptedServer(readUntilClosed);
}

/** A port on `host` (default 127.0.0.1) with nothing listening (listened on port 0, then closed). */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0 }, resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
