// REST for watches (issue 14; the names are the issue's, scripts use them). Every route needs the
// token when RELAYPROBE_AUTH_TOKEN is set: a watch names servers and where alerts go.
//   POST   /api/v1/watches            -> 201 { id, url }
//   GET    /api/v1/watches            -> { items: [watch, ...] }
//   GET    /api/v1/watches/:id        -> the watch with `state`, `history` and `deliveries`
//   PATCH  /api/v1/watches/:id        -> the watch (paused, intervalMinutes, suite, tls, alerts)
//   DELETE /api/v1/watches/:id        -> 204
//   POST   /api/v1/watches/:id/run    -> 202 { probeId }
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError, CreateWatchBody, CreateWatchResponse, RunWatchResponse, UpdateWatchBody, WatchDocument, WatchIdParams, WatchList } from '@relayprobe/contracts';
import { sendError } from '../http/api-errors.js';
import { tokenGuard } from '../http/auth-token.js';
import type { WatchService } from './watch-service.js';

export interface WatchRoutesOptions {
  watches: WatchService;
  authToken: string | undefined;
  /** Requests per client per minute that change watches or start runs. */
  rateLimitPerMinute: number;
}

const NO_WATCH = 'No watch with that id.';
const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 429: ApiError, 503: ApiError };

export const watchRoutes: FastifyPluginAsync<WatchRoutesOptions> = async (fastify, options) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { watches } = options;
  const preHandler = tokenGuard(options.authToken, 'manage watches');
  const limited = { rateLimit: { max: options.rateLimitPerMinute, timeWindow: 60_000 } };
  const tags = ['watches'];

  app.post(
    '/api/v1/watches',
    {
      schema: { summary: 'Watch a mail server: re-test it on a schedule and alert on change', tags, body: CreateWatchBody, response: { 201: CreateWatchResponse, ...errors } },
      config: limited,
      preHandler,
    },
    async (request, reply) => {
      const outcome = await watches.create(request.body);
      if (!outcome.ok) return sendError(reply, outcome.status, outcome.code, outcome.message, outcome.field);
      const url = watches.get(outcome.id)?.url ?? '';
      return reply.code(201).header('location', `/api/v1/watches/${outcome.id}`).send({ id: outcome.id, url });
    },
  );

  app.get('/api/v1/watches', { schema: { summary: 'Every watch with its state and latest runs', tags, response: { 200: WatchList, 401: ApiError } }, preHandler }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { items: watches.list() };
  });

  app.get(
    '/api/v1/watches/:id',
    {
      schema: {
        summary: 'One watch: state, history (runs with their probe ids and verdicts) and alert deliveries',
        tags,
        params: WatchIdParams,
        response: { 200: WatchDocument, 401: ApiError, 404: ApiError },
      },
      preHandler,
    },
    async (request, reply) => {
      const watch = watches.get(request.params.id);
      if (!watch) return sendError(reply, 404, 'not-found', NO_WATCH);
      reply.header('cache-control', 'no-store');
      return watch;
    },
  );

  app.patch(
    '/api/v1/watches/:id',
    {
      schema: {
        summary: 'Change a watch (pause or resume it, its interval, suite, TLS mode or alerts)',
        tags,
        params: WatchIdParams,
        body: UpdateWatchBody,
        response: { 200: WatchDocument, ...errors },
      },
      config: limited,
      preHandler,
    },
    async (request, reply) => {
      const outcome = await watches.update(request.params.id, request.body);
      if (!outcome) return sendError(reply, 404, 'not-found', NO_WATCH);
      if (!outcome.ok) return sendError(reply, outcome.status, outcome.code, outcome.message, outcome.field);
      return outcome.watch;
    },
  );

  app.delete(
    '/api/v1/watches/:id',
    {
      schema: { summary: 'Delete a watch with its history (its results stay readable by their links)', tags, params: WatchIdParams, response: { 204: Type.Null(), 401: ApiError, 404: ApiError } },
      preHandler,
    },
    async (request, reply) => {
      if (!watches.delete(request.params.id)) return sendError(reply, 404, 'not-found', NO_WATCH);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/watches/:id/run',
    {
      schema: { summary: 'Run a watch now', tags, params: WatchIdParams, response: { 202: RunWatchResponse, ...errors } },
      config: limited,
      preHandler,
    },
    async (request, reply) => {
      const outcome = await watches.runNow(request.params.id);
      if (!outcome) return sendError(reply, 404, 'not-found', NO_WATCH);
      if (!outcome.ok) return sendError(reply, outcome.status, outcome.code, outcome.message, outcome.field);
      return reply.code(202).send({ probeId: outcome.probeId });
    },
  );
};
