// The result slice: the probe on screen. Actions wrap the pure reducers of result-state.ts.
import type { StateCreator } from 'zustand/vanilla';
import type { DoneMessage, ProbeEvent, ResultDocument } from '@relayprobe/contracts';
import { applyDocument, applyDone, emptyResult, mergeEvents, selectServer, type ResultState } from './result-state.js';
import type { AppState } from './app-state.js';

/** The result on screen and the actions the page and the live stream call. */
export interface ResultSlice {
  result: ResultState;
  /** Start showing result `id` (clears the previous one); `server`: the domain test's server its link chose. */
  openResult(id: string, server?: number): void;
  /** Show server `server` of a domain test. */
  selectServer(server: number): void;
  /** A document from GET /api/v1/probes/:id. */
  receiveDocument(doc: ResultDocument): void;
  /** Events from the live stream. */
  receiveEvents(events: readonly ProbeEvent[]): void;
  /** The live stream's `done`. */
  receiveDone(done: Pick<DoneMessage, 'status' | 'verdict'>): void;
  /** The server has no result with this id. */
  markNotFound(): void;
  /** The result could not be read (network or server error). */
  markFailed(message: string): void;
}

/** The result slice of the store. */
export const createResultSlice: StateCreator<AppState, [], [], ResultSlice> = (set) => ({
  result: emptyResult(),
  openResult: (id, server) => set({ result: emptyResult(id, server) }),
  selectServer: (server) => set((s) => ({ result: selectServer(s.result, server) })),
  receiveDocument: (doc) => set((s) => (doc.id === s.result.id ? { result: applyDocument(s.result, doc) } : {})),
  receiveEvents: (events) => set((s) => ({ result: mergeEvents(s.result, events) })),
  receiveDone: (done) => set((s) => ({ result: applyDone(s.result, done) })),
  markNotFound: () => set((s) => ({ result: { ...s.result, lookup: 'not-found' } })),
  markFailed: (message) => set((s) => ({ result: { ...s.result, lookup: s.result.lookup === 'found' ? 'found' : 'failed', failure: message } })),
});
