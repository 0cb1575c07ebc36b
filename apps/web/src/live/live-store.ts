// The live stream's view of the app's store (probe-socket.ts `LiveStore`): the result slice's
// actions, and the last seq and gap read back through result-state.ts. The page and the tests
// use this one binding, so what the tests drive is what the browser runs.
import type { AppState } from '../store/app-state.js';
import { hasGap, lastSeq } from '../store/result-state.js';
import type { LiveStore } from './probe-socket.js';

/** The `LiveStore` of a store; `getState` is called on every use, so it always sees the latest state. */
export function liveStoreOf(getState: () => AppState): LiveStore {
  return {
    receiveEvents: (events) => getState().receiveEvents(events),
    receiveDone: (done) => getState().receiveDone(done),
    setConnection: (phase, retries) => getState().setConnection(phase, retries),
    lastSeq: () => lastSeq(getState().result),
    hasGap: () => hasGap(getState().result),
  };
}
