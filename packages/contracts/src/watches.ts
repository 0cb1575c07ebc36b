// Watches (issue 14): a target re-tested on a schedule, alerting when its state changes. The
// bodies and responses of /api/v1/watches and the alert payload, one schema each, shared by the
// server and the web app. Field names are the (scripts depend on them).
import { Type, type Static } from '@sinclair/typebox';
import { Suite, TlsMode } from './probe-request.js';
import { VerdictCode } from './results.js';
import { ProbeStatus } from './result-document.js';
import { MAX_TARGET_LENGTH } from './target-grammar.js';
import { ALERT_TYPES, WATCH_CHANGE_KINDS, WATCH_MAX_INTERVAL_MINUTES } from './watch-codes.js';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const AlertType = lit(ALERT_TYPES);
export type AlertType = Static<typeof AlertType>;
export const WatchChangeKind = lit(WATCH_CHANGE_KINDS);
export type WatchChangeKind = Static<typeof WatchChangeKind>;

/** One place to alert: a webhook URL (webhook, slack, teams) or an e-mail address (email). */
export const AlertChannel = Type.Object(
  {
    type: AlertType,
    url: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'webhook, slack, teams: the URL to POST to' })),
    to: Type.Optional(Type.String({ minLength: 3, maxLength: 256, description: 'email: the recipient' })),
    secret: Type.Optional(Type.String({ minLength: 16, maxLength: 256, description: 'webhook: the HMAC-SHA256 key of X-Relayprobe-Signature' })),
  },
  { additionalProperties: false },
);
export type AlertChannel = Static<typeof AlertChannel>;

const Alerts = Type.Array(AlertChannel, { maxItems: 10 });
const IntervalMinutes = Type.Integer({ minimum: 1, maximum: WATCH_MAX_INTERVAL_MINUTES, description: 'Minutes between runs (default 1440; at least RELAYPROBE_WATCH_MIN_INTERVAL)' });

