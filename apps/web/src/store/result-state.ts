// The result being viewed, as a pure value, and the reducers that change it. Events arrive from
// two sources that overlap (the GET document and the WebSocket, which replays from `after`), so
// merging is by sequence number: HOUSE-STYLE rule 9 promises seq counts from 1 without gaps.
// What the events mean (vectors, verdict, progress, session facts...) is the contracts' one fold,
// `foldEvents`, kept in `view` and advanced by each event as it is merged.
//
// Invariants: `events[i].seq === i + 1` (no gaps, no duplicates); an event ahead of the next
// expected seq waits in `held` until the gap is filled. So the last seq merged is `events.length`
// (`lastSeq(state)`), derived rather than stored so the two cannot disagree. `view` is the fold of
// `events` (and, for a document, of its own fields where the events say nothing).
import {
  EMPTY_RESULT_VIEW,
  foldEvents,
  withDocumentFallback,
  type DoneMessage,
  type ProbeEvent,
  type ProbeRequest,
  type ProbeStatus,
  type ResultDocument,
  type ResultView,
} from '@relayprobe/contracts';
import { shownServer, type ShownServer } from './shown-server.js';

/** Where looking the result up stands. */
export type ResultLookup = 'idle' | 'loading' | 'found' | 'not-found' | 'failed';

/** Everything the result page shows about one probe. */
export interface ResultState {
  id: string | undefined;
  lookup: ResultLookup;
  /** Why the lookup failed (network, server error), in words. */
  failure: string | undefined;
  status: ProbeStatus | undefined;
  events: readonly ProbeEvent[];
  /** Events that arrived ahead of a gap, by seq. */
  held: Readonly<Record<number, ProbeEvent>>;
  /** What the events say: the fold of `events` (contracts' foldEvents). */
  view: ResultView;
  /** The `done` message's short verdict, for a result whose verdict event is missing. */
  doneVerdict: DoneMessage['verdict'];
  request: ProbeRequest | undefined;
  /** When the probe started (the document's `startedAt`); event `ms` count from here. */
  startedAt: string | undefined;
  /** In a domain test: the server the link (`?server=N`) or a click chose. */
  selectedServer: number | undefined;
  /** What the evidence, transcript, timeline and facts show: the result itself, or one server of a domain test (shown-server.ts). */
  shown: ShownServer;
  /** How long a finished probe took (the document's `durationMs`; absent while running and for interrupted ones). */
  durationMs: number | undefined;
}

/** The state of a result page before anything is known; `server` is the one its link chose. */
export function emptyResult(id?: string, server?: number): ResultState {
  const events: readonly ProbeEvent[] = [];
  return {
    id,
    lookup: id === undefined ? 'idle' : 'loading',
    failure: undefined,
    status: undefined,
    events,
    held: {},
    view: EMPTY_RESULT_VIEW,
    doneVerdict: undefined,
    request: undefined,
    startedAt: undefined,
    durationMs: undefined,
    selectedServer: server,
    shown: { server: undefined, events, view: EMPTY_RESULT_VIEW },
  };
}

/** Show server `server` of a domain test (a click, or the link's `?server=`). */
export function selectServer(state: ResultState, server: number): ResultState {
  if (state.selectedServer === server) return state;
  const next = { ...state, selectedServer: server };
  return { ...next, shown: shownServer(next) };
}

/** The highest seq merged without a gap (0 before any event). */
export function lastSeq(state: Pick<ResultState, 'events'>): number {
  return state.events.length;
}

/** Merge events: duplicates (seq <= lastSeq) are ignored, events past a gap wait for it to fill. */
export function mergeEvents(state: ResultState, incoming: readonly ProbeEvent[]): ResultState {
  const last = lastSeq(state);
  let held: Record<number, ProbeEvent> | undefined;
  for (const event of incoming) {
    if (!Number.isInteger(event.seq) || event.seq <= last) continue;
    held ??= { ...state.held };
    held[event.seq] ??= event;
  }
  if (!held) return state;
  const appended: ProbeEvent[] = [];
  for (let seq = last + 1; held[seq] !== undefined; seq += 1) {
    appended.push(held[seq] as ProbeEvent);
    delete held[seq];
  }
  if (appended.length === 0) return { ...state, held };
  const next = { ...state, events: [...state.events, ...appended], held, view: foldEvents(appended, state.view) };
  return { ...next, shown: shownServer(next, appended) };
}

/** True when some events wait behind a gap. */
export function hasGap(state: ResultState): boolean {
  return Object.keys(state.held).length > 0;
}

/** Take in a document from GET /api/v1/probes/:id. */
export function applyDocument(state: ResultState, doc: ResultDocument): ResultState {
  const merged = mergeEvents(state, doc.events);
  // A finished status is final: a document fetched before `done` must not turn it back to running.
  const status = state.status !== undefined && state.status !== 'running' ? state.status : doc.status;
  const next: ResultState = {
    ...merged,
    lookup: 'found',
    failure: undefined,
    status,
    request: doc.request,
    startedAt: doc.startedAt,
    durationMs: doc.durationMs,
    view: withDocumentFallback(merged.view, doc),
  };
  return { ...next, shown: shownServer(next) };
}

/** The probe finished: status and the short verdict from the `done` message. */
export function applyDone(state: ResultState, done: Pick<DoneMessage, 'status' | 'verdict'>): ResultState {
  const next: ResultState = { ...state, lookup: state.lookup === 'loading' ? 'found' : state.lookup, status: done.status, doneVerdict: done.verdict };
  return { ...next, shown: shownServer(next) };
}

/** The probe is still running per the latest information (nothing final seen yet). */
export function isRunning(state: Pick<ResultState, 'status'>): boolean {
  return state.status === 'running';
}

/**
 * When a running probe retries after a greylister's wait, as a time on the page's clock (ms since
 * the epoch): `startedAt` plus the wait's end; undefined when no wait runs, the probe has finished,
 * or the start is unknown.
 */
export function greylistRetryAt(state: Pick<ResultState, 'status' | 'startedAt' | 'view'>): number | undefined {
  const retryMs = state.view.greylistRetryMs;
  if (!isRunning(state) || retryMs === undefined || state.startedAt === undefined) return undefined;
  const started = Date.parse(state.startedAt);
  return Number.isFinite(started) ? started + retryMs : undefined;
}
