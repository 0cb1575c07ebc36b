// Endless output for hostile scenarios, bounded by the client: each flood writes chunk after
// chunk, waiting for every chunk to reach the kernel (so a client that stops reading stops the
// flood: backpressure), and ends when the connection closes or the byte limit is reached.
import { randomBytes } from 'node:crypto';
import type { RawPeer } from './types.js';

/** Size of one flood write. */
const FLOOD_CHUNK_BYTES = 64 * 1024;

/** One GiB: the most any flood sends (SECURITY.md §3, "1 GiB of random bytes"). */
const FLOOD_LIMIT_BYTES = 1024 * 1024 * 1024;

/** Writes `nextChunk()` until the client closes or `limitBytes` were sent; returns the bytes sent. */
export async function flood(peer: RawPeer, nextChunk: () => Buffer, limitBytes = FLOOD_LIMIT_BYTES): Promise<number> {
  let sent = 0;
  while (sent < limitBytes && !peer.closed) {
    const chunk = nextChunk();
    if (!(await peer.writeAndWait(chunk))) break;
    sent += chunk.length;
  }
  return sent;
}

/** Fresh random bytes for every chunk. */
export const randomChunk = (): Buffer => randomBytes(FLOOD_CHUNK_BYTES);

const noLineEnd = Buffer.alloc(FLOOD_CHUNK_BYTES, 'x');
/** A chunk without CR or LF (a line that never ends). */
export const unterminatedChunk = (): Buffer => noLineEnd;

const continuationLines = Buffer.from('220-x\r\n'.repeat(Math.floor(FLOOD_CHUNK_BYTES / 7)));
/** A chunk of `220-x` continuation lines (a reply that never ends). */
export const continuationChunk = (): Buffer => continuationLines;

/** Reads (and so records) until the client closes, answering nothing. */
export async function readUntilClosed(peer: RawPeer): Promise<void> {
  while ((await peer.readLine()) !== null);
}
