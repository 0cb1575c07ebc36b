// Reading the recent results into the store (shared/load-list.ts). Shared: the recent list loads
// it on mount, and the form again when the access token field loses focus.
import type { ProbeList } from '@relayprobe/contracts';
import type { ApiOutcome } from '../api/api-outcome.js';
import type { AppState } from '../store/app-state.js';
import { loadList } from './load-list.js';

/** Fetch the list with the current token and record what came of it. */
export function loadRecent(state: () => AppState, list: (token: string) => Promise<ApiOutcome<ProbeList>>): Promise<void> {
  return loadList(state, list, (recent) => state().setRecent(recent));
}
