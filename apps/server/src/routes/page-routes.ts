// Pages: / and the share page /r/:id (noindex, no-referrer, nothing from third parties).
import type { FastifyPluginAsync } from 'fastify';
import { createHash } from 'node:crypto';
import type { ProbeManager } from '../probes/probe-manager.js';
import type { ProbeStore } from '../storage/probe-store.js';
import { resultDocument } from '../probes/result-view.js';
import { RESULT_ID } from '../http/api-errors.js';
import { renderNotFoundPage, renderSharePage } from '../pages/share-page.js';
import { renderHomePage } from '../pages/home-page.js';
import { PAGE_STYLE } from '../pages/page-style.js';

export interface PageRoutesOptions {
  manager: ProbeManager;
  store: ProbeStore;
  linkTo: (id: string) => string;
  publicBase: string | undefined;
  tokenRequired: boolean;
}

/** CSP source for the inline stylesheet of these pages. */
export const PAGE_STYLE_HASH = `'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`;

export const pageRoutes: FastifyPluginAsync<PageRoutesOptions> = async (app, options) => {
  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const base = options.publicBase ?? `${request.protocol}://${request.host}`;
    return reply.type('text/html; charset=utf-8').send(renderHomePage(base, options.tokenRequired));
  });

  app.get<{ Params: { id: string } }>('/r/:id', { schema: { hide: true }, config: { rateLimit: { max: 120, timeWindow: 60_000 } } }, async (request, reply) => {
    const { id } = request.params;
    const row = RESULT_ID.test(id) ? options.store.getProbe(id) : undefined;
    reply.header('x-robots-tag', 'noindex, nofollow').header('referrer-policy', 'no-referrer').type('text/html; charset=utf-8');
    if (!row) return reply.code(404).send(renderNotFoundPage());
    const result = resultDocument(row, options.manager.liveEvents(id) ?? options.store.getEvents(id));
    reply.header('cache-control', row.status === 'running' ? 'no-store' : 'private, max-age=60');
    return reply.send(renderSharePage({ result, url: options.linkTo(id) }));
  });
};
