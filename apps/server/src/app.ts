// Builds the Fastify app (server.ts only listens): storage, the probe manager, security
// plugins and routes. Tests build it with their own config and an injected DNS resolver.
import { Ajv } from 'ajv';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import swagger from '@fastify/swagger';
import { RELAYPROBE_VERSION } from '@relayprobe/contracts';
import type { DnsResolver } from '@relayprobe/probe';
import type { ServerConfig } from './config.js';
import { openDataDir } from './storage/data-dir.js';
import type { ProbeStore } from './storage/probe-store.js';
import { DamagedRowError } from './storage/storage-errors.js';
import { ProbeManager, type ProbeManagerOptions } from './probes/probe-manager.js';
import { Metrics } from './metrics.js';
import { logText, sanitizeLogFields } from './log-text.js';
import { sendError } from './http/api-errors.js';
import { describeValidation } from './http/validation-message.js';
import { answerClientError, answerFrameworkError } from './http/framework-answers.js';
import { acceptOnlyUtf8Json } from './http/json-body.js';
import { refuseNonAddressClientId } from './http/client-address.js';
import { closeRemainingViewers } from './http/websocket-shutdown.js';
import { hostCheck } from './http/host-check.js';
import { capConnectionsPerClient } from './http/connection-cap.js';
import { probeRoutes } from './routes/probe-routes.js';
import { probeEventsRoute } from './routes/probe-events.js';
import { serviceRoutes } from './routes/service-routes.js';
import { PAGE_STYLE_HASH, pageRoutes } from './routes/page-routes.js';
import { renderNotFoundPage } from './pages/share-page.js';
import { DEFAULT_WEB_ROOT } from './pages/web-app.js';
import { setUpWatches, type WatchSetup } from './watches/watch-setup.js';

export interface AppDependencies {
  /** DNS resolver for probes (tests inject one; default: the system's, asynchronous). */
  resolver?: DnsResolver;
  /** Extra trust root for judging certificates (tests). */
  trustedCa?: string;
  /** Pino logger options, or false (tests). Default: JSON logs at the configured level. */
  logger?: FastifyServerOptions['logger'];
  /** Where the JSON log lines go instead of stdout (tests read them); the default logger options apply, and `logger` is ignored. */
  logStream?: { write(line: string): void };
  /** WebSocket ping interval (tests shorten it). */
  pingIntervalMs?: number;
  /** The web app's build (default apps/web/dist); tests point it elsewhere to test the plain pages. */
  webRoot?: string;
  /** The watches' clock and a listener of alert attempts (tests). */
  watchClock?: WatchSetup['clock'];
  onAlertAttempt?: WatchSetup['onAttempt'];
  /** What one probe's result may store (default: the engine's DEFAULT_RESULT_LIMITS); tests raise it to make results as large as a database from before the caps holds. */
  resultLimits?: ProbeManagerOptions['resultLimits'];
  /** Told of the store once it is open (tests reach it to fill up the real database). */
  storeOpened?: (store: ProbeStore) => void;
  /** First wait before a failed database write is tried again (tests shorten it). */
  storageRetryMs?: number;
}

const MAX_BODY_BYTES = 16 * 1024;
/** At shutdown, connections still open this long after the probes are done are closed. */
const STRAGGLER_MS = 2000;

/** JSON logs with control characters escaped and text fields capped (SECURITY.md §4; log-text.ts). */
function loggerOptions(config: ServerConfig, stream: AppDependencies['logStream']): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: ['req.headers.authorization'],
    // Top-level text fields (a probe's target, say); the request has its own serializer.
    formatters: { log: sanitizeLogFields },
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: logText(req.url), ip: req.ip }),
    },
    ...(stream ? { stream } : {}),
  };
}

