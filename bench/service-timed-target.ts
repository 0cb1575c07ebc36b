// A slow closed Postfix for the latency benchmark that notes, with performance.now(), the moment
// it writes each reply: the testkit's SMTP engine (runSmtpSession) with the postfix-closed
// profile's policy, on a peer that timestamps every write. The viewer runs in the same process,
// so "reply written" and "event received" are read off the same clock.
//
// The policy is rebuilt here from the kit's exported reply texts because the kit exports the
// engine but not its profile table; it answers exactly as startProfile('postfix-closed') does.
import type net from 'node:net';
import type tls from 'node:tls';
import {
  OWN_ADDRESS_LITERAL, REPLY, DEFAULT_HOSTNAME, defaultLocalDomains, postfixDomainNotFound, postfixRelayDenied, postfixUnknownUser,
  runSmtpSession, startScriptedServer, type RawPeer, type ServerHandle, type ServerPolicy, type SessionRecord, type SessionSettings,
} from '@relayprobe/testkit';

/** One reply as the target wrote it: its lines (without CRLF) and when the write that completed it was made. */
export interface WrittenReply {
  lines: string[];
  at: number;
}

/** A started target and every reply it wrote, in order, over all its connections. */
export interface TimedTarget {
  handle: ServerHandle;
  replies: WrittenReply[];
}

/** startProfile('postfix-closed')'s policy: local recipients taken, the rest refused as Postfix does. */
const POSTFIX_CLOSED: ServerPolicy = {
  greeting: (host) => [`220 ${host} ESMTP Postfix`],
  starttls: 'never',
  rcpt: (intent) => {
    switch (intent.kind) {
      case 'local':
        return REPLY.recipientOk;
      case 'unknown-user':
        return postfixUnknownUser(intent.address);
      case 'domain-not-found':
        return postfixDomainNotFound(intent.address);
      default:
        return postfixRelayDenied(intent.address);
    }
  },
};

/** Delegates to the kit's peer; every write is timestamped and cut into replies first. */
class TimedPeer implements RawPeer {
  private partial: string[] = [];

  constructor(
    private readonly inner: RawPeer,
    private readonly replies: WrittenReply[],
  ) {}

  get socket(): net.Socket {
    return this.inner.socket;
  }

  get record(): SessionRecord {
    return this.inner.record;
  }

  get closed(): boolean {
    return this.inner.closed;
  }

  write(bytes: string | Buffer): void {
    this.note(bytes);
    this.inner.write(bytes);
  }

  writeAndWait(bytes: string | Buffer): Promise<boolean> {
    this.note(bytes);
    return this.inner.writeAndWait(bytes);
  }

  readLine(): Promise<string | null> {
    return this.inner.readLine();
  }

  hasBufferedLine(): boolean {
    return this.inner.hasBufferedLine();
  }

  waitForData(): Promise<boolean> {
    return this.inner.waitForData();
  }

  sleep(ms: number): Promise<boolean> {
    return this.inner.sleep(ms);
  }

  upgradeToTls(): Promise<tls.TLSSocket | null> {
    return this.inner.upgradeToTls();
  }

  end(): void {
    this.inner.end();
  }

  reset(): void {
    this.inner.reset();
  }

  destroy(): void {
    this.inner.destroy();
  }

  /** RFC 5321 §4.2.1: `NNN-text` continues a reply, `NNN text` or a bare `NNN` ends it. */
  private note(bytes: string | Buffer): void {
    if (this.inner.closed) return;
    const at = performance.now();
    const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
    for (const line of text.split('\r\n').slice(0, -1)) {
      this.partial.push(line);
      if (line[3] !== '-') {
        this.replies.push({ lines: this.partial, at });
        this.partial = [];
      }
    }
  }
}

/** Start one timed closed Postfix on 127.0.0.1:0 that waits `latencyMs` before each batch of replies. */
export async function startTimedTarget(latencyMs: number): Promise<TimedTarget> {
  const replies: WrittenReply[] = [];
  let queued = 0;
  const settings: SessionSettings = {
    host: DEFAULT_HOSTNAME,
    localDomains: [...defaultLocalDomains(DEFAULT_HOSTNAME), OWN_ADDRESS_LITERAL],
    pipelining: true,
    latencyMs,
    offerStarttls: false,
    nextQueueId: () => `4F${(++queued).toString(16).toUpperCase().padStart(6, '0')}`,
  };
  const handle = await startScriptedServer((peer) => runSmtpSession(new TimedPeer(peer, replies), POSTFIX_CLOSED, settings));
  return { handle, replies };
}
