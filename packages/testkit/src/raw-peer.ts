// The server side of one connection as session scripts see it: a line reader, writes, sleeps and
// a TLS upgrade, all tied to the connection's life.
//
// Invariants: every byte from the client is recorded on arrival (before any script reads it);
// once the connection closes, every pending read resolves null, every sleep and wait resolves
// false and its timer is cleared, so a script cannot keep the process alive; socket errors are
// always handled (a client reset is normal in these tests, never an uncaught 'error').
import type net from 'node:net';
import tls from 'node:tls';
import { secureContextFor } from './certificates.js';
import { LineSplitter, MAX_PENDING_LINE_BYTES } from './line-splitter.js';
import type { RawPeer, SessionRecord, TlsVariant } from './types.js';

/** A fresh, empty session record. */
export function newSessionRecord(): SessionRecord {
  return { received: [], rawReceived: [], tls: false, closedBy: null, messages: [] };
}

/** RawPeer over a socket accepted by a scripted server. */
export class SocketPeer implements RawPeer {
  readonly record: SessionRecord = newSessionRecord();
  private current: net.Socket;
  private readonly splitter = new LineSplitter();
  private readonly unread: string[] = [];
  private readonly lineWaiters: Array<(line: string | null) => void> = [];
  private readonly dataWaiters: Array<(gotData: boolean) => void> = [];
  /** Called once when the connection closes: pending sleeps, writes and handshakes give up. */
  private readonly onCloseCallbacks = new Set<() => void>();
  private isClosed = false;
  private readonly onData = (chunk: Buffer): void => this.receive(chunk);

  constructor(
    private readonly raw: net.Socket,
    private readonly tlsVariant: TlsVariant,
  ) {
    this.current = raw;
    this.watch(raw);
    raw.on('data', this.onData);
  }

  get socket(): net.Socket {
    return this.current;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  write(bytes: string | Buffer): void {
    if (this.writable()) this.current.write(bytes);
  }

  writeAndWait(bytes: string | Buffer): Promise<boolean> {
    if (!this.writable()) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (ok: boolean): void => {
        this.onCloseCallbacks.delete(onClose);
        resolve(ok);
      };
      const onClose = (): void => finish(false);
      this.onCloseCallbacks.add(onClose);
      // The callback runs once these bytes were handed to the kernel, in order, so awaiting it
      // before the next write respects backpressure.
      this.current.write(bytes, (err) => finish(!err));
    });
  }

  readLine(): Promise<string | null> {
    const line = this.unread.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.isClosed) return Promise.resolve(null);
    return new Promise((resolve) => this.lineWaiters.push(resolve));
  }

  hasBufferedLine(): boolean {
    return this.unread.length > 0;
  }

  waitForData(): Promise<boolean> {
    if (this.isClosed) return Promise.resolve(false);
    return new Promise((resolve) => this.dataWaiters.push(resolve));
  }

  sleep(ms: number): Promise<boolean> {
    if (this.isClosed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onClose = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.onCloseCallbacks.delete(onClose);
        resolve(true);
      }, ms);
      this.onCloseCallbacks.add(onClose);
    });
  }

  upgradeToTls(): Promise<tls.TLSSocket | null> {
    if (this.isClosed || this.current !== this.raw) return Promise.resolve(null);
    // RFC 3207 §4.2 (forget all pre-TLS state) and CVE-2011-0411: plaintext that arrived before
    // the handshake must not be taken as a command of the TLS session. It stays in the record,
    // never in the reader.
    this.raw.removeListener('data', this.onData);
    this.splitter.clear();
    this.unread.length = 0;
    const secure = new tls.TLSSocket(this.raw, { isServer: true, secureContext: secureContextFor(this.tlsVariant) });
    this.current = secure;
    this.watch(secure);
    secure.on('data', this.onData);
    return new Promise((resolve) => {
      const finish = (result: tls.TLSSocket | null): void => {
        this.onCloseCallbacks.delete(onClose);
        secure.removeListener('secure', onSecure);
        secure.removeListener('error', onError);
        resolve(result);
      };
      const onClose = (): void => finish(null);
      const onSecure = (): void => {
        this.record.tls = true;
        finish(secure);
      };
      const onError = (): void => finish(null);
      this.onCloseCallbacks.add(onClose);
      secure.once('secure', onSecure);
      secure.once('error', onError);
    });
  }

  end(): void {
    if (this.isClosed) return;
    this.noteClosedBy('server');
    this.current.end();
  }

  reset(): void {
    if (this.isClosed) return;
    this.noteClosedBy('server');
    // Only a plain TCP socket can send an RST; a TLS wrap is torn down from the top instead.
    if (this.current === this.raw) this.raw.resetAndDestroy();
    else this.current.destroy();
  }

  destroy(): void {
    if (this.isClosed) return;
    this.noteClosedBy('server');
    // Destroy the topmost socket: tearing a TLS wrap down from below mid-handshake crashes Node.
    this.current.destroy();
  }

  private writable(): boolean {
    return !this.isClosed && !this.current.destroyed && this.current.writable;
  }

  private watch(socket: net.Socket): void {
    socket.on('end', () => this.noteClosedBy('client'));
    socket.on('error', () => {
      this.noteClosedBy('client');
      socket.destroy();
    });
    socket.on('close', () => this.onClosed());
  }

  private receive(chunk: Buffer): void {
    this.record.rawReceived.push(chunk);
    for (const line of this.splitter.push(chunk)) {
      this.record.received.push(line);
      const waiter = this.lineWaiters.shift();
      if (waiter) waiter(line);
      else this.unread.push(line);
    }
    for (const waiter of this.dataWaiters.splice(0)) waiter(true);
    if (this.splitter.pendingBytes > MAX_PENDING_LINE_BYTES) this.destroy();
  }

  private noteClosedBy(side: 'client' | 'server'): void {
    if (this.record.closedBy === null) this.record.closedBy = side;
  }

  private onClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.noteClosedBy('client');
    const rest = this.splitter.takeRest();
    if (rest !== null) this.record.received.push(rest);
    for (const waiter of this.lineWaiters.splice(0)) waiter(null);
    for (const waiter of this.dataWaiters.splice(0)) waiter(false);
    for (const callback of [...this.onCloseCallbacks]) callback();
    this.onCloseCallbacks.clear();
    // A TLS wrap and its TCP socket close together; make sure neither lingers.
    if (!this.raw.destroyed) this.raw.destroy();
    if (!this.current.destroyed) this.current.destroy();
  }
}