export async function buildApp(config: ServerConfig, deps: AppDependencies = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logStream ? loggerOptions(config, deps.logStream) : (deps.logger ?? loggerOptions(config, undefined)),
    trustProxy: config.trustProxy,
    bodyLimit: MAX_BODY_BYTES,
    // Errors raised before a route runs answer in the API's format too (http/framework-answers.ts).
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    // While shutdown gives running probes their grace, requests are still answered by the routes
    // (a new probe gets 503 shutting-down in the API's format), not by Fastify's generic 503.
    return503OnClosing: false,
  });
  // Bodies are JSON: a port is a JSON integer, never "0x19", " 25" or true (SECURITY.md §1's strict
  // grammar). Query strings and path parameters are text, so those are coerced to their types.
  const strict = new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: true, strict: false });
  const coercing = new Ajv({ coerceTypes: 'array', removeAdditional: false, useDefaults: true, strict: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
  // The API speaks JSON only, in UTF-8; Fastify would otherwise accept text/plain bodies as strings.
  app.removeContentTypeParser('text/plain');
  acceptOnlyUtf8Json(app);

  // One server per data directory, locked before recovery marks anything interrupted.
  const { store, lock, interrupted } = openDataDir(config.dataDir, {
    onDamagedRow: (error) => app.log.error({ probe: error.probeId, part: error.part }, `skipping a damaged stored result in the listing: ${error.message}`),
  });
  if (lock.takenOverFrom) {
    const { pid, startedAt } = lock.takenOverFrom;
    app.log.warn(`took over the lock of ${config.dataDir} from pid ${pid} (running since ${startedAt}), which is no longer running: it crashed or was killed`);
  }
  if (interrupted.length > 0) app.log.warn({ probes: interrupted }, `marked ${interrupted.length} probe(s) left running by a crash as interrupted`);

  const publicBase = config.publicUrl;
  const linkTo = (id: string) => `${publicBase ?? ''}/r/${id}`;
  const metrics = new Metrics();
  deps.storeOpened?.(store);
  const manager = new ProbeManager({
    store,
    config,
    metrics,
    log: app.log,
    resolver: deps.resolver,
    trustedCa: deps.trustedCa,
    linkTo,
    resultLimits: deps.resultLimits,
    storageRetryMs: deps.storageRetryMs,
  });
  metrics.readLoadFrom(manager);
  const https = publicBase?.startsWith('https:') === true;

  await app.register(helmet, {
    // A strict CSP; upgrade-insecure-requests only behind HTTPS, or Chromium blanks a page served over plain HTTP (STACK.md pitfall 6).
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", PAGE_STYLE_HASH],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    hsts: https ? { maxAge: 15_552_000 } : false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(rateLimit, {
    global: false,
    // A request without an IP (app.injectWS) must not fail the limiter (STACK.md pitfall 3).
    keyGenerator: (request) => request.ip ?? 'unknown',
    errorResponseBuilder: (_request, context) => Object.assign(new Error(`Too many requests; try again in ${Math.ceil(context.ttl / 1000)} s.`), { statusCode: 429, code: 'rate-limited' }),
  });
  // Shutdown (issue 12, item 6), before the WebSocket plugin's own preClose so that live viewers
  // still get `done`: refuse new probes (a POST still resolving DNS gets 503 at once), give running
  // ones the grace, store every final state, send `done`. Then the remaining viewers get 1012
  // (websocket-shutdown.ts), and a connection still open after STRAGGLER_MS (a client that never
  // finishes its request) is cut, so that nothing holds the exit past the unit's TimeoutStopSec.
  app.addHook('preClose', async () => {
    await manager.shutdown(config.shutdownGraceSeconds * 1000);
    setTimeout(() => app.server.closeAllConnections(), STRAGGLER_MS).unref();
  });
  await app.register(websocket, { options: { maxPayload: 16 * 1024 }, preClose: closeRemainingViewers });
  // Checks of every request, WebSocket upgrades included. Added after the WebSocket plugin, whose
  // own onRequest hook marks an upgrade so that a refused one has its socket closed after the answer.
  capConnectionsPerClient(app.server, config.maxConnectionsPerClient, config.trustProxy);
  if (config.trustProxy) app.addHook('onRequest', refuseNonAddressClientId);
  // Against DNS rebinding: only the hosts the service is reached by, and its own pages' Origin.
  app.addHook('onRequest', hostCheck({ publicUrl: config.publicUrl, listenHost: config.host, allowedHosts: config.allowedHosts }));
  await app.register(swagger, {
    openapi: {
      info: { title: 'relayprobe API', version: RELAYPROBE_VERSION, description: 'Start open-relay probes, read results; live events over the WebSocket /api/v1/probes/{id}/events.' },
    },
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DamagedRowError) {
      request.log.error({ probe: error.probeId, part: error.part }, error.message);
      return sendError(reply, 500, 'stored-result-damaged', error.message);
    }
    if (error.validation) {
      // A malformed id is answered like an unknown one (SECURITY.md §4).
      if (error.validationContext === 'params') return sendError(reply, 404, 'not-found');
      const problem = describeValidation(error.validation, error.validationContext);
      return sendError(reply, 400, 'invalid-request', problem.message, problem.field);
    }
    if (error.statusCode === 429) return sendError(reply, 429, 'rate-limited', error.message);
    if (error.statusCode === 415) return sendError(reply, 415, 'invalid-request', 'Send the body as UTF-8 JSON with Content-Type: application/json.');
    if (error.statusCode === 413) return sendError(reply, 413, 'invalid-request', `The body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return sendError(reply, error.statusCode, 'invalid-request', error.message);
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, 'internal-error');
  });
  app.setNotFoundHandler({ preHandler: app.rateLimit({ max: 60, timeWindow: 60_000 }) }, (request, reply) => {
    if (request.url.startsWith('/api/')) return sendError(reply, 404, 'not-found', 'No such API route or result.');
    return reply.code(404).type('text/html; charset=utf-8').header('x-robots-tag', 'noindex').send(renderNotFoundPage());
  });

  await app.register(probeRoutes, { manager, store, authToken: config.authToken, rateLimitPerMinute: config.rateLimitPerMinute, linkTo });
  await app.register(probeEventsRoute, { manager, store, ...(deps.pingIntervalMs ? { pingIntervalMs: deps.pingIntervalMs } : {}) });
  await app.register(serviceRoutes, { manager, metrics, authToken: config.authToken, startedAt: Date.now() });
  const watches = await setUpWatches(app, { config, store, manager, metrics, linkTo, resolver: deps.resolver, clock: deps.watchClock, onAttempt: deps.onAlertAttempt });
  await app.register(pageRoutes, { manager, linkTo, publicBase, oldResultDays: config.oldResultDays, tokenRequired: config.authToken !== undefined, webRoot: deps.webRoot ?? DEFAULT_WEB_ROOT });

  // After the HTTP server has closed (no request reads the store any more).
  app.addHook('onClose', async () => {
    watches.close();
    store.close();
    lock.release();
  });
  return app;
}
