// One fold of a probe's events into everything a result view shows (h11's lesson: the events are
// the only output). The probe runner builds its result document with it, the server its document
// of a running probe, the web page its store; nobody else reads meaning out of the events.
//
// Invariants:
// - Pure: the view and the events are never mutated; an event that tells the view nothing gives
//   back the very same view object (a store's selectors see no change).
// - Incremental: folding a list equals folding its events one at a time onto the previous view,
//   `foldEvents(b, foldEvents(a))` deep-equals `foldEvents([...a, ...b])`, and one more event
//   costs at most a copy of the vector list.
// - Events are folded in the order given. Putting them in seq order, without gaps or repeats, is
//   the reader's job (the web store's merge does it); stored and streamed events already are.
// - An event type this fold does not know changes nothing (a newer server may add some).
// - Domain tests: an event tagged `server: n` is folded, by this same fold, into server n's own
//   view and nowhere else, so a server's view is exactly foldEvents(its events); untagged events
//   (the domain's resolution, its servers, its verdict) make the top-level view.
import type { InfoEvent, PlannedServer, ProbeEvent, SessionFacts, TlsDetails } from './events.js';
import type { ResultDocument, ServerResult, ServerStatus } from './result-document.js';
import type { DeliveryResult, Resolution, VectorResult, Verdict } from './results.js';
import { EMPTY_VECTOR_ORDER, placeResult, placeStart, type VectorOrder } from './vector-order.js';

/** "vector 7 of 22", from the latest vector-start event. */
export interface VectorProgress {
  vector: string;
  index: number;
  total: number;
}

/** What the transcript has shown of the session so far; the session event's facts are the final word. */
export interface SessionSoFar {
  /** The first greeting reply's lines. */
  greeting?: readonly string[];
  /** ESMTP keywords of the latest 250 reply to EHLO (every line after the first, without its code). */
  extensions?: readonly string[];
  /** The latest TLS handshake. */
  tls?: TlsDetails;
}

/** Everything a result view shows, as the events so far tell it. */
export interface ResultView {
  /** The target's resolution (the first resolution event: there is one per probe). */
  resolution: Resolution | undefined;
  /** The latest result of each test, in plan order (a test run again shows once, where it stands in the plan). */
  vectors: readonly VectorResult[];
  /** The latest delivery result (--send-message). */
  delivery: DeliveryResult | undefined;
  /** The session facts from the session event (or, for an older document, its `session`: withDocumentFallback). */
  session: SessionFacts | undefined;
  sessionSoFar: SessionSoFar;
  /** The latest verdict. */
  verdict: Verdict | undefined;
  progress: VectorProgress | undefined;
  /**
   * While a greylister's wait runs: when the probe retries, in ms since the start (the latest
   * greylist-wait event's `ms + waitMs`); cleared when the probe connects again.
   */
  greylistRetryMs: number | undefined;
  /** Where each test stands in the plan (bookkeeping for `vectors`' order). */
  vectorOrder: VectorOrder;
  /** A domain test's servers (from its `servers` event), each with the view of its own events; undefined in a single-server test. */
  servers: readonly ServerView[] | undefined;
}

/** One server of a domain test as its events tell it. */
export interface ServerView {
  plan: PlannedServer;
  status: ServerStatus;
  notTested: { code: string; text: string } | undefined;
  /** ms of its first event and of its verdict. */
  startMs: number | undefined;
  endMs: number | undefined;
  /** The fold of the events tagged with its number. */
  view: ResultView;
}

/** The view before any event. */
export const EMPTY_RESULT_VIEW: ResultView = Object.freeze({
  resolution: undefined,
  vectors: [],
  delivery: undefined,
  session: undefined,
  sessionSoFar: {},
  verdict: undefined,
  progress: undefined,
  greylistRetryMs: undefined,
  vectorOrder: EMPTY_VECTOR_ORDER,
  servers: undefined,
});

const waitingServer = (plan: PlannedServer): ServerView => ({ plan, status: 'waiting', notTested: undefined, startMs: undefined, endMs: undefined, view: EMPTY_RESULT_VIEW });

/** Fold an event tagged `server: n` into server n's view (a server the plan did not list is added, so nothing is lost). */
function foldServerEvent(view: ResultView, event: ProbeEvent, n: number): ResultView {
  const servers = [...(view.servers ?? [])];
  let at = servers.findIndex((s) => s.plan.server === n);
  if (at < 0) {
    at = servers.length;
    servers.push(waitingServer({ server: n, preference: 0, host: '' }));
  }
  const current = servers[at] as ServerView;
  if (event.type === 'not-tested') {
    servers[at] = { ...current, status: 'not-tested', notTested: { code: event.code, text: event.text } };
    return { ...view, servers };
  }
  const inner = foldOwn(current.view, event);
  const started = current.startMs ?? event.ms;
  const status: ServerStatus = event.type === 'verdict' ? 'done' : current.status === 'waiting' ? 'running' : current.status;
  if (inner === current.view && status === current.status && started === current.startMs) return view;
  servers[at] = { ...current, view: inner, status, startMs: started, endMs: event.type === 'verdict' ? event.ms : current.endMs };
  return { ...view, servers };
}

