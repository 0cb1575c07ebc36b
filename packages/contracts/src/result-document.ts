// The result document: what `relayprobe --json` prints, what the server stores and returns from
// GET /api/v1/probes/:id. One schema, versioned; additive changes only within a version.
import { Type, type Static } from '@sinclair/typebox';
import { ProbeRequest } from './probe-request.js';
import { ProbeEvent, SessionFacts } from './events.js';
import { DeliveryResult, Resolution, VectorResult, Verdict } from './results.js';

/**
 * 2: a reply keeps `raw` only when a line was not valid UTF-8 (its text reproduces every other
 * reply, control characters included), and may say what was cut (`cut`, flag `truncated`).
 * Documents of version 1 (stored before) are still served as they are.
 */
export const RESULT_SCHEMA_VERSION = 2 as const;

export const ProbeStatus = Type.Union([Type.Literal('running'), Type.Literal('complete'), Type.Literal('interrupted')]);
export type ProbeStatus = Static<typeof ProbeStatus>;


export { SessionFacts };

export const ResultDocument = Type.Object({
  schemaVersion: Type.Union([Type.Literal(1), Type.Literal(RESULT_SCHEMA_VERSION)]),
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
