// The React binding of the store. Selectors must return stable values (a slice field, not a new
// object), or zustand 5 re-renders forever; derive in the component with useMemo instead.
import { useStore } from 'zustand';
import type { AppState } from './app-state.js';
import { appStore } from './app-store.js';

/** Read a value from the app's store; re-render when it changes. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, selector);
}

/** The store's actions and state outside React (event handlers, the live module). */
export const app = (): AppState => appStore.getState();