function foldInfo(view: ResultView, event: InfoEvent): ResultView {
  if (event.code === 'greylist-wait' && event.waitMs !== undefined) return { ...view, greylistRetryMs: event.ms + event.waitMs };
  // The retry opens a new connection: the wait is over, whatever the two clocks say.
  if (event.code === 'connecting' && view.greylistRetryMs !== undefined) return { ...view, greylistRetryMs: undefined };
  return view;
}

/** Fold one more event onto `view`. */
export function foldEvent(view: ResultView, event: ProbeEvent): ResultView {
  return event.server !== undefined ? foldServerEvent(view, event, event.server) : foldOwn(view, event);
}

/** Fold an event into `view` itself, whatever its server tag (a server's own view, or an untagged event). */
function foldOwn(view: ResultView, event: ProbeEvent): ResultView {
  switch (event.type) {
    case 'servers':
      return view.servers === undefined ? { ...view, servers: event.servers.map(waitingServer) } : view;
    case 'resolution':
      return view.resolution === undefined ? { ...view, resolution: event.resolution } : view;
    case 'vector-start': {
      const placed = placeStart(view.vectors, view.vectorOrder, event.vector, event.index);
      return { ...view, ...placed, progress: { vector: event.vector, index: event.index, total: event.total } };
    }
    case 'vector-result':
      return { ...view, ...placeResult(view.vectors, view.vectorOrder, event.result) };
    case 'delivery':
      return { ...view, delivery: event.result };
    case 'session':
      return { ...view, session: event.facts };
    case 'verdict':
      return { ...view, verdict: event.verdict };
    case 'info':
      return foldInfo(view, event);
    case 'reply':
      if (event.phase === 'greeting' && view.sessionSoFar.greeting === undefined) {
        return { ...view, sessionSoFar: { ...view.sessionSoFar, greeting: event.lines } };
      }
      if (event.phase === 'ehlo' && event.code === 250 && event.lines.length > 0) {
        return { ...view, sessionSoFar: { ...view.sessionSoFar, extensions: event.lines.slice(1).map((line) => line.slice(4)) } };
      }
      return view;
    case 'tls':
      return { ...view, sessionSoFar: { ...view.sessionSoFar, tls: event.details } };
    default:
      return view;
  }
}

/** Fold `events` onto `view` (by default the empty view): the whole list, or the ones that just came. */
export function foldEvents(events: readonly ProbeEvent[], view: ResultView = EMPTY_RESULT_VIEW): ResultView {
  let next = view;
  for (const event of events) next = foldEvent(next, event);
  return next;
}

/**
 * Where the events say nothing, a document's own `session` and `verdict` fill in: documents
 * stored before the session event existed have their facts only in `session`, and a reader that
 * had to drop an event it could not read (the web page does) still has the document's verdict.
 * What the events say always wins.
 */
export function withDocumentFallback(view: ResultView, doc: Pick<ResultDocument, 'session' | 'verdict'>): ResultView {
  const session = view.session ?? doc.session;
  const verdict = view.verdict ?? doc.verdict;
  return session === view.session && verdict === view.verdict ? view : { ...view, session, verdict };
}

/** The result document's fields a view gives (those it does not know are left out, as the schema has them optional). */
export function documentFields(view: ResultView): Pick<ResultDocument, 'resolution' | 'session' | 'vectors' | 'delivery' | 'verdict' | 'servers'> {
  return {
    ...(view.resolution ? { resolution: view.resolution } : {}),
    ...(view.session ? { session: view.session } : {}),
    vectors: [...view.vectors],
    ...(view.delivery ? { delivery: view.delivery } : {}),
    ...(view.verdict ? { verdict: view.verdict } : {}),
    ...(view.servers ? { servers: view.servers.map(serverFields) } : {}),
  };
}

/** One server's entry of a domain document. */
function serverFields(server: ServerView): ServerResult {
  const { startMs, endMs } = server;
  const { servers: _nested, ...own } = documentFields(server.view);
  return {
    ...server.plan,
    status: server.status,
    ...(server.notTested ? { notTested: server.notTested } : {}),
    ...(startMs !== undefined ? { startMs } : {}),
    ...(startMs !== undefined && endMs !== undefined ? { durationMs: Math.max(0, endMs - startMs) } : {}),
    ...own,
  };
}

/** The events of server `n` of a domain test, in order: its transcript. */
export function serverEvents(events: readonly ProbeEvent[], n: number): ProbeEvent[] {
  return events.filter((event) => event.server === n);
}
