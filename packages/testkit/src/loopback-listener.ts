// The listener under every server of the kit: 127.0.0.1 (or another loopback address), a port the
// OS picks (or a given one), one session record per accepted connection.
//
// Invariants: the handle's counters and records are updated in place as connections arrive, so
// a test reads them at any time; close() stops listening, destroys every open connection and is
// idempotent.
import net from 'node:net';
import type { LoopbackAddress, ServerHandle, SessionRecord } from './types.js';

/** What the listener keeps of one accepted connection. */
export interface AcceptedConnection {
  record: SessionRecord;
  /** Destroys the connection (server side), for close(). */
  destroy(): void;
}

/** Listens on 127.0.0.1:0 (or `listen`); `accept` takes over every connection. */
export async function startLoopbackListener(accept: (socket: net.Socket) => AcceptedConnection, listen: LoopbackAddress = {}): Promise<ServerHandle> {
  const host = listen.host ?? '127.0.0.1';
  if (!(host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host))) throw new RangeError(`the test kit listens on loopback only, not ${host}`);
  const open = new Set<AcceptedConnection>();
  let closing: Promise<void> | null = null;

  const server = net.createServer((socket) => {
    // Small replies, latency-sensitive (pipelining benchmarks, split writes): no Nagle.
    socket.setNoDelay(true);
    const connection = accept(socket);
    handle.connections += 1;
    handle.transcripts.push(connection.record);
    open.add(connection);
    socket.on('close', () => open.delete(connection));
  });

  const handle: ServerHandle = {
    host,
    port: 0,
    connections: 0,
    transcripts: [],
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const connection of open) connection.destroy();
      });
      return closing;
    },
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: listen.port ?? 0 }, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  handle.port = (server.address() as net.AddressInfo).port;
  return handle;
}
