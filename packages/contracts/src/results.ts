// Structured findings of a probe: target resolution, one result per vector or control, the
// optional delivery stage and the verdict. Judging rules: RELAY-TESTS.md §4 and §5.
import { Type, type Static } from '@sinclair/typebox';
import { DELIVERY_OUTCOMES, VECTOR_OUTCOMES, VERDICT_CODES } from './result-codes.js';
import { RESULT_FLAGS, type ResultFlag } from './flag-codes.js';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const VectorOutcome = lit(VECTOR_OUTCOMES);
export type VectorOutcome = Static<typeof VectorOutcome>;

const Weight = lit(['strong', 'weak', 'control'] as const);
export type Weight = Static<typeof Weight>;

export const ReplySummary = Type.Object({
  code: Type.Integer(),
  enhanced: Type.Optional(Type.String()),
  /** Reply text without the codes, lines joined with a space. */
  text: Type.String(),
});
export type ReplySummary = Static<typeof ReplySummary>;

export const VectorResult = Type.Object({
  /** Registry id: R01..R23, C1..C3. */
  id: Type.String(),
  /** Unique within the run: the id, plus "@name" when the thorough suite repeats it per local name. */
  key: Type.String(),
  name: Type.String(),
  weight: Weight,
  mailFrom: Type.String(),
  rcptTo: Type.String(),
  /** The local name (T) this instance used, if its template has one. */
  localName: Type.Optional(Type.String()),
  outcome: VectorOutcome,
  /** The reply the outcome was judged on (RCPT's, or MAIL's when the sender was refused). */
  reply: Type.Optional(ReplySummary),
  /** Set when MAIL FROM was refused and the RCPT trick was retried with the plain sender. */
  senderRetry: Type.Optional(Type.Object({ refusedMailFrom: Type.String(), mailReply: ReplySummary, retryMailFrom: Type.String() })),
  /** Extra detail: 252-at-RCPT, greylisting, error-limit, ... (the registry's result flags, flag-codes.ts). */
  flags: Type.Array(lit(Object.keys(RESULT_FLAGS) as ResultFlag[])),
  /** Why it was not run or not completed, in words. */
  note: Type.Optional(Type.String()),
  /** For controls: whether the server answered as a discriminating server should. */
  expectationMet: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
});
export type VectorResult = Static<typeof VectorResult>;

const DeliveryOutcome = lit(DELIVERY_OUTCOMES);
export type DeliveryOutcome = Static<typeof DeliveryOutcome>;

export const DeliveryResult = Type.Object({
  /** The vector whose trick carried the message. */
  vector: Type.String(),
  mailFrom: Type.String(),
  rcptTo: Type.String(),
  outcome: DeliveryOutcome,
  reply: Type.Optional(ReplySummary),
  /** The server's queue id, when its end-of-data reply names one. */
  queueId: Type.Optional(Type.String()),
});
export type DeliveryResult = Static<typeof DeliveryResult>;

export const VerdictCode = lit(VERDICT_CODES);
export type VerdictCode = Static<typeof VerdictCode>;

export const Reason = Type.Object({
  /** A code from the reason registry (reason-codes.ts). */
  code: Type.String(),
  text: Type.String(),
  /** Keys of the vectors that are the evidence. */
  vectors: Type.Optional(Type.Array(Type.String())),
  /** In a domain test's verdict: the server this reason is about. */
  server: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type Reason = Static<typeof Reason>;

export const Verdict = Type.Object({
  code: VerdictCode,
  label: Type.String(),
  /** One sentence on why. */
  summary: Type.String(),
  /** What to do next. */
  advice: Type.String(),
  /** The evidence, most important first. */
  reasons: Type.Array(Reason),
});
export type Verdict = Static<typeof Verdict>;

export const ResolvedAddress = Type.Object({
  address: Type.String(),
  family: Type.Union([Type.Literal(4), Type.Literal(6)]),
  /** The host name this address belongs to (MX exchange or the input host); absent for literals. */
  host: Type.Optional(Type.String()),
  allowed: Type.Boolean(),
  /** The address's reverse-DNS name (PTR), a name the server may treat as its own (RELAY-TESTS.md §1). */
  reverseName: Type.Optional(Type.String()),
  /** Why the address policy refused it. */
  refusal: Type.Optional(Type.String()),
});
export type ResolvedAddress = Static<typeof ResolvedAddress>;

export const Resolution = Type.Object({
  input: Type.String(),
  kind: lit(['ipv4', 'ipv6', 'host', 'email'] as const),
  /** The name looked up (the input host, or the domain of an e-mail address). */
  domain: Type.Optional(Type.String()),
  mx: Type.Array(Type.Object({ exchange: Type.String(), preference: Type.Integer() })),
  nullMx: Type.Boolean(),
  /** True when the domain had no MX and its own address was used (RFC 5321 §5.1). */
  implicitMx: Type.Boolean(),
  addresses: Type.Array(ResolvedAddress),
  /** Error code when resolution failed or every address was refused. */
  error: Type.Optional(Type.Object({ code: Type.String(), text: Type.String() })),
});
export type Resolution = Static<typeof Resolution>;