/** POST /api/v1/watches. */
export const CreateWatchBody = Type.Object(
  {
    target: Type.String({ minLength: 1, maxLength: MAX_TARGET_LENGTH, description: 'Host name, IP address, domain or e-mail address' }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    suite: Type.Optional(Suite),
    tls: Type.Optional(TlsMode),
    intervalMinutes: Type.Optional(IntervalMinutes),
    alerts: Alerts,
  },
  { additionalProperties: false },
);
export type CreateWatchBody = Static<typeof CreateWatchBody>;

/** PATCH /api/v1/watches/:id: any of these; `alerts` replaces the list. */
export const UpdateWatchBody = Type.Object(
  { paused: Type.Optional(Type.Boolean()), intervalMinutes: Type.Optional(IntervalMinutes), suite: Type.Optional(Suite), tls: Type.Optional(TlsMode), alerts: Type.Optional(Alerts) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateWatchBody = Static<typeof UpdateWatchBody>;

export const CreateWatchResponse = Type.Object({ id: Type.String(), url: Type.String() });
export type CreateWatchResponse = Static<typeof CreateWatchResponse>;

/** POST /api/v1/watches/:id/run: the probe it started. */
export const RunWatchResponse = Type.Object({ probeId: Type.String() });
export type RunWatchResponse = Static<typeof RunWatchResponse>;

const VerdictRef = Type.Object({ code: VerdictCode, label: Type.String() });

export const CertificateState = Type.Object({
  validTo: Type.String(),
  /** Whole days until validTo (negative once expired). */
  daysLeft: Type.Integer(),
  /** Chain verified, name matched, not expired. */
  valid: Type.Boolean(),
  /** Why it is not valid. */
  problem: Type.Optional(Type.String()),
});
export type CertificateState = Static<typeof CertificateState>;

/** A watch's state as the alerts compare it: what the last run that counted found. */
export const WatchState = Type.Object({
  /** Absent until the first run finished. */
  verdict: Type.Optional(VerdictRef),
  reachable: Type.Optional(Type.Boolean()),
  /** STARTTLS offered (absent when unknown: no session, or implicit TLS). */
  starttls: Type.Optional(Type.Boolean()),
  certificate: Type.Optional(CertificateState),
  /** Runs in a row that reached no SMTP service. */
  failures: Type.Integer({ minimum: 0 }),
  /** The run the state comes from. */
  probeId: Type.Optional(Type.String()),
  checkedAt: Type.Optional(Type.String()),
});
export type WatchState = Static<typeof WatchState>;

/** One run of a watch: an ordinary result with its own link. */
export const WatchRun = Type.Object({
  probeId: Type.String(),
  url: Type.String(),
  /** True for runs the scheduler started, false for "run now". */
  scheduled: Type.Boolean(),
  startedAt: Type.String(),
  status: ProbeStatus,
  verdict: Type.Optional(VerdictRef),
  finishedAt: Type.Optional(Type.String()),
});
export type WatchRun = Static<typeof WatchRun>;

const DeliveryStatus = lit(['pending', 'delivered', 'failed'] as const);

/** One alert sent (or being sent) to one channel. */
export const AlertDelivery = Type.Object({
  id: Type.Integer(),
  type: AlertType,
  /** The URL without its path (it often holds a token) or the e-mail address. */
  destination: Type.String(),
  probeId: Type.String(),
  changes: Type.Array(WatchChangeKind),
  status: DeliveryStatus,
  attempts: Type.Integer({ minimum: 0 }),
  createdAt: Type.String(),
  lastAttemptAt: Type.Optional(Type.String()),
  nextAttemptAt: Type.Optional(Type.String()),
  /** HTTP status of the last attempt (webhooks). */
  responseStatus: Type.Optional(Type.Integer()),
  error: Type.Optional(Type.String()),
});
export type AlertDelivery = Static<typeof AlertDelivery>;

/** An alert channel as the API shows it: never the secret, never a webhook URL's path. */
const AlertChannelView = Type.Object({ type: AlertType, destination: Type.String(), signed: Type.Boolean() });
export type AlertChannelView = Static<typeof AlertChannelView>;

/** GET /api/v1/watches/:id (and each item of the list). */
export const WatchDocument = Type.Object({
  id: Type.String(),
  url: Type.String(),
  target: Type.String(),
  port: Type.Integer(),
  suite: Suite,
  tls: TlsMode,
  intervalMinutes: Type.Integer(),
  paused: Type.Boolean(),
  alerts: Type.Array(AlertChannelView),
  createdAt: Type.String(),
  lastRunAt: Type.Optional(Type.String()),
  /** Absent while paused. */
  nextRunAt: Type.Optional(Type.String()),
  /** The run in progress, if any. */
  runningProbeId: Type.Optional(Type.String()),
  state: WatchState,
  /** Newest first. */
  history: Type.Array(WatchRun),
  /** Newest first. */
  deliveries: Type.Array(AlertDelivery),
});
export type WatchDocument = Static<typeof WatchDocument>;

export const WatchList = Type.Object({ items: Type.Array(WatchDocument) });
export type WatchList = Static<typeof WatchList>;

export const WatchIdParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{22}$' }) });
export type WatchIdParams = Static<typeof WatchIdParams>;

/** The state an alert reports, before and after. */
export const AlertState = Type.Object({
  verdict: VerdictRef,
  reachable: Type.Boolean(),
  starttls: Type.Optional(Type.Boolean()),
  certificate: Type.Optional(CertificateState),
  probeId: Type.Optional(Type.String()),
});
export type AlertState = Static<typeof AlertState>;

/**
 * The generic webhook's body (POST, application/json), signed: `X-Relayprobe-Signature:
 * sha256=<hex>` is HMAC-SHA256 of these exact bytes under the alert's secret.
 */
export const WatchAlertPayload = Type.Object({
  event: Type.Literal('watch.changed'),
  watch: Type.Object({ id: Type.String(), target: Type.String(), port: Type.Integer(), url: Type.String() }),
  changes: Type.Array(Type.Object({ kind: WatchChangeKind, text: Type.String() })),
  previous: AlertState,
  current: AlertState,
  probeId: Type.String(),
  resultUrl: Type.String(),
  /** When the change was found; a retried delivery sends the same bytes. */
  detectedAt: Type.String(),
});
export type WatchAlertPayload = Static<typeof WatchAlertPayload>;
