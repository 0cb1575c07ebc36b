// Following one result: read the document (GET /api/v1/probes/:id) once, then, while it is
// running, the live stream from the document's last seq (Mailpit's split: REST for state, the
// WebSocket for push). The stream carries everything a result view shows, the session facts
// included, so `done` needs no second read; only a stream that ended with events still missing
// (probe-socket.ts gave up replaying) reads the document again, which holds them all. An unknown
// id is a 404 here (the WebSocket upgrade cannot tell us).
import type { ResultDocument } from '@relayprobe/contracts';
import type { ApiOutcome } from '../api/api-outcome.js';
import { reconnectDelay } from './reconnect-delay.js';

/** The result to follow, how to read it and stream it, and the store actions to feed (fakes in tests). */
export interface FollowOptions {
  id: string;
  /** A domain test's server the link chose (`?server=N`). */
  server?: number | undefined;
  fetchDocument(id: string): Promise<ApiOutcome<ResultDocument>>;
  /** Start the live stream; calls onDone after `done` (`missing`: events still missing); returns its stop function. */
  watch(id: string, onDone: (missing: boolean) => void): () => void;
  store: {
    openResult(id: string, server?: number): void;
    receiveDocument(doc: ResultDocument): void;
    markNotFound(): void;
    markFailed(message: string): void;
  };
  schedule(run: () => void, ms: number): unknown;
  cancel(handle: unknown): void;
}

/** Show result `id` until the returned function is called. */
export function followResult(options: FollowOptions): () => void {
  const { id, store } = options;
  let stopped = false;
  let stopStream: (() => void) | undefined;
  let timer: unknown;
  let failures = 0;

  const load = async (): Promise<void> => {
    timer = undefined;
    const got = await options.fetchDocument(id);
    if (stopped) return;
    if (!got.ok) {
      if (got.status === 404) return store.markNotFound();
      store.markFailed(got.message);
      failures += 1;
      timer = options.schedule(() => void load(), reconnectDelay(failures));
      return;
    }
    store.receiveDocument(got.value);
    if (got.value.status === 'running' && !stopStream) stopStream = options.watch(id, onDone);
  };

  const onDone = (missing: boolean): void => {
    if (missing) void refresh();
  };

  // After a `done` with events still missing: the finished document has every one of them.
  const refresh = async (): Promise<void> => {
    const got = await options.fetchDocument(id);
    if (!stopped && got.ok) store.receiveDocument(got.value);
  };

  store.openResult(id, options.server);
  void load();
  return () => {
    stopped = true;
    if (timer !== undefined) options.cancel(timer);
    stopStream?.();
  };
}
