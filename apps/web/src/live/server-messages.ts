// Checking what the server sends, by hand: the live stream's messages and the REST answers
// (api/probes-api.ts reads its bodies with the readers here). The contracts' `matchesSchema` would
// pull TypeBox's value checker into the page (about 15 KB gzipped, a sixth of the budget), so this
// checks the fields the page reads, per event type, and no more: enough that a malformed message
// cannot break rendering. The server validates its own output against the same contracts.
import type { CreateProbeResponse, DoneMessage, EventMessage, ProbeEvent, ProbeList, ResultDocument, RunWatchResponse, WatchDocument, WatchList } from '@relayprobe/contracts';

type Check = (value: unknown) => boolean;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str: Check = (v) => typeof v === 'string';
const int: Check = (v) => Number.isInteger(v);
const bool: Check = (v) => typeof v === 'boolean';
const count: Check = (v) => int(v) && (v as number) >= 0;
const strings: Check = (v) => Array.isArray(v) && v.every(str);
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);
const shape =
  (fields: Record<string, Check>): Check =>
  (v) =>
    isObject(v) && Object.entries(fields).every(([k, check]) => check(v[k]));
const list =
  (check: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(check);
const nullable =
  (check: Check): Check =>
  (v) =>
    v === null || check(v);

const reply = shape({ code: int, enhanced: optional(str), text: str });
const vectorResult = shape({ key: str, id: str, name: str, mailFrom: str, rcptTo: str, outcome: str, reply: optional(reply), note: optional(str), flags: strings });
const verdict = shape({ code: str, label: str, summary: str, advice: str, reasons: list(shape({ code: str, text: str })) });
const tlsDetails = shape({ protocol: nullable(str), cipher: nullable(str), authorized: bool, certificate: nullable(shape({ subject: str, issuer: str, validTo: str })) });
const resolution = shape({ input: str, kind: str, mx: list(shape({ exchange: str, preference: int })), nullMx: bool, implicitMx: bool, addresses: list(shape({ address: str, allowed: bool })) });

/** The fields each event type must have, besides seq and ms. */
const EVENT_FIELDS: Record<ProbeEvent['type'], Record<string, Check>> = {
  resolution: { resolution },
  // waitMs: a greylist-wait's pause before the retry, which the page counts down.
  info: { phase: str, code: str, text: str, waitMs: optional(count) },
  error: { phase: str, code: str, text: str },
  command: { phase: str, tls: bool, text: str },
  reply: { phase: str, tls: bool, code: int, lines: strings, elapsedMs: int, flags: strings },
  tls: { phase: str, details: tlsDetails },
  'vector-start': { vector: str, name: str, index: int, total: int },
  'vector-result': { result: vectorResult },
  delivery: { result: shape({ vector: str, rcptTo: str, outcome: str }) },
  session: { phase: str, facts: shape({ port: int, extensions: strings, localNames: strings, connections: int }) },
  verdict: { verdict },
  // A domain test's servers, and a server it did not test.
  servers: { servers: list(shape({ server: int, preference: int, host: str, address: optional(str) })), omittedHosts: count },
  'not-tested': { server: int, code: str, text: str },
};

const STATUSES = new Set(['running', 'complete', 'interrupted']);
const status: Check = (v) => STATUSES.has(v as string);

/** True when `value` is a probe event this page can render. */
export function isProbeEvent(value: unknown): value is ProbeEvent {
  if (!isObject(value) || !int(value.seq) || (value.seq as number) < 1 || !int(value.ms)) return false;
  const fields = Object.hasOwn(EVENT_FIELDS, value.type as string) ? EVENT_FIELDS[value.type as ProbeEvent['type']] : undefined;
  return fields !== undefined && shape(fields)(value);
}

/** An event with a usable seq but a shape this page cannot read stands in as an info line, so no gap opens. */
function readEvent(value: unknown, seq: number): ProbeEvent {
  if (isProbeEvent(value) && value.seq === seq) return value;
  const ms = isObject(value) && int(value.ms) ? (value.ms as number) : 0;
  return { seq, ms, type: 'info', phase: 'done', code: 'unreadable-event', text: `(event ${seq} has a form this page cannot show)` };
}

/** A message of the live stream, or undefined when it is not one. */
export function parseServerMessage(data: unknown): EventMessage | DoneMessage | undefined {
  if (typeof data !== 'string') return undefined;
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isObject(message)) return undefined;
  if (message.type === 'event') {
    if (!int(message.seq) || (message.seq as number) < 1) return undefined;
    return { type: 'event', seq: message.seq as number, event: readEvent(message.event, message.seq as number) };
  }
  if (message.type === 'done' && status(message.status)) {
    return optional(shape({ code: str, label: str }))(message.verdict) ? (message as DoneMessage) : undefined;
  }
  return undefined;
}

