// Operations: health, Prometheus metrics, and the OpenAPI document generated from the route schemas.
import type { FastifyPluginAsync } from 'fastify';
import { Health, RELAYPROBE_VERSION } from '@relayprobe/contracts';
import type { ProbeManager } from '../probes/probe-manager.js';
import type { Metrics } from '../metrics.js';
import { tokenGuard } from '../http/auth-token.js';

export interface ServiceRoutesOptions {
  manager: ProbeManager;
  metrics: Metrics;
  authToken: string | undefined;
  startedAt: number;
}

export const serviceRoutes: FastifyPluginAsync<ServiceRoutesOptions> = async (app, options) => {
  app.get('/api/v1/health', { schema: { summary: 'Liveness and load', response: { 200: Health } } }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    const problem = options.manager.storageProblem;
    return {
      status: problem === undefined ? ('ok' as const) : ('degraded' as const),
      ...(problem !== undefined ? { reason: problem } : {}),
      version: RELAYPROBE_VERSION,
      uptimeSeconds: Math.floor((Date.now() - options.startedAt) / 1000),
      running: options.manager.runningCount,
      queued: options.manager.queuedCount,
    };
  });

  app.get('/metrics', { schema: { hide: true }, preHandler: tokenGuard(options.authToken, 'read the metrics') }, async (_request, reply) => {
    reply.header('cache-control', 'no-store').type(options.metrics.contentType);
    return options.metrics.render();
  });

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
};
