// The watches slice: the Watches page's list (issue 14).
import type { StateCreator } from 'zustand/vanilla';
import type { WatchDocument } from '@relayprobe/contracts';
import type { AppState } from './app-state.js';

/** loading; ready (items); needs-token (the server wants its token); failed (message). */
export type WatchesList = { state: 'loading' } | { state: 'ready'; items: readonly WatchDocument[] } | { state: 'needs-token' } | { state: 'failed'; message: string };

/** The list and its setter. */
export interface WatchesSlice {
  watches: WatchesList;
  setWatches(watches: WatchesList): void;
}

/** The watches slice of the store. */
export const createWatchesSlice: StateCreator<AppState, [], [], WatchesSlice> = (set) => ({
  watches: { state: 'loading' },
  setWatches: (watches) => set({ watches }),
});
