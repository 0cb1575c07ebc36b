// The result document: what `relayprobe --json` prints, what the server stores and returns from
// GET /api/v1/probes/:id. One schema, versioned; additive changes only within a version.
//
// Version 2 added the domain test (docs/result-schema.md): a document with `servers` holds one
// entry per server of the domain, each with its own evidence and verdict, and its top-level
// `verdict` is the domain's. A single-server document reads exactly as in version 1, so stored
// version-1 documents stay valid and are served as they were stored. Version 2 also keeps a
// reply's `raw` only when a line was not valid UTF-8 (its text reproduces every other reply,
// control characters included), and a reply may say what was cut (`cut`, flag `truncated`).
import { Type, type Static } from '@sinclair/typebox';
import { ProbeRequest } from './probe-request.js';
import { PlannedServer, ProbeEvent, SessionFacts } from './events.js';
import { DeliveryResult, Resolution, VectorResult, Verdict } from './results.js';

export const RESULT_SCHEMA_VERSION = 2 as const;

export const ProbeStatus = Type.Union([Type.Literal('running'), Type.Literal('complete'), Type.Literal('interrupted')]);
export type ProbeStatus = Static<typeof ProbeStatus>;

/** Where one server of a domain test stands: waiting for its turn, in its session, done (it has a verdict), or not tested. */
export const ServerStatus = Type.Union([Type.Literal('waiting'), Type.Literal('running'), Type.Literal('done'), Type.Literal('not-tested')]);
export type ServerStatus = Static<typeof ServerStatus>;

/** What one server's session gives: a single-server document's findings, and each server's in a domain test. */
const findings = {
  resolution: Type.Optional(Resolution),
  session: Type.Optional(SessionFacts),
  /** The evidence; empty at the top of a domain document (each server has its own). */
  vectors: Type.Array(VectorResult),
  delivery: Type.Optional(DeliveryResult),
  /** The server's verdict; at the top of a domain document, the domain's: the worst of its servers', naming which. */
  verdict: Type.Optional(Verdict),
};

/** One server of a domain test: the fold of the events tagged with its number. Its transcript is those events of the document's `events`. */
export const ServerResult = Type.Object({
  ...PlannedServer.properties,
  status: ServerStatus,
  /** Why it got no session (a reason code and its sentence). */
  notTested: Type.Optional(Type.Object({ code: Type.String(), text: Type.String() })),
  /** Milliseconds from the domain test's start to this server's first event. */
  startMs: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Milliseconds from its first event to its verdict. */
  durationMs: Type.Optional(Type.Integer({ minimum: 0 })),
  ...findings,
});
export type ServerResult = Static<typeof ServerResult>;

export const ResultDocument = Type.Object({
  /** 2 for documents written now; 1 for stored documents written before the domain test and the size caps. */
  schemaVersion: Type.Union([Type.Literal(1), Type.Literal(RESULT_SCHEMA_VERSION)]),
  /** Run id: 128-bit random, base64url. Also the token in generated local parts. */
  id: Type.String(),
  tool: Type.Object({ name: Type.Literal('relayprobe'), version: Type.String() }),
  status: ProbeStatus,
  request: ProbeRequest,
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
  durationMs: Type.Optional(Type.Integer({ minimum: 0 })),
  ...findings,
  /** A domain test's servers, in MX preference order; absent in a single-server test. */
  servers: Type.Optional(Type.Array(ServerResult)),
  events: Type.Array(ProbeEvent),
});
export type ResultDocument = Static<typeof ResultDocument>;
