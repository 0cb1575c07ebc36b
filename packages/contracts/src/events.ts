// Transcript events: the product (HOUSE-STYLE rule 8). The CLI, the stored result, the WebSocket
// stream and the web page all carry exactly these objects, in this order.
//
// Invariants: `seq` counts from 1 without gaps within one probe; `ms` is milliseconds since the
// probe started and never decreases; `text` fields hold what was sent or received, decoded as
// UTF-8 (invalid bytes become U+FFFD) and never escaped; a reply is stored once: as its text,
// which reproduces its bytes, or, when a line was not valid UTF-8, with the exact bytes in `raw`
// (base64) too. What one result may store is capped (the engine's result-limits.ts): a reply that
// was cut says so in `cut`, and its `flags` hold `truncated`. Escaping for display is the renderer's job
// (display-text.ts: escapeForDisplay for people, toSafeJson for JSON text, which writes control,
// bidi and invisible characters as \u escapes so the document prints safely and parses back to
// these exact values).
import { Type, type Static } from '@sinclair/typebox';
import { VectorResult, DeliveryResult, Verdict, Resolution } from './results.js';
import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/** Which part of the probe an event belongs to. */
export const Phase = Type.Union(['resolve', 'connect', 'greeting', 'ehlo', 'starttls', 'control', 'vector', 'delivery', 'quit', 'done'].map((p) => Type.Literal(p)));
export type Phase = Static<typeof Phase>;

const base = {
  seq: Type.Integer({ minimum: 1 }),
  ms: Type.Integer({ minimum: 0 }),
  /** In a domain test, the number of the server this event belongs to (its `servers` entry); absent for the test as a whole and in a single-server test. */
  server: Type.Optional(Type.Integer({ minimum: 1 })),
};

/** Vector or control this line belongs to (its key, e.g. "R05" or "R05@mx.example.com"). */
const vectorRef = { vector: Type.Optional(Type.String()) };

export const TlsDetails = Type.Object({
  protocol: Type.Union([Type.String(), Type.Null()]),
  cipher: Type.Union([Type.String(), Type.Null()]),
  /** Whether the chain verified against the system's trust store. */
  authorized: Type.Boolean(),
  /** OpenSSL's reason when not authorized, e.g. CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT. */
  authorizationError: Type.Union([Type.String(), Type.Null()]),
  /** Result of checking the certificate against the host name we expected (null: no name to check). */
  hostnameMatch: Type.Union([Type.Boolean(), Type.Null()]),
  hostnameError: Type.Union([Type.String(), Type.Null()]),
  servername: Type.Union([Type.String(), Type.Null()]),
  certificate: Type.Union([
    Type.Null(),
    Type.Object({
      subject: Type.String(),
      issuer: Type.String(),
      subjectAltNames: Type.Array(Type.String()),
      validFrom: Type.String(),
      validTo: Type.String(),
      fingerprint256: Type.String(),
      selfSigned: Type.Boolean(),
    }),
  ]),
});
export type TlsDetails = Static<typeof TlsDetails>;

export const CommandEvent = Type.Object({
  ...base,
  type: Type.Literal('command'),
  phase: Phase,
  tls: Type.Boolean(),
  /** The line as written, without its CRLF. Several lines when pipelined are several events. */
  text: Type.String(),
  ...vectorRef,
});

export const ReplyEvent = Type.Object({
  ...base,
  type: Type.Literal('reply'),
  phase: Phase,
  tls: Type.Boolean(),
  code: Type.Integer({ minimum: 200, maximum: 599 }),
  /** RFC 3463 enhanced status code from the first line, when present ("5.7.1"). */
  enhanced: Type.Optional(Type.String()),
  /** Every line of the reply as received, code included ("250-PIPELINING"). */
  lines: Type.Array(Type.String()),
  /** Exact bytes (base64) when a line was not valid UTF-8, the only case the lines cannot reproduce them (schema 2; schema 1 also kept them for valid UTF-8 with control characters). */
  raw: Type.Optional(Type.String()),
  /** What was not stored of this reply (the result's caps): lines cut or left out, and their stored bytes. */
  cut: Type.Optional(Type.Object({ lines: Type.Integer({ minimum: 1 }), bytes: Type.Integer({ minimum: 0 }) })),
  /** Milliseconds from the command being written (or the connection opening) to the reply's end. */
  elapsedMs: Type.Integer({ minimum: 0 }),
  /** Irregularities that did not stop parsing, and `truncated` (flag-codes.ts REPLY_FLAGS). */
  flags: Type.Array(Type.String()),
  ...vectorRef,
});

export const InfoEvent = Type.Object({
  ...base,
  type: Type.Literal('info'),
  phase: Phase,
  /** Stable code for what happened (connecting, connected, tls-established, closed, ...). */
  code: Type.String(),
  text: Type.String(),
  /** greylist-wait: how long the probe waits before its retry (a page shows the countdown). */
  waitMs: Type.Optional(Type.Integer({ minimum: 0 })),
  ...vectorRef,
});

