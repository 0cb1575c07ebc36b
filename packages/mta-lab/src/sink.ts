// The lab's delivery sink: the one place every lab MTA may deliver to. nodemailer's smtp-server
// on 127.0.0.1, port 0, accepting every message and keeping its envelope and first bytes, so a
// test can see that a relayed message really arrived (and that an accept-then-bounce server's
// did not).
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

/** One message as the sink received it. */
export interface SinkMessage {
  /** The MTA's address as the sink saw it (who delivered). */
  clientAddress: string;
  mailFrom: string;
  rcptTo: string[];
  /** Headers and the start of the body (at most 16 KiB). */
  head: string;
  receivedAt: number;
}

export interface Sink {
  host: string;
  port: number;
  messages: SinkMessage[];
  /** Resolves with the first message whose envelope or head matches, once it arrives. */
  waitFor(match: (m: SinkMessage) => boolean, signal?: AbortSignal): Promise<SinkMessage>;
  close(): Promise<void>;
}

const HEAD_BYTES = 16 * 1024;

/** Start the sink on 127.0.0.1 with a port the OS picks. */
export async function startSink(): Promise<Sink> {
  const messages: SinkMessage[] = [];
  const waiters = new Set<{ match: (m: SinkMessage) => boolean; resolve: (m: SinkMessage) => void }>();
  const server = new SMTPServer({
    name: 'sink.relayprobe-lab.test',
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    size: 1024 * 1024,
    logger: false,
    onData(stream, session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < HEAD_BYTES) head += chunk.toString('latin1').slice(0, HEAD_BYTES - head.length);
      });
      stream.on('end', () => {
        const message: SinkMessage = {
          clientAddress: session.remoteAddress,
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          head,
          receivedAt: Date.now(),
        };
        messages.push(message);
        for (const waiter of waiters) {
          if (waiter.match(message)) {
            waiters.delete(waiter);
            waiter.resolve(message);
          }
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    messages,
    waitFor(match, signal) {
      const found = messages.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve };
        waiters.add(waiter);
        signal?.addEventListener(
          'abort',
          () => {
            waiters.delete(waiter);
            reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
          },
          { once: true },
        );
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