const session = shape({
  attempts: list(shape({ address: str, port: int, outcome: str })),
  greeting: optional(strings),
  extensions: strings,
  tls: nullable(tlsDetails),
  localNames: strings,
});

/** A result document as GET returns it, or undefined when its shape is wrong; unreadable parts are replaced or left out. */
export function readResultDocument(value: unknown): ResultDocument | undefined {
  if (!shape({ id: str, status, events: Array.isArray, request: shape({ target: str, port: int, suite: str, tls: str, sendMessage: bool }) })(value)) {
    return undefined;
  }
  const doc = value as unknown as ResultDocument & { events: unknown[] };
  // Events are numbered from 1 in order (DESIGN.md "Contracts"); position gives the seq of one that lost it.
  const events = doc.events.map((event, i) => readEvent(event, isObject(event) && int(event.seq) ? (event.seq as number) : i + 1));
  const { verdict: v, session: facts, durationMs, ...rest } = doc;
  return {
    ...rest,
    events,
    ...(v !== undefined && verdict(v) ? { verdict: v } : {}),
    ...(facts !== undefined && session(facts) ? { session: facts } : {}),
    ...(typeof durationMs === 'number' && int(durationMs) && durationMs >= 0 ? { durationMs } : {}),
  };
}

/** The answer to POST /api/v1/probes, or undefined when it lacks the id or the link. */
export function readCreateProbeResponse(value: unknown): CreateProbeResponse | undefined {
  return shape({ id: str, url: str })(value) ? (value as CreateProbeResponse) : undefined;
}

/** What the recent list shows of one item; its badge reads the verdict's code (statusBadge). */
const probeSummary = shape({ id: str, target: str, port: int, suite: str, status, createdAt: str, verdict: optional(shape({ code: str, label: str })) });

/** GET /api/v1/probes with the items this page can show (unreadable ones left out), or undefined when it is not a list. */
export function readProbeList(value: unknown): ProbeList | undefined {
  if (!shape({ items: Array.isArray })(value)) return undefined;
  return { items: (value as { items: unknown[] }).items.filter(probeSummary) as ProbeList['items'] };
}

/** One watch as the Watches page reads it (history marks and deliveries checked; unreadable ones left out). */
const watchRun = shape({ probeId: str, url: str, scheduled: bool, startedAt: str, status, verdict: optional(shape({ code: str, label: str })) });
const alertDelivery = shape({ id: int, type: str, destination: str, status: str, attempts: int, createdAt: str, responseStatus: optional(int), error: optional(str) });
const watchDocument = shape({
  id: str,
  url: str,
  target: str,
  port: int,
  suite: str,
  tls: str,
  intervalMinutes: int,
  paused: bool,
  createdAt: str,
  lastRunAt: optional(str),
  nextRunAt: optional(str),
  runningProbeId: optional(str),
  state: shape({ failures: int, verdict: optional(shape({ code: str, label: str })) }),
  history: Array.isArray,
  deliveries: Array.isArray,
});

/** GET /api/v1/watches with the watches this page can show, or undefined when it is not a list. */
export function readWatchList(value: unknown): WatchList | undefined {
  if (!shape({ items: Array.isArray })(value)) return undefined;
  const items = (value as { items: unknown[] }).items.filter(watchDocument) as WatchDocument[];
  return { items: items.map((w) => ({ ...w, history: w.history.filter(watchRun), deliveries: w.deliveries.filter(alertDelivery) })) };
}

/** The answer to POST /api/v1/watches/:id/run. */
export function readRunWatchResponse(value: unknown): RunWatchResponse | undefined {
  return shape({ probeId: str })(value) ? (value as RunWatchResponse) : undefined;
}
