// A tiny raw-socket SMTP client for testing the kit itself (not the relayprobe engine): it reads
// whole replies (RFC 5321 §4.2.1: `NNN-` continues, `NNN ` or `NNN` ends) and keeps every chunk.
import net from 'node:net';
import tls from 'node:tls';

export class TestClient {
  /** Every chunk received, in order (plaintext and TLS). */
  readonly chunks: Buffer[] = [];
  private buffer = Buffer.alloc(0);
  private socket: net.Socket;
  private waiter: (() => void) | null = null;
  private ended = false;
  /** Resolves when the connection closes; `error` is the socket error, if any (e.g. ECONNRESET). */
  readonly closed: Promise<{ error: NodeJS.ErrnoException | null }>;
  private resolveClosed!: (v: { error: NodeJS.ErrnoException | null }) => void;
  private lastError: NodeJS.ErrnoException | null = null;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.attach(socket);
  }

  static connect(port: number): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.removeListener('error', reject);
        resolve(new TestClient(socket));
      });
    });
  }

  /** Connects with TLS from the first byte (port 465 style). */
  static connectTls(port: number, options: tls.ConnectionOptions): Promise<{ client: TestClient; socket: tls.TLSSocket }> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, ...options });
      socket.once('error', reject);
      socket.once('secureConnect', () => {
        socket.removeListener('error', reject);
        resolve({ client: new TestClient(socket), socket });
      });
    });
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => (this.lastError = err));
    socket.on('close', () => {
      this.ended = true;
      this.wake();
      this.resolveClosed({ error: this.lastError });
    });
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  private async more(): Promise<boolean> {
    if (this.ended) return false;
    await new Promise<void>((resolve) => (this.waiter = resolve));
    return true;
  }

  /** The next line without CRLF (or bare LF); null when the connection closed first. */
  async readLine(): Promise<string | null> {
    for (;;) {
      const lf = this.buffer.indexOf(0x0a);
      if (lf !== -1) {
        const end = lf > 0 && this.buffer[lf - 1] === 0x0d ? lf - 1 : lf;
        const line = this.buffer.toString('latin1', 0, end);
        this.buffer = this.buffer.subarray(lf + 1);
        return line;
      }
      if (!(await this.more())) return null;
    }
  }

  /** A whole reply's lines; throws when the connection closes mid-reply. */
  async readReply(): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.readLine();
      if (line === null) throw new Error(`connection closed after ${JSON.stringify(lines)}`);
      lines.push(line);
      if (!/^\d{3}-/.test(line)) return lines;
    }
  }

  /** Waits until at least `n` bytes are buffered (unread); false when the connection closed first. */
  async waitForBytes(n: number): Promise<boolean> {
    while (this.buffer.length < n) if (!(await this.more())) return false;
    return true;
  }

  /** Bytes received but not read as lines yet. */
  get unread(): Buffer {
    return this.buffer;
  }

  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** Sends one command line and reads its reply. */
  async command(line: string): Promise<string[]> {
    this.write(`${line}\r\n`);
    return this.readReply();
  }

  /** Sends one command and returns its reply's lines joined with LF (a one-line reply: the line). */
  async ask(line: string): Promise<string> {
    return (await this.command(line)).join('\n');
  }

  /** Upgrades to TLS after a 220 to STARTTLS; resolves with the TLS socket once secure (or rejects). */
  startTls(options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
    return new Promise((resolve, reject) => {
      this.socket.removeAllListeners('data');
      const secure = tls.connect({ socket: this.socket, ...options });
      secure.once('error', reject);
      secure.once('secureConnect', () => {
        secure.removeListener('error', reject);
        this.socket = secure;
        this.buffer = Buffer.alloc(0);
        this.attach(secure);
        resolve(secure);
      });
    });
  }

  /** Closes gracefully and waits for the close. */
  async quit(): Promise<void> {
    this.socket.end();
    await this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
