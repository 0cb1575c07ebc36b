// The auth slice: the access token for servers that set RELAYPROBE_AUTH_TOKEN. Starting probes and
// listing results need it; reading a result by its link never does (SECURITY.md §4).
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './app-state.js';

/** The token and whether the server asked for one. */
export interface AuthState {
  /** The bearer token ('' when none). */
  token: string;
  /** The server answered 401: ask for a token. */
  tokenNeeded: boolean;
}

/** Auth state and its actions. */
export interface AuthSlice {
  auth: AuthState;
  setToken(token: string): void;
  requireToken(): void;
}

/** The auth slice of the store. */
export const createAuthSlice: StateCreator<AppState, [], [], AuthSlice> = (set) => ({
  auth: { token: '', tokenNeeded: false },
  setToken: (token) => set((s) => ({ auth: { ...s.auth, token } })),
  requireToken: () => set((s) => ({ auth: { ...s.auth, tokenNeeded: true } })),
});
