// The options of one probe, as the CLI flags and the REST body name them (DESIGN.md, "Contracts").
import { Type, type Static } from '@sinclair/typebox';
import { MAX_TARGET_LENGTH } from './target-grammar.js';

export const SUITES = ['quick', 'standard', 'thorough'] as const;
export const TLS_MODES = ['auto', 'starttls', 'implicit', 'none'] as const;

/** Which vectors run: quick = R01 + controls; standard = nmap's set + R02, R04, R07; thorough = all, per local name. */
export const Suite = Type.Union(SUITES.map((s) => Type.Literal(s)));
export type Suite = Static<typeof Suite>;

/** auto: STARTTLS when offered, implicit TLS on 465 and on a port silent for 3 s that answers TLS; starttls: required; implicit: TLS from the first byte; none: plain. */
export const TlsMode = Type.Union(TLS_MODES.map((m) => Type.Literal(m)));
export type TlsMode = Static<typeof TlsMode>;

/** The request as it was run (defaults filled in). */
export const ProbeRequest = Type.Object({
  target: Type.String({ minLength: 1, maxLength: MAX_TARGET_LENGTH }),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  suite: Suite,
  tls: TlsMode,
  helo: Type.String(),
  testDomain: Type.String(),
  sendMessage: Type.Boolean(),
  to: Type.Optional(Type.String()),
  timeoutSeconds: Type.Number({ exclusiveMinimum: 0 }),
  /** Longest wait for a greylister's delay before the one retry; 0: no retry. Absent in results made before it existed. */
  greylistWaitSeconds: Type.Optional(Type.Number({ minimum: 0 })),
  sourceAddress: Type.Optional(Type.String()),
});
export type ProbeRequest = Static<typeof ProbeRequest>;
