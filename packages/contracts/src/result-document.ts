// The result document: what `relayprobe --json` prints, what the server stores and returns from
// GET /api/v1/probes/:id. One schema, versioned; additive changes only within a version.
import { Type, type Static } from '@sinclair/typebox';
import { ProbeRequest } from './probe-request.js';
import { ProbeEvent, SessionFacts } from './events.js';
import { DeliveryResult, Resolution, VectorResult, Verdict } from './results.js';

export const RESULT_SCHEMA_VERSION = 1 as const;

export const ProbeStatus = Type.Union([Type.Literal('running'), Type.Literal('complete'), Type.Literal('interrupted')]);
export type ProbeStatus = Static<typeof ProbeStatus>;


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
