// Sends a viewer's messages with backpressure. A replay of stored events (a finished probe's can
// be megabytes) is paced by the socket, never dropped; only live events count against the
// slow-viewer limit, so a viewer that stops reading is dropped while one that is merely catching
// up is not (SECURITY.md §4).
import type { WebSocket } from 'ws';

/** Keep at most this much in the socket's own buffer; the rest waits in the queue. */
const HIGH_WATER_BYTES = 256 * 1024;

export class PacedSender {
  private readonly queue: { data: string; live: boolean }[] = [];
  private liveBytes = 0;
  private waiting = false;
  private closing: { code: number; reason: string } | undefined;

  /** `maxLiveBytes`: live data waiting (here and in the socket) beyond which the viewer is dropped. */
  constructor(private readonly socket: WebSocket, private readonly maxLiveBytes: number, private readonly onDrop: () => void) {}

  /** Queue a message; false when the viewer is gone or was just dropped. */
  enqueue(data: string, live: boolean): boolean {
    if (this.socket.readyState !== this.socket.OPEN || this.closing) return false;
    this.queue.push({ data, live });
    if (live) {
      this.liveBytes += data.length;
      if (this.liveBytes + this.socket.bufferedAmount > this.maxLiveBytes) {
        this.onDrop();
        return false;
      }
    }
    this.pump();
    return true;
  }

  /** Close once everything queued has been handed to the socket. */
  closeWhenDrained(code: number, reason: string): void {
    this.closing = { code, reason };
    this.pump();
  }

  private pump(): void {
    while (this.queue.length > 0 && this.socket.readyState === this.socket.OPEN) {
      if (this.socket.bufferedAmount > HIGH_WATER_BYTES) {
        this.waiting = true; // a send in flight calls back when written; pumping resumes then
        return;
      }
      const next = this.queue.shift() as { data: string; live: boolean };
      if (next.live) this.liveBytes -= next.data.length;
      this.socket.send(next.data, () => {
        if (!this.waiting) return;
        this.waiting = false;
        this.pump();
      });
    }
    if (this.queue.length === 0 && this.closing && this.socket.readyState === this.socket.OPEN) this.socket.close(this.closing.code, this.closing.reason);
  }
}
