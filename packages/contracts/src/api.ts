// HTTP and WebSocket contracts of the probe service (DESIGN.md "Contracts"; HOUSE-STYLE rule 9):
// one schema per body, response and message, imported by the server and the web app alike.
import { Type, type Static } from '@sinclair/typebox';
import { Suite, TlsMode } from './probe-request.js';
import { ProbeEvent } from './events.js';
import { VerdictCode } from './results.js';
import { ProbeStatus } from './result-document.js';
import { MAX_TARGET_LENGTH } from './target-grammar.js';

/** POST /api/v1/probes. The HELO name and test domain are the operator's (configuration), not the visitor's. */
export const CreateProbeBody = Type.Object(
  {
    target: Type.String({ minLength: 1, maxLength: MAX_TARGET_LENGTH, description: 'Host name, IP address, domain or e-mail address' }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    suite: Type.Optional(Suite),
    tls: Type.Optional(TlsMode),
    sendMessage: Type.Optional(Type.Boolean({ description: 'Opt-in delivery stage: one test message after the first accepted strong vector' })),
    to: Type.Optional(Type.String({ minLength: 3, maxLength: 256, description: 'Recipient for the test message' })),
  },
  { additionalProperties: false },
);
export type CreateProbeBody = Static<typeof CreateProbeBody>;

export const CreateProbeResponse = Type.Object({
  id: Type.String(),
  /** The share link: /r/<id>, absolute when RELAYPROBE_PUBLIC_URL is set. */
  url: Type.String(),
});
export type CreateProbeResponse = Static<typeof CreateProbeResponse>;

/** One line of GET /api/v1/probes. */
export const ProbeSummary = Type.Object({
  id: Type.String(),
  url: Type.String(),
  target: Type.String(),
  port: Type.Integer(),
  suite: Suite,
  status: ProbeStatus,
  verdict: Type.Optional(Type.Object({ code: VerdictCode, label: Type.String() })),
  createdAt: Type.String(),
  finishedAt: Type.Optional(Type.String()),
});
export type ProbeSummary = Static<typeof ProbeSummary>;

export const ProbeListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    /** Opaque cursor from a previous page's `next`. */
    before: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ProbeListQuery = Static<typeof ProbeListQuery>;

export const ProbeList = Type.Object({
  items: Type.Array(ProbeSummary),
  /** Cursor for the next (older) page; absent on the last page. */
  next: Type.Optional(Type.String()),
});
export type ProbeList = Static<typeof ProbeList>;

/** Result ids: 16 random bytes in base64url, exactly 22 characters (SECURITY.md §4). */
export const RESULT_ID_PATTERN = '^[A-Za-z0-9_-]{22}$';

export const ProbeIdParams = Type.Object({ id: Type.String({ pattern: RESULT_ID_PATTERN }) });
export type ProbeIdParams = Static<typeof ProbeIdParams>;

export const EventsQuery = Type.Object({ after: Type.Optional(Type.Integer({ minimum: 0, description: 'Send only events with seq greater than this' })) }, { additionalProperties: false });
export type EventsQuery = Static<typeof EventsQuery>;

/** Every error response: a stable code and a sentence a person can act on. */
export const ApiError = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    /** The request field at fault, when one is. */
    field: Type.Optional(Type.String()),
  }),
});
export type ApiError = Static<typeof ApiError>;

export const Health = Type.Object({
  /** `degraded`: results cannot be stored now (a full disk, a deleted data directory), so new probes are refused. */
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  /** Why the service is degraded, in words; absent while it is ok. */
  reason: Type.Optional(Type.String()),
  version: Type.String(),
  uptimeSeconds: Type.Integer(),
  running: Type.Integer(),
  queued: Type.Integer(),
});
export type Health = Static<typeof Health>;

/** Server → viewer, one per event; the same objects, in the same order, as the result's `events`. */
export const EventMessage = Type.Object({
  type: Type.Literal('event'),
  seq: Type.Integer({ minimum: 1 }),
  event: ProbeEvent,
});
/** Server → viewer, once the final state is committed. */
export const DoneMessage = Type.Object({
  type: Type.Literal('done'),
  status: ProbeStatus,
  verdict: Type.Optional(Type.Object({ code: VerdictCode, label: Type.String() })),
});
export const ServerMessage = Type.Union([EventMessage, DoneMessage]);
export type EventMessage = Static<typeof EventMessage>;
export type DoneMessage = Static<typeof DoneMessage>;
export type ServerMessage = Static<typeof ServerMessage>;

/** Viewer → server: the socket only pushes, so the one message a viewer may send is a keepalive. */
export const ClientMessage = Type.Object({ type: Type.Literal('ping') }, { additionalProperties: false });
export type ClientMessage = Static<typeof ClientMessage>;

/** Stable codes of API errors (docs/error-codes.md lists them with the probe's codes). */
export const API_ERROR_CODES = {
  'invalid-request': 'The request body or query does not match the API schema.',
  'invalid-target': 'The target is not a host name, IP address, domain or e-mail address in the accepted grammar.',
  'invalid-option': 'An option is malformed.',
  'port-not-allowed': 'The port is not allowed on this server (RELAYPROBE_PORTS).',
  'address-refused': 'The target resolves to an address this server may not connect to (private, loopback, metadata).',
  unauthorized: 'This server requires a token for this request: starting probes, listing the stored results or reading the metrics (Authorization: Bearer <token>).',
  'host-not-allowed': 'This server is not reached under that name (Host); it answers only to the names it is configured with (RELAYPROBE_PUBLIC_URL, RELAYPROBE_ALLOWED_HOSTS).',
  'not-found': 'No result with that id.',
  'rate-limited': 'Too many requests from this client; wait and try again.',
  'too-many-connections': 'This client holds as many connections open to this server as it may (RELAYPROBE_MAX_CONNECTIONS_PER_CLIENT); close some and try again.',
  'target-busy': 'A probe of this server is already running; watch that one.',
  'target-rate-limited': 'This server was probed too often in the last hour; see the recent result.',
  'queue-full': 'Too many probes are waiting; try again in a minute.',
  'shutting-down': 'The server is shutting down.',
  'storage-unavailable': 'Results cannot be stored right now (a full disk, a deleted data directory); new probes are refused until storage works again.',
  'stored-result-damaged': 'This stored result is damaged (its JSON does not parse or has the wrong shape) and cannot be shown; the other results are fine.',
  'internal-error': 'A bug in relayprobe; please report it.',
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_CODES;
