// What the live streams get when the server stops (issue 12, item 6). @fastify/websocket's own
// preClose closes every socket at once without a status code, which a browser reports as 1005
// and before any `done`. relayprobe's own preClose runs first (app.ts): it gives running probes
// their grace and sends every live viewer `done` after its probe's final commit. This one closes
// whatever is still open after that (a replay still being paced, a viewer that just joined) with
// 1012 "service restart" and a reason that says to reconnect, which the web page does
// (apps/web/src/live/probe-socket.ts reopens any socket that closes before `done`).
import type { FastifyInstance } from 'fastify';

/** The close code (RFC 6455 §7.4: 1012, the service is restarting) and reason a remaining viewer gets. */
export const RESTART_CLOSE = { code: 1012, reason: 'server restarting, reconnect' } as const;

/** A viewer that does not answer the close handshake within this is cut off, so it cannot hold the exit. */
const CLOSE_HANDSHAKE_MS = 1000;

/** @fastify/websocket's `preClose` option: close the remaining viewers with 1012, terminate those that do not answer. */
export function closeRemainingViewers(this: FastifyInstance, done: () => void): void {
  const server = this.websocketServer;
  for (const client of server.clients) if (client.readyState === client.OPEN) client.close(RESTART_CLOSE.code, RESTART_CLOSE.reason);
  setTimeout(() => {
    for (const client of server.clients) client.terminate();
  }, CLOSE_HANDSHAKE_MS).unref();
  server.close();
  done();
}
