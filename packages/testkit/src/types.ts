// The public shapes of the test kit: what a started fake server hands back to a test, and what a
// test can ask of a server when it starts one.
import type net from 'node:net';
import type tls from 'node:tls';

/** Which certificate a server presents on STARTTLS or implicit TLS (see fixtures/make-certs.sh). */
export type TlsVariant = 'valid' | 'self-signed' | 'expired' | 'wrong-name';

/** Everything one client connection sent, as the server saw it. */
export interface SessionRecord {
  /** Every line the client sent, exactly (CRLF, or a bare LF, stripped), in order, plaintext and TLS alike. */
  received: string[];
  /** Raw chunks as received (the decrypted ones inside TLS), to check each line ends in exactly one CRLF. */
  rawReceived: Buffer[];
  /** Whether this session upgraded (STARTTLS) or was implicit TLS. */
  tls: boolean;
  /** Who closed first: the client (FIN or RST seen first) or the server (QUIT, a 421, a script, close()). */
  closedBy: 'client' | 'server' | null;
  /** Messages the server accepted at end of data, in order (the delivery stage's evidence). */
  messages: AcceptedMessage[];
}

/** One message accepted at end of data. */
export interface AcceptedMessage {
  /** The MAIL FROM argument as sent (`<x@ext>`). */
  mailFrom: string;
  /** The RCPT TO arguments that were accepted, as sent. */
  rcptTo: string[];
  /** The message text after dot-unstuffing, lines joined with CRLF, without the final `.` line. */
  data: string;
  /** The queue id the server reported. */
  queueId: string;
}

/** A started fake server on loopback (127.0.0.1 unless asked for another 127/8 address or ::1). */
export interface ServerHandle {
  host: string;
  port: number;
  /** TCP connections accepted so far. */
  connections: number;
  /** One record per accepted connection, in order of acceptance. */
  transcripts: SessionRecord[];
  /** Closes the listener and destroys every open socket; idempotent. */
  close(): Promise<void>;
}

/** The server side of one raw connection, handed to a session script. */
export interface RawPeer {
  /** The current socket: the TCP socket, or the TLS socket once upgraded. */
  readonly socket: net.Socket;
  /** What this connection received so far (kept up to date as bytes arrive). */
  readonly record: SessionRecord;
  /** True once the connection is closed (by either side). */
  readonly closed: boolean;
  /** Writes bytes as they are; ignored once the connection is closed. */
  write(bytes: string | Buffer): void;
  /** Writes bytes and resolves once they left for the kernel, waiting out backpressure; false when closed. */
  writeAndWait(bytes: string | Buffer): Promise<boolean>;
  /** The next line from the client without its line ending; null once the connection is closed. */
  readLine(): Promise<string | null>;
  /** True when a complete line is buffered, i.e. `readLine()` resolves without waiting for the network. */
  hasBufferedLine(): boolean;
  /** Resolves true on the next bytes from the client (even a partial line), false when closed. */
  waitForData(): Promise<boolean>;
  /** Sleeps; resolves false early when the connection closes (the timer is cleared then). */
  sleep(ms: number): Promise<boolean>;
  /** Starts a server-side TLS handshake on the connection (buffered plaintext is dropped: RFC 3207 §4.2, CVE-2011-0411). */
  upgradeToTls(): Promise<tls.TLSSocket | null>;
  /** Half-closes gracefully (FIN, or close_notify then FIN inside TLS). */
  end(): void;
  /** Sends a TCP RST and destroys the socket. */
  reset(): void;
  /** Destroys the connection at once. */
  destroy(): void;
}

/** A session script: full control of the bytes and their timing on one connection. */
export type SessionScript = (peer: RawPeer) => void | Promise<void>;

/** Options of a scripted server. */
export interface ScriptedServerOptions {
  /** Certificate for `peer.upgradeToTls()` and implicit TLS (default 'valid'). */
  tls?: TlsVariant;
  /** Handshake TLS before the script runs, like port 465 (RFC 8314 §3.3). */
  implicitTls?: boolean;
  /** Where to listen: a loopback address (default 127.0.0.1) and a port (default: one the OS picks). */
  listen?: LoopbackAddress;
}

/** A loopback address to listen on: several fake servers on one port, as the MX hosts of a test domain. */
export interface LoopbackAddress {
  /** 127.0.0.0/8 or ::1; anything else is refused. */
  host?: string;
  port?: number;
}
