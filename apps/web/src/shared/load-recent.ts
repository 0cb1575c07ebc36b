// Reading the recent results into the store; a 401 means the list needs the access token. Shared:
// the recent list loads it on mount, and the form again when the access token field loses focus.
import type { ProbeList } from '@relayprobe/contracts';
import type { ApiOutcome } from '../api/api-outcome.js';
import type { AppState } from '../store/app-state.js';

/** Fetch the list with the current token and record what came of it. */
export async function loadRecent(state: () => AppState, list: (token: string) => Promise<ApiOutcome<ProbeList>>): Promise<void> {
  const outcome = await list(state().auth.token);
  if (outcome.ok) return state().setRecent({ state: 'ready', items: outcome.value.items });
  if (outcome.status === 401) {
    state().requireToken();
    return state().setRecent({ state: 'needs-token' });
  }
  state().setRecent({ state: 'failed', message: outcome.message });
}
