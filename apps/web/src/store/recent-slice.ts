// The recent slice: the list of recent results on the home page.
import type { StateCreator } from 'zustand/vanilla';
import type { ProbeSummary } from '@relayprobe/contracts';
import type { AppState } from './app-state.js';
import type { ListState } from '../shared/load-list.js';

/** loading; ready (items); needs-token (the server wants a token to list); failed (message). */
export type RecentList = ListState<ProbeSummary>;

/** The recent list and its setter. */
export interface RecentSlice {
  recent: RecentList;
  setRecent(recent: RecentList): void;
}

/** The recent slice of the store. */
export const createRecentSlice: StateCreator<AppState, [], [], RecentSlice> = (set) => ({
  recent: { state: 'loading' },
  setRecent: (recent) => set({ recent }),
});
