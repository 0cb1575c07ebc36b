// How replies leave a fake server. Replies to one batch of input are collected and written
// together once the batch is consumed, as Postfix does (it flushes when its input buffer runs
// dry), which is what makes RFC 2920 pipelining save round trips. A configurable latency delays
// each flush to model a network round trip; the split style cuts every reply into tiny writes.
import type { RawPeer } from './types.js';

/** Pause between the pieces of a split reply: long enough that each leaves as its own segment. */
const SPLIT_WRITE_GAP_MS = 2;

/** How a server writes its replies. */
export interface WriteStyle {
  /** Line ending after every reply line: CRLF (RFC 5321 §2.3.8) or a bare LF (hostile). */
  lineEnding: '\r\n' | '\n';
  /** Cut every reply into pieces of 1–4 bytes, mid-code and between CR and LF. */
  split: boolean;
  /** Delay before each flush, in milliseconds (0: none). */
  latencyMs: number;
  /** Observer: each reply's lines, just before the write that carries them (split: its first piece). */
  onWritten?: (lines: readonly string[]) => void;
}

/** Collects replies and writes them per batch. */
export class ReplyWriter {
  private pending: (readonly string[])[] = [];

  constructor(
    private readonly peer: RawPeer,
    private readonly style: WriteStyle,
  ) {}

  /** Queues one reply: its complete lines (without line endings). */
  push(lines: readonly string[]): void {
    this.pending.push(lines);
  }

  /** Writes what is queued; false when the connection closed meanwhile. */
  async flush(): Promise<boolean> {
    if (this.pending.length === 0) return !this.peer.closed;
    const replies = this.pending;
    this.pending = [];
    const text = replies.map((lines) => lines.map((line) => line + this.style.lineEnding).join('')).join('');
    if (this.style.latencyMs > 0 && !(await this.peer.sleep(this.style.latencyMs))) return false;
    if (this.style.onWritten && !this.peer.closed) for (const lines of replies) this.style.onWritten(lines);
    if (!this.style.split) return this.peer.writeAndWait(text);
    for (const piece of splitIntoPieces(Buffer.from(text, 'utf8'))) {
      if (!(await this.peer.writeAndWait(piece))) return false;
      if (!(await this.peer.sleep(SPLIT_WRITE_GAP_MS))) return false;
    }
    return true;
  }
}

/** Cuts bytes into pieces of 1–4 bytes, always between CR and LF and after a line's first byte. */
export function splitIntoPieces(bytes: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  let start = 0;
  let size = 1;
  for (let i = 0; i < bytes.length; i++) {
    const atLineStart = i === 0 || bytes[i - 1] === 0x0a;
    const beforeLf = bytes[i + 1] === 0x0a && bytes[i] === 0x0d;
    if (i + 1 - start >= size || beforeLf || atLineStart) {
      pieces.push(bytes.subarray(start, i + 1));
      start = i + 1;
      size = (size % 4) + 1;
    }
  }
  if (start < bytes.length) pieces.push(bytes.subarray(start));
  return pieces;
}
