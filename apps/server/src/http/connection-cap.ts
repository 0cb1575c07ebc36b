// Open connections per client (issue 12, item 11; SECURITY.md §4). Every open TCP connection holds
// a file descriptor whether or not a request ever comes: one client with 20,000 idle
// connections used them all up, and then nobody could connect. Connections, HTTP and WebSocket
// alike, are counted per client address from the moment they are accepted, before any request;
// one over the cap is answered 429 too-many-connections and closed at once.
//
// A client is its address, and an IPv6 client its /64: one host gets a whole /64 and could
// otherwise take a fresh address per connection. Connections from a trusted proxy
// (RELAYPROBE_TRUST_PROXY) carry many clients and are not counted; the proxy limits its own.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';
import { parseIpAddress } from '@relayprobe/contracts';
import { rawApiError } from './framework-answers.js';

/** The client a connection counts against: its IPv4 address, or its IPv6 /64. */
export function clientOf(remoteAddress: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress);
  if (mapped?.[1]) return mapped[1];
  const parsed = parseIpAddress(remoteAddress);
  if (parsed?.kind !== 'ipv6') return remoteAddress;
  return `${parsed.parts
    .slice(0, 4)
    .map((part) => part.toString(16))
    .join(':')}::/64`;
}

/** Cap the connections each client may hold open on `server`; `trustProxy` as Fastify takes it. */
export function capConnectionsPerClient(server: Server, max: number, trustProxy: string[] | false): void {
  const trusted = trustProxy === false ? () => false : proxyAddr.compile(trustProxy);
  const open = new Map<string, number>();
  const refusal = rawApiError(
    429,
    'too-many-connections',
    `This client has ${max} connections open to this server, the most it may (RELAYPROBE_MAX_CONNECTIONS_PER_CLIENT); close some and try again.`,
  );
  // Before Node's own listener, so that a refused connection never reaches the HTTP parser's work.
  server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined || trusted(address, 0)) return;
    const client = clientOf(address);
    const count = (open.get(client) ?? 0) + 1;
    if (count > max) {
      socket.end(refusal, () => socket.destroy());
      return;
    }
    open.set(client, count);
    socket.once('close', () => {
      const left = (open.get(client) ?? 1) - 1;
      if (left > 0) open.set(client, left);
      else open.delete(client);
    });
  });
}
