// Builds the watches of one app from its configuration: the store on the service's connection, the
// two address policies (probe targets: RELAYPROBE_ALLOW_TARGETS; webhooks: RELAYPROBE_ALLOW_WEBHOOKS),
// the alert senders, the service, its routes and its gauges. app.ts calls this once.
import type { FastifyInstance } from 'fastify';
import { createAddressPolicy, createSystemResolver, type AddressPolicy, type DnsResolver } from '@relayprobe/probe';
import type { ServerConfig } from '../config.js';
import type { Metrics } from '../metrics.js';
import type { ProbeManager } from '../probes/probe-manager.js';
import type { ProbeStore } from '../storage/probe-store.js';
import { alertSender } from './alert-senders.js';
import type { StoredDelivery } from './delivery-store.js';
import { systemClock, type Clock } from './watch-clock.js';
import { registerWatchMetrics } from './watch-metrics.js';
import { watchRoutes } from './watch-routes.js';
import { WatchService } from './watch-service.js';
import { WatchStore } from './watch-store.js';
import type { AttemptOutcome } from './webhook-sender.js';

export interface WatchSetup {
  config: ServerConfig;
  store: ProbeStore;
  manager: ProbeManager;
  metrics: Metrics;
  linkTo: (probeId: string) => string;
  /** The resolver of webhook host names (tests inject one; default: the system's). */
  resolver?: DnsResolver | undefined;
  clock?: Clock | undefined;
  /** Told of every recorded delivery attempt (tests). */
  onAttempt?: ((delivery: StoredDelivery, outcome: AttemptOutcome) => void) | undefined;
}

function policyOf(cidrs: string[], variable: string): AddressPolicy {
  const made = createAddressPolicy({ allowPrivate: false, allowCidrs: cidrs });
  // config.ts validated the CIDRs with this very function.
  if (!made.ok) throw new Error(`bug: ${variable} passed validation but ${made.message}`);
  return made.policy;
}

/** Create, start and route the watches of `app`; returns the service (closed by the caller). */
export async function setUpWatches(app: FastifyInstance, setup: WatchSetup): Promise<WatchService> {
  const { config } = setup;
  const resolver = setup.resolver ?? createSystemResolver(5000, []);
  const webhookPolicy = policyOf(config.allowWebhooks, 'RELAYPROBE_ALLOW_WEBHOOKS');
  const email = config.alertSmtpUrl ? { smtpUrl: config.alertSmtpUrl, from: config.alertFrom ?? `relayprobe@${config.heloName}`, heloName: config.heloName } : undefined;
  const watchLink = (id: string) => `${config.publicUrl ?? ''}/watches/${id}`;
  const watches = new WatchService({
    store: new WatchStore(setup.store.connection),
    manager: setup.manager,
    clock: setup.clock ?? systemClock,
    log: app.log,
    linkTo: setup.linkTo,
    watchLink,
    maxInFlight: config.maxConcurrent,
    rules: {
      minIntervalMinutes: config.watchMinIntervalMinutes,
      ports: config.ports,
      resolver,
      webhookPolicy,
      emailConfigured: email !== undefined,
      targetPolicy: policyOf(config.allowTargets, 'RELAYPROBE_ALLOW_TARGETS'),
    },
    send: alertSender({ resolver, policy: webhookPolicy, email }),
    ...(setup.onAttempt ? { onAttempt: setup.onAttempt } : {}),
  });
  registerWatchMetrics(setup.metrics, () => watches.watches());
  await app.register(watchRoutes, { watches, authToken: config.authToken, rateLimitPerMinute: config.rateLimitPerMinute });
  watches.start();
  return watches;
}
