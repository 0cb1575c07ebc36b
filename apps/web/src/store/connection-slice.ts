// The connection slice: how the live stream of the result on screen is doing.
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './app-state.js';

/** idle: no stream; connecting: opening; live: open; retrying: dropped, waiting to reconnect; closed: done. */
export type ConnectionPhase = 'idle' | 'connecting' | 'live' | 'retrying' | 'closed';

/** The live stream's phase and how many reconnects are under way. */
export interface ConnectionState {
  phase: ConnectionPhase;
  /** Reconnect attempts since the last successful open. */
  retries: number;
}

/** Connection state and its setter. */
export interface ConnectionSlice {
  connection: ConnectionState;
  setConnection(phase: ConnectionPhase, retries?: number): void;
}

/** The connection slice of the store. */
export const createConnectionSlice: StateCreator<AppState, [], [], ConnectionSlice> = (set) => ({
  connection: { phase: 'idle', retries: 0 },
  setConnection: (phase, retries = 0) => set({ connection: { phase, retries } }),
});
