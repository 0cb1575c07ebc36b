// Fakes for the live stream: sockets the test opens, feeds and drops by hand, and a scheduler
// whose timers run only when the test says so (no real time passes in these tests).
import type { LiveSocket } from '../../src/live/probe-socket.js';
import type { ProbeEvent } from '@relayprobe/contracts';

/** A socket the test drives. */
export class FakeSocket implements LiveSocket {
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;

  constructor(readonly url: string) {}

  open(): void {
    this.onopen?.();
  }

  /** Deliver raw data, as the browser would. */
  receive(data: unknown): void {
    this.onmessage?.({ data });
  }

  event(event: ProbeEvent): void {
    this.receive(JSON.stringify({ type: 'event', seq: event.seq, event }));
  }

  done(status = 'complete', verdict?: { code: string; label: string }): void {
    this.receive(JSON.stringify({ type: 'done', status, ...(verdict ? { verdict } : {}) }));
  }

  /** The connection drops (the server or the network closed it). */
  drop(): void {
    this.onclose?.();
  }

  close(): void {
    this.closed = true;
  }
}

/** Timers that run when the test calls `runDue`. */
export class FakeScheduler {
  private next = 1;
  readonly pending = new Map<number, { run: () => void; ms: number }>();

  schedule = (run: () => void, ms: number): unknown => {
    const id = this.next++;
    this.pending.set(id, { run, ms });
    return id;
  };

  cancel = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };

  /** Delays of the timers waiting now. */
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }

  /** Run every timer waiting now (not those they schedule). */
  runDue(): void {
    const due = [...this.pending.entries()];
    for (const [id, timer] of due) {
      this.pending.delete(id);
      timer.run();
    }
  }
}
