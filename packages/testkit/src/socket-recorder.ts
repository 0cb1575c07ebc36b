// Records what a client sends on a socket that something else (nodemailer's smtp-server) reads:
// a second 'data' listener sees the same chunks as the reader's pipe.
import type net from 'node:net';
import { LineSplitter } from './line-splitter.js';
import { newSessionRecord } from './raw-peer.js';
import type { SessionRecord } from './types.js';

/** Starts recording a plaintext socket; attach in the same tick as the reader so no byte is missed. */
export function recordSocket(socket: net.Socket): SessionRecord {
  const record = newSessionRecord();
  const splitter = new LineSplitter();
  socket.on('data', (chunk: Buffer) => {
    record.rawReceived.push(chunk);
    record.received.push(...splitter.push(chunk));
  });
  // The client closed first when its FIN arrives while our side is still open.
  socket.on('end', () => {
    record.closedBy ??= socket.writableEnded ? 'server' : 'client';
  });
  socket.on('error', () => {
    record.closedBy ??= 'client';
  });
  socket.on('close', () => {
    record.closedBy ??= 'server';
    const rest = splitter.takeRest();
    if (rest !== null) record.received.push(rest);
  });
  return record;
}
