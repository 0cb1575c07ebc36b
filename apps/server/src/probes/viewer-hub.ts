// The live-viewer hub (DESIGN.md "How one probe flows", step 3): a room per live probe with its
// events so far and its viewers. The hub only pushes (HOUSE-STYLE rule 9) and knows nothing of
// sockets: how a message reaches one, and when a slow viewer is dropped, is the Viewer's business
// (routes/probe-events.ts). A probe never depends on its viewers: one whose send fails leaves
// the room and the probe goes on.
//
// Invariants: a room holds every event published for its probe, in order, the very objects
// published; a viewer joining a live probe gets the events after `after` and is subscribed in
// the same synchronous step, so nothing is missed or repeated; `done` is sent by finish(), which
// the caller calls only after the final commit (SECURITY.md §5); a viewer of a probe that is not
// live gets what storage holds, then `done`.
import type { DoneMessage, ProbeEvent, ServerMessage } from '@relayprobe/contracts';
import type { ProbeStore } from '../storage/probe-store.js';

export interface Viewer {
  /**
   * Deliver one message; false when the viewer is gone or too slow (it is then dropped).
   * `replay` marks stored events sent on joining, which are paced rather than held against the viewer.
   */
  send(message: ServerMessage, replay: boolean): boolean;
  /** End the stream early (the viewer should reconnect). */
  close(code: number, reason: string): void;
}

/** What the hub reads for a probe that is not live. */
export type StoredStream = Pick<ProbeStore, 'getProbe' | 'getEvents'>;

interface Room {
  events: ProbeEvent[];
  viewers: Set<Viewer>;
}

/** The viewers of every live probe, and the events they have been sent. */
export class ViewerHub {
  readonly #stored: StoredStream;
  readonly #rooms = new Map<string, Room>();

  constructor(stored: StoredStream) {
    this.#stored = stored;
  }

  /** Open the room of a probe that has just gone live (its row is committed). */
  open(id: string): void {
    if (this.#rooms.has(id)) throw new Error(`bug: probe ${id} is already live`);
    this.#rooms.set(id, { events: [], viewers: new Set() });
  }

  /** The events of a live probe so far; undefined when it is not live. */
  events(id: string): readonly ProbeEvent[] | undefined {
    return this.#rooms.get(id)?.events;
  }

  /** Keep an event of a live probe and push it to its viewers. */
  publish(id: string, event: ProbeEvent): void {
    const room = this.#room(id);
    room.events.push(event);
    this.#send(room, { type: 'event', seq: event.seq, event });
  }

  /** After the final commit: send `done` to every viewer and close the room. */
  finish(id: string, done: DoneMessage): void {
    const room = this.#take(id);
    this.#send(room, done);
    room.viewers.clear();
  }

  /** The final state could not be stored: close every viewer (so it reconnects and reads storage) and close the room. */
  fail(id: string, code: number, reason: string): void {
    const room = this.#take(id);
    for (const viewer of room.viewers) viewer.close(code, reason);
    room.viewers.clear();
  }

  /**
   * Attach a viewer: events after `after`, then live ones, then `done`. Returns a function that
   * detaches it, or undefined when there is no such probe.
   */
  watch(id: string, after: number, viewer: Viewer): (() => void) | undefined {
    const room = this.#rooms.get(id);
    if (room) {
      for (const event of room.events) if (event.seq > after && !viewer.send({ type: 'event', seq: event.seq, event }, true)) return () => {};
      room.viewers.add(viewer);
      return () => room.viewers.delete(viewer);
    }
    const row = this.#stored.getProbe(id);
    if (!row) return undefined;
    for (const event of this.#stored.getEvents(id, after)) if (!viewer.send({ type: 'event', seq: event.seq, event }, true)) return () => {};
    viewer.send({ type: 'done', status: row.status, ...(row.verdict ? { verdict: row.verdict } : {}) }, true);
    return () => {};
  }

  #send(room: Room, message: ServerMessage): void {
    for (const viewer of room.viewers) if (!viewer.send(message, false)) room.viewers.delete(viewer);
  }

  #room(id: string): Room {
    const room = this.#rooms.get(id);
    if (!room) throw new Error(`bug: probe ${id} is not live`);
    return room;
  }

  #take(id: string): Room {
    const room = this.#room(id);
    this.#rooms.delete(id);
    return room;
  }
}
