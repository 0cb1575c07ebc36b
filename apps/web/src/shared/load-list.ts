// A list the page reads from the API (recent results, watches) and what came of reading it; a 401
// means the list needs the access token. Shared by the recent list and the Watches page.
import type { ApiOutcome } from '../api/api-outcome.js';
import type { AppState } from '../store/app-state.js';

/** loading; ready (items); needs-token (the server wants a token to list); failed (message). */
export type ListState<T> = { state: 'loading' } | { state: 'ready'; items: readonly T[] } | { state: 'needs-token' } | { state: 'failed'; message: string };

/** Fetch a list with the current token and record what came of it with `set`. */
export async function loadList<T>(state: () => AppState, list: (token: string) => Promise<ApiOutcome<{ items: readonly T[] }>>, set: (list: ListState<T>) => void): Promise<void> {
  const outcome = await list(state().auth.token);
  if (outcome.ok) return set({ state: 'ready', items: outcome.value.items });
  if (outcome.status === 401) {
    state().requireToken();
    return set({ state: 'needs-token' });
  }
  set({ state: 'failed', message: outcome.message });
}
