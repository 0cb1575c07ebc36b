// The live-viewer hub (DESIGN.md "How one probe flows", step 3): a room per live probe with its
// events so far, and one stream per viewer that walks a probe's events in order: replay, then live
// ones, then `done`. The hub only pushes (HOUSE-STYLE rule 9) and knows nothing of sockets: a
// Viewer hands text to one, says how much it still holds, and asks its reader for read receipts.
// A probe never depends on its viewers: one that is dropped or goes away leaves, the probe goes on.
//
// Each viewer's buffer is bounded (SECURITY.md §4; issue 12):
// - a stream hands the socket a message only while the socket holds less than LOW_WATER_BYTES, and
//   at most PAGE_BYTES per turn of the event loop, so a replay of any size is streamed as the
//   viewer reads it (backpressure), never copied whole into a queue per viewer;
// - every RECEIPT_EVERY_BYTES sent, the viewer is asked to confirm what it has read (a ping that
//   carries the offset; its pong brings it back); a viewer more than UNREAD_LIMIT_BYTES behind
//   what it was sent is not reading and is dropped, whether it was sent a replay or live events,
//   without waiting for the ping timeout. A page that was dropped reconnects with `?after=`.
//
// Invariants: a room holds every event published for its probe, in order, the very objects
// published, and each event's message is serialized once for all viewers; a viewer joining a live
// probe starts after `after` and misses and repeats nothing; `done` is sent only after every event
// and only once finish() was called, which the caller does after the final commit (SECURITY.md §5);
// a viewer of a probe that is not live walks the finished result (finished-results.ts), then `done`.
import { toSafeJson, type DoneMessage, type ProbeEvent } from '@relayprobe/contracts';
import type { FinishedResults } from './finished-results.js';

/** A socket, as the hub sees it. */
export interface Viewer {
  /** Hand one message (JSON text, as a string or UTF-8 bytes) to the socket; `written` once the socket passed it to the kernel. */
  send(data: string | Buffer, written: () => void): void;
  /** Bytes handed over that the socket has not passed to the kernel yet. */
  readonly bufferedBytes: number;
  /** Ask the reader to confirm it has read the first `offset` bytes (the answer comes to Watching.readUpTo). */
  askReceipt(offset: number): void;
  /** Close after what was handed over: after `done`, or to make the viewer reconnect. */
  close(code: number, reason: string): void;
  /** Cut the viewer off at once: it stopped reading. */
  drop(reason: string): void;
}

/** A viewer being fed; the route tells it what the reader confirmed, and when the socket closed. */
export interface Watching {
  readUpTo(offset: number): void;
  detach(): void;
}

/** The socket may hold this much before a stream waits for it to drain. */
export const LOW_WATER_BYTES = 64 * 1024;
/** Most bytes handed over in one turn of the event loop, so receipts and other work get in between. */
export const PAGE_BYTES = 64 * 1024;
/** A read receipt is asked for after every this many bytes. */
export const RECEIPT_EVERY_BYTES = 64 * 1024;
/** A viewer this far behind in reading what it was sent is dropped (SECURITY.md §4: 1 MiB). */
export const UNREAD_LIMIT_BYTES = 1024 * 1024;

const MESSAGE_END = Buffer.from('}');

/** What a stream walks: the messages of one probe's events (index = seq - 1), then `done` once known. */
interface Source {
  message(index: number): string | Buffer | undefined;
  readonly done: string | undefined;
}

class Room implements Source {
  readonly events: ProbeEvent[] = [];
  readonly messages: string[] = [];
  readonly streams = new Set<Stream>();
  done: string | undefined;
  message(index: number): string | undefined {
    return this.messages[index];
  }
}

class Stream implements Watching {
  #next: number;
  #sent = 0;
  #confirmed = 0;
  #askedAt = 0;
  #waiting = false;
  #scheduled = false;
  #ended = false;

  constructor(
    private readonly viewer: Viewer,
    private readonly source: Source,
    after: number,
    private readonly onEnd: (stream: Stream) => void,
  ) {
    this.#next = Math.max(0, after);
  }

  readUpTo(offset: number): void {
    // A reader cannot have read more than it was sent; a pong claiming more changes nothing.
    if (Number.isSafeInteger(offset)) this.#confirmed = Math.max(this.#confirmed, Math.min(offset, this.#sent));
  }

