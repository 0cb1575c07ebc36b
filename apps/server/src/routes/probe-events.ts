// WebSocket GET /api/v1/probes/:id/events[?after=SEQ]: stored events first, then live ones, then
// `done` once the final state is committed (DESIGN.md "Contracts"). The socket only pushes
// (HOUSE-STYLE rule 9); the one thing a viewer may send is a keepalive ping.
//
// Safety (SECURITY.md §4): Host and Origin checked before the upgrade, as for every route
// (http/host-check.ts, an onRequest hook of the app); 16 KiB maxPayload (set where the
// plugin is registered); schema-checked client messages; ping/pong to find dead viewers; a viewer
// whose send buffer passes 1 MiB is dropped while the probe goes on and is stored.
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { WebSocket } from 'ws';
import { ClientMessage, EventsQuery, ProbeIdParams, matchesSchema, type ServerMessage } from '@relayprobe/contracts';
import type { ProbeManager } from '../probes/probe-manager.js';
import type { ProbeStore } from '../storage/probe-store.js';
import { RESULT_ID, sendError } from '../http/api-errors.js';
import { PacedSender } from '../http/paced-sender.js';

/** A viewer this far behind on live events is dropped (SECURITY.md §4); replays are paced instead. */
const SLOW_VIEWER_BYTES = 1024 * 1024;
/** Ping every viewer this often; one that has not answered the previous ping is closed. */
export const PING_INTERVAL_MS = 30_000;

export interface ProbeEventsOptions {
  manager: ProbeManager;
  store: ProbeStore;
  pingIntervalMs?: number;
}

export const probeEventsRoute: FastifyPluginAsync<ProbeEventsOptions> = async (fastify, options) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const pingEvery = options.pingIntervalMs ?? PING_INTERVAL_MS;

  app.get('/api/v1/probes/:id/events', {
    websocket: true,
    schema: { params: ProbeIdParams, querystring: EventsQuery, hide: true },
    config: { rateLimit: { max: 120, timeWindow: 60_000 } },
    preValidation: async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!RESULT_ID.test(id) || !options.store.getProbe(id)) return sendError(reply, 404, 'not-found');
    },
  }, (socket: WebSocket, request) => {
    const { id } = request.params;
    const after = request.query.after ?? 0;
    let alive = true;
    let detach: (() => void) | undefined;

    const sender = new PacedSender(socket, SLOW_VIEWER_BYTES, () => {
      request.log.warn({ probe: id }, 'dropping a viewer that does not keep up');
      socket.terminate();
    });
    const viewer = {
      send(message: ServerMessage, replay: boolean): boolean {
        const sent = sender.enqueue(JSON.stringify(message), !replay);
        if (sent && message.type === 'done') sender.closeWhenDrained(1000, 'done');
        return sent;
      },
      close(code: number, reason: string): void {
        sender.closeWhenDrained(code, reason);
      },
    };

    socket.on('pong', () => {
      alive = true;
    });
    const pinger = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, pingEvery);
    socket.on('message', (data, isBinary) => {
      let message: unknown;
      try {
        message = isBinary ? undefined : JSON.parse(data.toString());
      } catch {
        message = undefined;
      }
      if (!matchesSchema(ClientMessage, message)) socket.close(1008, 'this socket only pushes; send nothing but {"type":"ping"}');
    });
    socket.on('close', () => {
      clearInterval(pinger);
      detach?.();
    });
    socket.on('error', () => socket.terminate());

    try {
      detach = options.manager.watch(id, after, viewer);
    } catch (error) {
      // A damaged stored event, say: this stream cannot go on, and says so with "internal error".
      request.log.error({ err: error, probe: id }, 'cannot replay the stored events');
      socket.close(1011, 'this stored result cannot be read');
      return;
    }
    if (!detach) socket.close(1008, 'not found');
  });
};
