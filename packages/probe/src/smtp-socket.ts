// One TCP (or TLS) connection of a probe: the only code that opens, writes to, upgrades and
// destroys sockets (HOUSE-STYLE rule 2, SECURITY.md §2 "one function writes to the socket").
// It turns socket events into engine inputs and nothing else; deadlines live in the engine.
//
// Invariants: after destroy() no input is ever delivered; every exit path destroys the socket;
// 'error' always has a listener, so no error event goes unhandled.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { EngineInput } from '@relayprobe/engine';
import { sniName, tlsDetailsOf } from './tls-details.js';

/** An engine input before the runner stamps it with `now`. */
export type SocketInput = EngineInput extends infer I ? (I extends EngineInput ? Omit<I, 'now'> : never) : never;

export interface SmtpSocketOptions {
  address: string;
  family: 4 | 6;
  port: number;
  implicitTls: boolean;
  /** Host name we expect the certificate to carry (MX name or typed host); the IP when none. */
  expectedName?: string | undefined;
  localAddress?: string | undefined;
  trustedCa?: string | string[] | undefined;
  /** Called for every input; never after destroy(). */
  deliver: (input: SocketInput) => void;
}

const CONNECT_ERRORS: Record<string, 'connect-refused' | 'connect-timeout' | 'source-address-unavailable'> = {
  ECONNREFUSED: 'connect-refused',
  ETIMEDOUT: 'connect-timeout',
  EADDRNOTAVAIL: 'source-address-unavailable',
  EINVAL: 'source-address-unavailable',
};

// Node folds a name mismatch into `authorized`; we keep `authorized` about the chain alone and
// judge the name ourselves with tls.checkServerIdentity (tls-details.ts).
const noNameCheck = (): undefined => undefined;

export class SmtpSocket {
  private socket: Socket | TLSSocket;
  private open = false;
  private alive = true;
  private lastError: NodeJS.ErrnoException | undefined;

  constructor(private readonly options: SmtpSocketOptions) {
    const base = { host: options.address, port: options.port, family: options.family, ...(options.localAddress ? { localAddress: options.localAddress } : {}) };
    if (options.implicitTls) {
      const servername = sniName(options.expectedName);
      const socket = tlsConnect({
        ...base,
        ...(servername ? { servername } : {}),
        rejectUnauthorized: false,
        checkServerIdentity: noNameCheck,
        ...(options.trustedCa ? { ca: options.trustedCa } : {}),
      });
      socket.once('secureConnect', () => this.opened(tlsDetailsOf(socket, options.expectedName ?? options.address, servername)));
      this.socket = socket;
    } else {
      this.socket = netConnect(base);
      this.socket.once('connect', () => this.opened(undefined));
    }
    this.socket.setNoDelay(true);
    this.listen(this.socket);
  }

  private opened(tls: ReturnType<typeof tlsDetailsOf> | undefined): void {
    if (!this.alive) return;
    this.open = true;
    const { localAddress, localPort } = this.socket;
    this.options.deliver({ type: 'connected', localAddress, localPort, tls });
  }

  private listen(socket: Socket): void {
    socket.on('data', (bytes: Buffer) => {
      if (this.alive) this.options.deliver({ type: 'data', bytes });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.lastError = error;
    });
    socket.on('close', () => {
      if (!this.alive) return;
      this.alive = false;
      const error = this.lastError;
      if (!this.open) {
        const tlsFailed = this.options.implicitTls && error !== undefined && !(error.code && error.code in CONNECT_ERRORS) && error.code !== 'ECONNRESET';
        const code = tlsFailed ? 'tls-failed' : (error?.code && CONNECT_ERRORS[error.code]) || 'connect-failed';
        this.options.deliver({ type: 'connect-failed', code, message: error ? `${error.code ?? ''} ${error.message}`.trim() : 'connection closed before it opened' });
        return;
      }
      this.options.deliver({ type: 'closed', reset: error?.code === 'ECONNRESET', message: error?.message });
    });
  }

  /** The one place bytes go to the server. */
  write(data: string): void {
    if (this.alive && !this.socket.destroyed) this.socket.write(data, 'latin1');
  }

  /** STARTTLS (RFC 3207): hand the plaintext socket to a TLS client; plaintext reading stops at once. */
  startTls(servername: string | undefined): void {
    if (!this.alive) return;
    const raw = this.socket;
    raw.removeAllListeners('data');
    raw.removeAllListeners('close');
    const sni = sniName(servername);
    const secure = tlsConnect({
      socket: raw,
      ...(sni ? { servername: sni } : {}),
      rejectUnauthorized: false,
      checkServerIdentity: noNameCheck,
      ...(this.options.trustedCa ? { ca: this.options.trustedCa } : {}),
    });
    let handshakeDone = false;
    secure.once('secureConnect', () => {
      handshakeDone = true;
      if (this.alive) this.options.deliver({ type: 'tls-ready', details: tlsDetailsOf(secure, this.options.expectedName ?? this.options.address, sni) });
    });
    secure.on('error', (error: NodeJS.ErrnoException) => {
      this.lastError = error;
      if (!handshakeDone && this.alive) {
        this.alive = false;
        this.options.deliver({ type: 'tls-failed', message: `${error.code ?? ''} ${error.message}`.trim() });
        secure.destroy();
        raw.destroy();
      }
    });
    this.socket = secure;
    secure.on('data', (bytes: Buffer) => {
      if (this.alive) this.options.deliver({ type: 'data', bytes });
    });
    secure.on('close', () => {
      if (!this.alive) return;
      this.alive = false;
      this.options.deliver({ type: 'closed', reset: this.lastError?.code === 'ECONNRESET', message: this.lastError?.message });
    });
  }

  /** Close without ceremony (the engine said QUIT already when it wanted to). No input follows. */
  destroy(): void {
    this.alive = false;
    this.socket.destroy();
  }
}
