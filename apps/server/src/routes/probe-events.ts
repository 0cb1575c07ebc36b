// WebSocket GET /api/v1/probes/:id/events[?after=SEQ]: stored events first, then live ones, then
// `done` once the final state is committed (DESIGN.md "Contracts"). The socket only pushes
// (HOUSE-STYLE rule 9); the one thing a viewer may send is a keepalive ping.
//
// Safety (SECURITY.md §4): Host and Origin checked before the upgrade, as for every route
// (http/host-check.ts, an onRequest hook of the app); 16 KiB maxPayload (set where the
// plugin is registered); schema-checked client messages; ping/pong to find dead viewers. How much a
// viewer is sent, and when one that does not read is dropped, is the hub's (probes/viewer-hub.ts):
// this route gives it the socket's buffer, and pings carrying a byte offset as read receipts (a
// pong repeats its ping's payload, RFC 6455 §5.5.3, so it says the reader got that far).
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { WebSocket } from 'ws';
import { ClientMessage, EventsQuery, ProbeIdParams, matchesSchema } from '@relayprobe/contracts';
import type { ProbeManager } from '../probes/probe-manager.js';
import type { Viewer, Watching } from '../probes/viewer-hub.js';
import type { ProbeStore } from '../storage/probe-store.js';
import { RESULT_ID, sendError } from '../http/api-errors.js';

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

  app.get(
    '/api/v1/probes/:id/events',
    {
      websocket: true,
      schema: { params: ProbeIdParams, querystring: EventsQuery, hide: true },
      config: { rateLimit: { max: 120, timeWindow: 60_000 } },
      preValidation: async (request, reply) => {
        const { id } = request.params as { id: string };
        if (!RESULT_ID.test(id) || !options.store.getProbe(id)) return sendError(reply, 404, 'not-found');
      },
    },
    (socket: WebSocket, request) => {
      const { id } = request.params;
      const after = request.query.after ?? 0;
      let alive = true;
      let watching: Watching | undefined;

      const open = () => socket.readyState === socket.OPEN;
      const viewer: Viewer = {
        send(data, written) {
          // Bytes are UTF-8 JSON: a text frame, like a string.
          if (open()) socket.send(data, { binary: false }, () => written());
        },
        get bufferedBytes() {
          return socket.bufferedAmount;
        },
        askReceipt(offset) {
          if (open()) socket.ping(String(offset));
        },
        close(code, reason) {
          if (open()) socket.close(code, reason);
        },
        drop(reason) {
          request.log.warn({ probe: id, reason }, 'dropping a viewer that does not read');
          socket.terminate();
        },
      };

      socket.on('pong', (data) => {
        alive = true;
        if (data.length > 0) watching?.readUpTo(Number(data.toString('latin1')));
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
        watching?.detach();
      });
      socket.on('error', () => socket.terminate());

      try {
        watching = options.manager.watch(id, after, viewer);
      } catch (error) {
        // A damaged stored event, say: this stream cannot go on, and says so with "internal error".
        request.log.error({ err: error, probe: id }, 'cannot replay the stored events');
        socket.close(1011, 'this stored result cannot be read');
        return;
      }
      if (!watching) socket.close(1008, 'not found');
    },
  );
};
