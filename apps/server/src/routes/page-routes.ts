// Pages: / and the share page /r/:id (noindex, no-referrer, nothing from third parties).
import type { FastifyPluginAsync } from 'fastify';
import { createHash } from 'node:crypto';
import type { ProbeManager } from '../probes/probe-manager.js';
import { RESULT_ID } from '../http/api-errors.js';
import fastifyStatic from '@fastify/static';
import { join } from 'node:path';
import { previewOf, renderMessagePage, renderNotFoundPage, renderSharePage } from '../pages/share-page.js';
import { DamagedRowError } from '../storage/storage-errors.js';
import { WebApp } from '../pages/web-app.js';
import { NO_SUCH_RESULT_TITLE } from '@relayprobe/contracts';
import { renderHomePage } from '../pages/home-page.js';
import { PAGE_STYLE } from '../pages/page-style.js';

export interface PageRoutesOptions {
  manager: ProbeManager;
  linkTo: (id: string) => string;
  publicBase: string | undefined;
  /** RELAYPROBE_OLD_RESULT_DAYS, for the web app (PageSettings). */
  oldResultDays: number;
  tokenRequired: boolean;
  /** The web app's build directory; without an index.html there, the server-rendered pages are used. */
  webRoot: string;
}

const HOME_HEAD = { title: 'relayprobe: is your mail server an open relay?', description: 'Test a mail server for open relaying, live, with a verdict you can share.' };

/** CSP source for the inline stylesheet of these pages. */
export const PAGE_STYLE_HASH = `'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`;

export const pageRoutes: FastifyPluginAsync<PageRoutesOptions> = async (app, options) => {
  const web = WebApp.load(options.webRoot, { oldResultDays: options.oldResultDays, publicUrl: options.publicBase });
  // og:url must be absolute: without RELAYPROBE_PUBLIC_URL the service does not know its origin
  // (the Host header is the client's word), so previews go without one.
  const absoluteLink = (id: string) => (options.publicBase ? options.linkTo(id) : undefined);
  if (web) {
    // Hashed file names: cache forever.
    await app.register(fastifyStatic, { root: join(web.root, 'assets'), prefix: '/assets/', immutable: true, maxAge: '365d', index: false, decorateReply: false });
  } else {
    app.log.warn(`no web app build at ${options.webRoot}; serving the plain pages (run npm run build)`);
  }

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache');
    if (web) return reply.send(web.render({ ...HOME_HEAD, url: options.publicBase ? `${options.publicBase}/` : undefined }));
    const base = options.publicBase ?? `${request.protocol}://${request.host}`;
    return reply.send(renderHomePage(base, options.tokenRequired));
  });

  // The watches page is the web app's (it reads the token-guarded API); without a build, the plain home page.
  const WATCHES_HEAD = { title: 'Watches · relayprobe', description: 'Mail servers re-tested on a schedule.' };
  for (const path of ['/watches', '/watches/:id']) {
    app.get(path, { schema: { hide: true } }, async (request, reply) => {
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('x-robots-tag', 'noindex, nofollow');
      if (web) return reply.send(web.render(WATCHES_HEAD));
      return reply.send(renderHomePage(options.publicBase ?? `${request.protocol}://${request.host}`, options.tokenRequired));
    });
  }

  app.get<{ Params: { id: string } }>('/r/:id', { schema: { hide: true }, config: { rateLimit: { max: 120, timeWindow: 60_000 } } }, async (request, reply) => {
    const { id } = request.params;
    reply.header('x-robots-tag', 'noindex, nofollow').header('referrer-policy', 'no-referrer').type('text/html; charset=utf-8');
    let result;
    try {
      result = RESULT_ID.test(id) ? options.manager.result(id) : undefined;
    } catch (error) {
      if (!(error instanceof DamagedRowError)) throw error;
      request.log.error({ probe: error.probeId, part: error.part }, error.message);
      const damaged = { title: 'Damaged result', description: `This stored result is damaged (its ${error.part}) and cannot be shown.` };
      return reply.code(500).send(web ? web.render(damaged) : renderMessagePage(damaged.title, 'This result cannot be shown', damaged.description));
    }
    if (!result) {
      // The same answer for unknown and malformed ids (SECURITY.md §4).
      return reply.code(404).send(web ? web.render({ title: NO_SUCH_RESULT_TITLE, description: 'The link is wrong or the result is gone.' }) : renderNotFoundPage());
    }
    reply.header('cache-control', 'no-store');
    if (web) return reply.send(web.render({ ...previewOf(result), url: absoluteLink(id) }));
    return reply.send(renderSharePage({ result, url: absoluteLink(id) }));
  });
};
