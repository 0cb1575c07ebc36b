// The one store, built from its slices. `createAppStore` makes a fresh one (tests); `appStore`
// is the app's. Components read it through `useApp(selector)` (use-app.ts).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppState } from './app-state.js';
import { createAuthSlice } from './auth-slice.js';
import { createConnectionSlice } from './connection-slice.js';
import { createFormSlice } from './form-slice.js';
import { createRecentSlice } from './recent-slice.js';
import { createResultSlice } from './result-slice.js';
import { createWatchesSlice } from './watches-slice.js';

/** A fresh store with every slice in its initial state. */
export function createAppStore(): StoreApi<AppState> {
  return createStore<AppState>()((...a) => ({
    ...createFormSlice(...a),
    ...createAuthSlice(...a),
    ...createRecentSlice(...a),
    ...createResultSlice(...a),
    ...createConnectionSlice(...a),
    ...createWatchesSlice(...a),
  }));
}

/** The app's store. */
export const appStore = createAppStore();
