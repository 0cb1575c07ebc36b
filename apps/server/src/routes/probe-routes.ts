// REST: start probes, read one result, list recent results (DESIGN.md "Contracts").
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError, CreateProbeBody, CreateProbeResponse, ProbeIdParams, ProbeList, ProbeListQuery, ResultDocument, type ProbeSummary } from '@relayprobe/contracts';
import type { ProbeManager } from '../probes/probe-manager.js';
import type { ProbeStore, StoredProbe } from '../storage/probe-store.js';
import { InvalidCursorError } from '../storage/storage-errors.js';
import { sendError } from '../http/api-errors.js';
import { sendJsonText } from '../http/json-text.js';
import { tokenGuard } from '../http/auth-token.js';

export interface ProbeRoutesOptions {
  manager: ProbeManager;
  store: ProbeStore;
  authToken: string | undefined;
  rateLimitPerMinute: number;
  linkTo: (id: string) => string;
}

const errors = { 400: ApiError, 401: ApiError, 403: ApiError, 404: ApiError, 429: ApiError, 503: ApiError };

export const probeRoutes: FastifyPluginAsync<ProbeRoutesOptions> = async (fastify, options) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const startGuard = tokenGuard(options.authToken, 'start probes');
  const listGuard = tokenGuard(options.authToken, 'list the stored results');
  const summary = (row: StoredProbe): ProbeSummary => ({
    id: row.id,
    url: options.linkTo(row.id),
    target: row.target,
    port: row.request.port,
    suite: row.request.suite,
    status: row.status,
    ...(row.verdict ? { verdict: row.verdict } : {}),
    createdAt: row.createdAt,
    ...(row.finishedAt ? { finishedAt: row.finishedAt } : {}),
  });

  app.post(
    '/api/v1/probes',
    {
      schema: { summary: 'Start a probe', body: CreateProbeBody, response: { 201: CreateProbeResponse, ...errors } },
      config: { rateLimit: { max: options.rateLimitPerMinute, timeWindow: 60_000 } },
      preHandler: startGuard,
    },
    async (request, reply) => {
      const outcome = await options.manager.start(request.body);
      if (!outcome.ok) return sendError(reply, outcome.status, outcome.code, outcome.message, outcome.field);
      const url = options.linkTo(outcome.id);
      return reply.code(201).header('location', url).send({ id: outcome.id, url });
    },
  );

  app.get(
    '/api/v1/probes/:id',
    {
      schema: { summary: 'Read a result (running, complete or interrupted)', params: ProbeIdParams, response: { 200: ResultDocument, 404: ApiError, 429: ApiError } },
      // Guessing ids is what a limit on this route stops (SECURITY.md §4: 404s are rate limited).
      config: { rateLimit: { max: 120, timeWindow: 60_000 } },
    },
    async (request, reply) => {
      // JSON text with control, bidi and invisible characters as JSON escapes (display-text.ts); a
      // finished result's text is built once and kept (probes/finished-results.ts).
      const result = options.manager.resultJson(request.params.id);
      if (!result) return sendError(reply, 404, 'not-found');
      reply.header('cache-control', result.status === 'running' ? 'no-store' : 'private, max-age=3600');
      return sendJsonText(reply, result.json);
    },
  );

  app.get(
    '/api/v1/probes',
    {
      schema: { summary: 'Recent results, newest first', querystring: ProbeListQuery, response: { 200: ProbeList, 400: ApiError, 401: ApiError } },
      preHandler: listGuard,
    },
    async (request, reply) => {
      const { before } = request.query;
      let page;
      try {
        page = options.store.listProbes({ limit: request.query.limit ?? 20, ...(before ? { before } : {}) });
      } catch (error) {
        if (error instanceof InvalidCursorError) return sendError(reply, 400, 'invalid-request', 'The "before" cursor is not one this server gave out.', error.field);
        throw error;
      }
      reply.header('cache-control', 'no-store');
      return { items: page.items.map(summary), ...(page.next ? { next: page.next } : {}) };
    },
  );
};