export const ErrorEvent = Type.Object({
  ...base,
  type: Type.Literal('error'),
  phase: Phase,
  /** A code from the error registry (error-codes.ts). */
  code: Type.Union((Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => Type.Literal(code))),
  /** Whose fault: ours (configuration, policy, deadline) or the server's (protocol, network). */
  side: Type.Union([Type.Literal('ours'), Type.Literal('server')]),
  text: Type.String(),
  /** The first bytes that caused it (base64), kept as evidence when the server misbehaved. */
  evidence: Type.Optional(Type.String()),
  ...vectorRef,
});

const TlsEvent = Type.Object({
  ...base,
  type: Type.Literal('tls'),
  phase: Phase,
  details: TlsDetails,
});

/** Progress marker: a vector or control is about to be tested ("vector 7 of 17"). */
export const VectorStartEvent = Type.Object({
  ...base,
  type: Type.Literal('vector-start'),
  vector: Type.String(),
  /** The vector's one-line name ("plain third-party relay"). */
  name: Type.String(),
  index: Type.Integer({ minimum: 1 }),
  total: Type.Integer({ minimum: 1 }),
});

const VectorResultEvent = Type.Object({
  ...base,
  type: Type.Literal('vector-result'),
  result: VectorResult,
});

const DeliveryEvent = Type.Object({
  ...base,
  type: Type.Literal('delivery'),
  result: DeliveryResult,
});

const ResolutionEvent = Type.Object({
  ...base,
  type: Type.Literal('resolution'),
  resolution: Resolution,
});

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

/** The session facts, once, just before the verdict: the stream carries everything a result view shows. */
const SessionEvent = Type.Object({
  ...base,
  type: Type.Literal('session'),
  phase: Phase,
  facts: SessionFacts,
});

/** One server of a domain test: one address of one MX host, or an MX host that gave no address. */
export const PlannedServer = Type.Object({
  /** Its number, from 1 in MX preference order (then the order of its addresses): the `server` of its events. */
  server: Type.Integer({ minimum: 1 }),
  preference: Type.Integer({ minimum: 0 }),
  /** The MX host name. */
  host: Type.String(),
  /** Absent when the host gave no address (its `not-tested` event says why). */
  address: Type.Optional(Type.String()),
  family: Type.Optional(Type.Union([Type.Literal(4), Type.Literal(6)])),
});
export type PlannedServer = Static<typeof PlannedServer>;

/** A domain test's servers, once, after its resolution and before any of them is tested. */
const ServersEvent = Type.Object({
  ...base,
  type: Type.Literal('servers'),
  servers: Type.Array(PlannedServer),
  /** MX hosts past the lookup limit, never looked up (a zone may publish hundreds). */
  omittedHosts: Type.Integer({ minimum: 0 }),
});

/** A server of a domain test that gets no session, and why (a reason code: no-ipv6-route, address-refused, ...). Not a verdict on the server. */
const NotTestedEvent = Type.Object({
  ...base,
  type: Type.Literal('not-tested'),
  server: Type.Integer({ minimum: 1 }),
  code: Type.String(),
  text: Type.String(),
});

const VerdictEvent = Type.Object({
  ...base,
  type: Type.Literal('verdict'),
  verdict: Verdict,
});

export const ProbeEvent = Type.Union([
  ResolutionEvent,
  InfoEvent,
  ErrorEvent,
  CommandEvent,
  ReplyEvent,
  TlsEvent,
  VectorStartEvent,
  VectorResultEvent,
  DeliveryEvent,
  SessionEvent,
  VerdictEvent,
  ServersEvent,
  NotTestedEvent,
]);
export type ProbeEvent = Static<typeof ProbeEvent>;
export type CommandEvent = Static<typeof CommandEvent>;
export type ReplyEvent = Static<typeof ReplyEvent>;
export type InfoEvent = Static<typeof InfoEvent>;
export type ErrorEvent = Static<typeof ErrorEvent>;
export type TlsEvent = Static<typeof TlsEvent>;
export type VectorStartEvent = Static<typeof VectorStartEvent>;
export type VectorResultEvent = Static<typeof VectorResultEvent>;
export type DeliveryEvent = Static<typeof DeliveryEvent>;
export type ResolutionEvent = Static<typeof ResolutionEvent>;
export type VerdictEvent = Static<typeof VerdictEvent>;
export type SessionEvent = Static<typeof SessionEvent>;
export type ServersEvent = Static<typeof ServersEvent>;
export type NotTestedEvent = Static<typeof NotTestedEvent>;

/** An event before the transcript stamps it with seq and ms. */
export type EventBody = ProbeEvent extends infer E ? (E extends ProbeEvent ? Omit<E, 'seq' | 'ms'> : never) : never;