  detach(): void {
    this.#end();
  }

  /** Hand over what the socket has room for: up to PAGE_BYTES now, the rest on a later turn or once it drains. */
  pump(): void {
    let page = 0;
    while (!this.#ended) {
      if (this.viewer.bufferedBytes >= LOW_WATER_BYTES) {
        this.#waiting = true; // the next `written` resumes
        return;
      }
      if (page >= PAGE_BYTES) return this.#schedule();
      const message = this.source.message(this.#next);
      if (message === undefined) {
        if (this.source.done === undefined) return; // live: the next publish resumes
        this.#send(this.source.done);
        this.#end();
        this.viewer.close(1000, 'done');
        return;
      }
      this.#next++;
      page += this.#send(message);
    }
  }

  /** End without `done` (the probe's result could not be stored): the viewer is told to reconnect. */
  abandon(code: number, reason: string): void {
    if (this.#ended) return;
    this.#end();
    this.viewer.close(code, reason);
  }

  #send(data: string | Buffer): number {
    const bytes = Buffer.byteLength(data);
    this.#sent += bytes;
    this.viewer.send(data, () => {
      if (!this.#waiting) return;
      this.#waiting = false;
      this.pump();
    });
    if (this.#sent - this.#askedAt >= RECEIPT_EVERY_BYTES) {
      this.#askedAt = this.#sent;
      this.viewer.askReceipt(this.#sent);
    }
    if (this.#sent - this.#confirmed > UNREAD_LIMIT_BYTES && !this.#ended) {
      this.#end();
      this.viewer.drop(`${this.#sent - this.#confirmed} bytes sent and not read`);
    }
    return bytes;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.pump();
    });
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.onEnd(this);
  }
}

/** The viewers of every probe, and the events of the live ones. */
export class ViewerHub {
  readonly #finished: Pick<FinishedResults, 'hold'>;
  readonly #rooms = new Map<string, Room>();

  constructor(finished: Pick<FinishedResults, 'hold'>) {
    this.#finished = finished;
  }

  /** Open the room of a probe that has just gone live (its row is committed). */
  open(id: string): void {
    if (this.#rooms.has(id)) throw new Error(`bug: probe ${id} is already live`);
    this.#rooms.set(id, new Room());
  }

  /** The events of a live probe so far; undefined when it is not live. */
  events(id: string): readonly ProbeEvent[] | undefined {
    return this.#rooms.get(id)?.events;
  }

  /** Keep an event of a live probe and pass it on to its viewers. */
  publish(id: string, event: ProbeEvent): void {
    const room = this.#room(id);
    room.events.push(event);
    room.messages.push(toSafeJson({ type: 'event', seq: event.seq, event }));
    for (const stream of room.streams) stream.pump();
  }

  /** After the final commit: `done` goes to every viewer after its last event, and the room closes. */
  finish(id: string, done: DoneMessage): void {
    const room = this.#take(id);
    room.done = toSafeJson(done);
    for (const stream of [...room.streams]) stream.pump();
  }

  /** The final state could not be stored: close every viewer (so it reconnects and reads storage) and close the room. */
  fail(id: string, code: number, reason: string): void {
    const room = this.#take(id);
    for (const stream of [...room.streams]) stream.abandon(code, reason);
  }

  /**
   * Attach a viewer: the events after `after`, then live ones, then `done`. Undefined when there is
   * no such probe.
   */
  watch(id: string, after: number, viewer: Viewer): Watching | undefined {
    const room = this.#rooms.get(id);
    if (room) {
      const stream = new Stream(viewer, room, after, (s) => room.streams.delete(s));
      room.streams.add(stream);
      stream.pump();
      return stream;
    }
    const held = this.#finished.hold(id);
    if (!held) return undefined;
    const { result, release } = held;
    const source: Source = {
      message: (index) => (index < result.eventCount ? Buffer.concat([Buffer.from(`{"type":"event","seq":${index + 1},"event":`), result.event(index), MESSAGE_END]) : undefined),
      done: result.done,
    };
    const stream = new Stream(viewer, source, after, release);
    stream.pump();
    return stream;
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
