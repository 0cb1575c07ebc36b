// Reading the watches into the store (shared/load-list.ts).
import type { WatchList } from '@relayprobe/contracts';
import type { ApiOutcome } from '../../api/api-outcome.js';
import type { AppState } from '../../store/app-state.js';
import { loadList } from '../../shared/load-list.js';

/** Fetch the list with the current token and record what came of it. */
export function loadWatches(state: () => AppState, list: (token: string) => Promise<ApiOutcome<WatchList>>): Promise<void> {
  return loadList(state, list, (watches) => state().setWatches(watches));
}
