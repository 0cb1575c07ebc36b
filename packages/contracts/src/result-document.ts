// The result document: what `relayprobe --json` prints, what the server stores and returns from
// GET /api/v1/probes/:id. One schema, versioned; additive changes only within a version.
import { Type, type Static } from '@sinclair/typebox';
import { ProbeRequest } from './probe-request.js';
import { ProbeEvent, TlsDetails } from './events.js';
import { DeliveryResult, Resolution, VectorResult, Verdict } from './results.js';

export const RESULT_SCHEMA_VERSION = 1 as const;

export const ProbeStatus = Type.Union([Type.Literal('running'), Type.Literal('complete'), Type.Literal('interrupted')]);
export type ProbeStatus = Static<typeof ProbeStatus>;

/** Facts learned from the SMTP session (the last connection that got as far as EHLO). */
export const SessionFacts = Type.Object({
  /** Address and port the relay tests ran against. */
  address: Type.Optional(Type.String()),
  port: Type.Integer(),
  /** Our side of the connection (vantage point). */
  localAddress: Type.Optional(Type.String()),
  /** Addresses tried, in order, with what happened. */
  attempts: Type.Array(Type.Object({ address: Type.String(), port: Type.Integer(), outcome: Type.String() })),
  greeting: Type.Optional(Type.Array(Type.String())),
  /** Name from the first line of the EHLO (or HELO) reply. */
  ehloName: Type.Optional(Type.String()),
  /** True when EHLO was refused and HELO used instead. */
  heloFallback: Type.Boolean(),
  /** ESMTP keywords with parameters, as advertised after TLS when TLS was used. */
  extensions: Type.Array(Type.String()),
  pipelining: Type.Boolean(),
  starttlsOffered: Type.Boolean(),
  tls: Type.Union([TlsDetails, Type.Null()]),
  /** Local names (T) the vectors used, in the order they were found. */
  localNames: Type.Array(Type.String()),
  /** TCP connections opened (reconnects for error limits and closes included). */
  connections: Type.Integer({ minimum: 0 }),
});
export type SessionFacts = Static<typeof SessionFacts>;

export const ResultDocument = Type.Object({
  schemaVersion: Type.Literal(RESULT_SCHEMA_VERSION),
  /** Run id: 128-bit random, base64url. Also the token in generated local parts. */
  id: Type.String(),
  tool: Type.Object({ name: Type.Literal('relayprobe'), version: Type.String() }),
  status: ProbeStatus,
  request: ProbeRequest,
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
  durationMs: Type.Optional(Type.Integer({ minimum: 0 })),
  resolution: Type.Optional(Resolution),
  session: Type.Optional(SessionFacts),
  vectors: Type.Array(VectorResult),
  delivery: Type.Optional(DeliveryResult),
  verdict: Type.Optional(Verdict),
  events: Type.Array(ProbeEvent),
});
export type ResultDocument = Static<typeof ResultDocument>;
