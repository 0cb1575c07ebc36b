// What bench/web.ts measures against: the built relayprobe server as a child process (the way
// playwright.config.ts starts it), and a fake closed Postfix on 127.0.0.1 that holds its greeting
// until the page watches, and records when it wrote each reply.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_HOSTNAME,
  OWN_ADDRESS_LITERAL,
  REPLY,
  defaultLocalDomains,
  postfixDomainNotFound,
  postfixRelayDenied,
  postfixUnknownUser,
  runSmtpSession,
  startScriptedServer,
  type RawPeer,
  type ServerHandle,
  type ServerPolicy,
  type SessionSettings,
} from '@relayprobe/testkit';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A running relayprobe server. */
export interface ServerProcess {
  baseUrl: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts apps/server/dist/server.js on a free loopback port with a fresh data directory; resolves once /api/v1/health answers. */
export async function startServerProcess(): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'relayprobe-bench-web-'));
  // The server refuses RELAYPROBE_* variables it does not know: pass ours only.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RELAYPROBE_')));
  const child = spawn(process.execPath, [join(ROOT, 'apps/server/dist/server.js')], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...env,
      RELAYPROBE_HOST: '127.0.0.1',
      RELAYPROBE_PORT: String(port),
      RELAYPROBE_DATA_DIR: dataDir,
      RELAYPROBE_ALLOW_TARGETS: '127.0.0.0/8',
      RELAYPROBE_PORTS: '1024-65535',
      RELAYPROBE_HELO_NAME: 'prober.relayprobe.test',
      RELAYPROBE_TIMEOUT: '5',
      RELAYPROBE_SHUTDOWN_GRACE: '0',
      RELAYPROBE_LOG_LEVEL: 'warn',
    },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited(child);
    clearTimeout(killer);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the server exited (${child.exitCode}): ${stderr}`);
    }
    const healthy = await fetch(`${baseUrl}/api/v1/health`).then((r) => r.ok, () => false);
    if (healthy) return { baseUrl, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not answer /api/v1/health within 20 s: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One write of the fake server: when (Date.now(), this process's clock) and what. */
export interface RecordedWrite {
  wall: number;
  text: string;
}

/** The fake server, its recorded writes, and the gate its first greeting waits for. */
export interface GatedTarget {
  server: ServerHandle;
  writes: RecordedWrite[];
  /** Lets sessions greet (call once the page watches the probe). */
  open(): void;
}

/** A closed Postfix (every relay attempt 554 5.7.1) that delays every reply batch by `latencyMs`. */
export async function startGatedTarget(latencyMs: number): Promise<GatedTarget> {
  const host = DEFAULT_HOSTNAME;
  const policy: ServerPolicy = {
    greeting: (h) => [`220 ${h} ESMTP Postfix`],
    starttls: 'never',
    rcpt: (intent) =>
      intent.kind === 'local'
        ? REPLY.recipientOk
        : intent.kind === 'unknown-user'
          ? postfixUnknownUser(intent.address)
          : intent.kind === 'domain-not-found'
            ? postfixDomainNotFound(intent.address)
            : postfixRelayDenied(intent.address),
  };
  let queued = 0;
  const settings: SessionSettings = {
    host,
    localDomains: [...defaultLocalDomains(host), OWN_ADDRESS_LITERAL],
    pipelining: true,
    latencyMs,
    offerStarttls: false,
    nextQueueId: () => `4F${(++queued).toString(16).toUpperCase().padStart(6, '0')}`,
  };
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const writes: RecordedWrite[] = [];
  const record = (bytes: string | Buffer) => writes.push({ wall: Date.now(), text: bytes.toString() });
  // The session engine writes through the peer; record each write as it is handed over.
  const recording = (peer: RawPeer): RawPeer =>
    new Proxy(peer, {
      get(target, property) {
        if (property === 'write') return (bytes: string | Buffer) => (record(bytes), target.write(bytes));
        if (property === 'writeAndWait') return (bytes: string | Buffer) => (record(bytes), target.writeAndWait(bytes));
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  const server = await startScriptedServer(async (peer) => {
    await gate;
    await runSmtpSession(recording(peer), policy, settings);
  });
  return { server, writes, open };
}
