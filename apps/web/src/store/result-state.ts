// The result being viewed, as a pure value, and the reducers that change it. Events arrive from
// two sources that overlap (the GET document and the WebSocket, which replays from `after`), so
// merging is by sequence number: HOUSE-STYLE rule 9 promises seq counts from 1 without gaps.
//
// Invariants: `events[i].seq === i + 1` (no gaps, no duplicates); an event ahead of the next
// expected seq waits in `held` until the gap is filled. So the last seq merged is `events.length`
// (`lastSeq(state)`), derived rather than stored so the two cannot disagree.
import type { DoneMessage, ProbeEvent, ProbeRequest, ProbeStatus, ResultDocument, SessionFacts, Verdict } from '@relayprobe/contracts';

/** Where looking the result up stands. */
export type ResultLookup = 'idle' | 'loading' | 'found' | 'not-found' | 'failed';

/** "vector 7 of 22", from the latest vector-start event. */
export interface Progress {
  vector: string;
  index: number;
  total: number;
}

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
  progress: Progress | undefined;
  verdict: Verdict | undefined;
  /** The `done` message's short verdict, for a result whose verdict event is missing. */
  doneVerdict: DoneMessage['verdict'];
  request: ProbeRequest | undefined;
  /** When the probe started (the document's `startedAt`); event `ms` count from here. */
  startedAt: string | undefined;
  /**
   * While a greylister's wait runs: when the probe retries, in ms since the start (the latest
   * greylist-wait event's `ms + waitMs`); cleared when the probe connects again.
   */
  greylistRetryMs: number | undefined;
  /** Final session facts (only in a finished document). */
  session: SessionFacts | undefined;
}

/** The state of a result page before anything is known. */
export function emptyResult(id?: string): ResultState {
  return {
    id, lookup: id === undefined ? 'idle' : 'loading', failure: undefined, status: undefined, events: [], held: {},
    progress: undefined, verdict: undefined, doneVerdict: undefined, request: undefined, startedAt: undefined,
    greylistRetryMs: undefined, session: undefined,
  };
}

/** Derived facts one event contributes (progress, verdict, a greylister's wait). */
function absorb(state: ResultState, event: ProbeEvent): ResultState {
  if (event.type === 'vector-start') return { ...state, progress: { vector: event.vector, index: event.index, total: event.total } };
  if (event.type === 'verdict') return { ...state, verdict: event.verdict };
  if (event.type === 'info' && event.code === 'greylist-wait' && event.waitMs !== undefined) return { ...state, greylistRetryMs: event.ms + event.waitMs };
  // The retry opens a new connection: the wait is over, whatever the two clocks say.
  if (event.type === 'info' && event.code === 'connecting' && state.greylistRetryMs !== undefined) return { ...state, greylistRetryMs: undefined };
  return state;
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
  let next = state;
  const appended: ProbeEvent[] = [];
  for (let seq = last + 1; held[seq] !== undefined; seq += 1) {
    const event = held[seq] as ProbeEvent;
    delete held[seq];
    appended.push(event);
    next = absorb(next, event);
  }
  if (appended.length === 0) return { ...state, held };
  return { ...next, events: [...state.events, ...appended], held };
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
  return {
    ...merged, lookup: 'found', failure: undefined, status, request: doc.request, startedAt: doc.startedAt,
    session: doc.session ?? merged.session, verdict: merged.verdict ?? doc.verdict,
  };
}

/** The probe finished: status and the short verdict from the `done` message. */
export function applyDone(state: ResultState, done: Pick<DoneMessage, 'status' | 'verdict'>): ResultState {
  return { ...state, lookup: state.lookup === 'loading' ? 'found' : state.lookup, status: done.status, doneVerdict: done.verdict };
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
export function greylistRetryAt(state: Pick<ResultState, 'status' | 'startedAt' | 'greylistRetryMs'>): number | undefined {
  if (!isRunning(state) || state.greylistRetryMs === undefined || state.startedAt === undefined) return undefined;
  const started = Date.parse(state.startedAt);
  return Number.isFinite(started) ? started + state.greylistRetryMs : undefined;
}
