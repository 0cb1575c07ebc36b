// The one module that owns the live stream (HOUSE-STYLE rule 11): it opens the WebSocket
// /api/v1/probes/:id/events?after=SEQ, turns each message into a store action, and reopens a
// dropped socket with backoff from the last seq it has, so the page sees no gap and no duplicate
// (the merge ignores seq <= last seen). Components never see a message.
//
// The socket only pushes (DESIGN.md "Contracts"): nothing is ever sent on it. The browser answers
// the server's protocol-level pings by itself.
import type { DoneMessage, ProbeEvent } from '@relayprobe/contracts';
import type { ConnectionPhase } from '../store/connection-slice.js';
import { parseServerMessage } from './server-messages.js';
import { reconnectDelay } from './reconnect-delay.js';

/** The part of a browser WebSocket this module uses. No `onerror`: a failed socket always closes too, and `onclose` handles both. */
export interface LiveSocket {
  onopen: (() => void) | null;
  onmessage: ((message: { data: unknown }) => void) | null;
  onclose: (() => void) | null;
  close(): void;
}

/** Store actions the stream drives, and what it reads back. */
export interface LiveStore {
  receiveEvents(events: readonly ProbeEvent[]): void;
  receiveDone(done: Pick<DoneMessage, 'status' | 'verdict'>): void;
  setConnection(phase: ConnectionPhase, retries?: number): void;
  /** Highest seq merged without a gap. */
  lastSeq(): number;
  /** Whether events wait behind a missing one. */
  hasGap(): boolean;
}

/** The probe to watch, the store to feed, and how to open sockets and set timers (fakes in tests). */
export interface WatchOptions {
  id: string;
  store: LiveStore;
  open(url: string): LiveSocket;
  /** The stream's URL for `id`, resuming after `after`. */
  url(id: string, after: number): string;
  schedule(run: () => void, ms: number): unknown;
  cancel(handle: unknown): void;
  /** Called once, after `done` was merged; `missing` when events are still missing (the replays did not fill the gap). */
  onDone?: (missing: boolean) => void;
}

/** Messages that arrive together are merged in one store update, after this delay. */
const BATCH_MS = 0;
/** A `done` that arrives with events still missing reopens the stream this often at most, then is taken as is. */
const MAX_GAP_REPLAYS = 3;

/** Follow a probe's live stream until `done`; returns a function that stops it. */
export function watchProbe(options: WatchOptions): () => void {
  const { store } = options;
  let socket: LiveSocket | undefined;
  let timer: unknown;
  let retries = 0;
  let gapReplays = 0;
  let finished = false;
  let batch: ProbeEvent[] = [];
  let batchTimer: unknown;

  const flush = () => {
    if (batchTimer !== undefined) options.cancel(batchTimer);
    batchTimer = undefined;
    if (batch.length === 0) return;
    const events = batch;
    batch = [];
    store.receiveEvents(events);
  };

  const detach = (s: LiveSocket) => {
    s.onopen = s.onmessage = s.onclose = null;
    s.close();
  };

  const connect = () => {
    timer = undefined;
    store.setConnection(retries === 0 ? 'connecting' : 'retrying', retries);
    const s = options.open(options.url(options.id, store.lastSeq()));
    socket = s;
    s.onopen = () => {
      retries = 0;
      store.setConnection('live');
    };
    s.onmessage = ({ data }) => {
      const message = parseServerMessage(data);
      if (!message) return; // Not ours to act on; the contract has no other message.
      if (message.type === 'event') {
        batch.push(message.event);
        batchTimer ??= options.schedule(flush, BATCH_MS);
        return;
      }
      flush();
      if (store.hasGap() && gapReplays < MAX_GAP_REPLAYS) {
        // `done` follows every stored event, so a gap here means a lost message: replay from the last good seq.
        gapReplays += 1;
        detach(s);
        connect();
        return;
      }
      finished = true;
      detach(s);
      store.receiveDone({ status: message.status, verdict: message.verdict });
      store.setConnection('closed');
      options.onDone?.(store.hasGap());
    };
    s.onclose = () => {
      flush();
      if (finished || socket !== s) return;
      socket = undefined;
      retries += 1;
      store.setConnection('retrying', retries);
      timer = options.schedule(connect, reconnectDelay(retries));
    };
  };

  connect();
  return () => {
    finished = true;
    if (timer !== undefined) options.cancel(timer);
    if (batchTimer !== undefined) options.cancel(batchTimer);
    if (socket) detach(socket);
    socket = undefined;
    store.setConnection('idle');
  };
}
