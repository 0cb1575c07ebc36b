// The real server entry point (`node dist/server.js`, configured only by RELAYPROBE_* variables)
// as a child process, for tests that must kill it the hard way (SECURITY.md §5, used by
// durability.test.ts). Every child started here is SIGKILLed when the test process exits, so
// none can outlive a failed test.
//
// Needs a build: `npx turbo run build` (the child runs the compiled server, as operators do).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

/** The compiled entry point operators run. */
export const SERVER_ENTRY = fileURLToPath(new URL('../../dist/server.js', import.meta.url));

/** How much of the child's output is kept for failure messages. */
const OUTPUT_TAIL_CHARS = 4096;
/** Bounds the wait for a starting server, so a broken build fails instead of hanging. */
const START_BOUND_MS = 20_000;
const HEALTH_POLL_MS = 20;

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A port nobody listens on right now: listen on 0, read it, close (the OS may hand it out again later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** One running server process. */
export interface ServerProcess {
  pid: number;
  /** http://127.0.0.1:PORT */
  base: string;
  /** Resolves once the process is gone (code or signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last few KiB of its stdout and stderr (JSON logs, crash traces). */
  output(): string;
  /** kill -9; resolves once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (graceful shutdown); SIGKILL after boundMs; resolves with the exit code. */
  stop(boundMs?: number): Promise<number | null>;
}

/** SIGKILL every server process started here that is still running (for `after` hooks). */
export async function killAllServerProcesses(): Promise<void> {
  await Promise.all([...live].map((child) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  })));
}

/**
 * Start `node dist/server.js` with exactly `env` (plus PATH) and RELAYPROBE_PORT set to a free
 * port; resolves once GET /api/v1/health answers 200. Retries with another port when the one
 * picked was taken in between.
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run \`npx turbo run build\` first`);
  for (let attempt = 1; ; attempt++) {
    const started = await startOnce(env, await freePort());
    if (started.ok) return started.server;
    if (!started.portTaken || attempt >= 3) throw new Error(started.message);
  }
}

type StartResult = { ok: true; server: ServerProcess } | { ok: false; portTaken: boolean; message: string };

async function startOnce(env: Record<string, string>, port: number): Promise<StartResult> {
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, RELAYPROBE_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let tail = '';
  const keep = (chunk: string) => {
    tail = (tail + chunk).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const base = `http://127.0.0.1:${port}`;

  const until = Date.now() + START_BOUND_MS;
  while (!(await healthy(base))) {
    if (gone()) {
      await exited;
      return { ok: false, portTaken: /EADDRINUSE/.test(tail), message: `server exited before answering (code ${child.exitCode}): ${tail}` };
    }
    if (Date.now() > until) {
      child.kill('SIGKILL');
      await exited;
      return { ok: false, portTaken: false, message: `server did not answer /api/v1/health within ${START_BOUND_MS} ms: ${tail}` };
    }
    await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
  }

  const server: ServerProcess = {
    pid: child.pid as number,
    base,
    exited,
    output: () => tail,
    async kill9() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    async stop(boundMs = 15_000) {
      if (!gone()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), boundMs);
      const { code } = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  return { ok: true, server };
}

async function healthy(base: string): Promise<boolean> {
  try {
    const response = await fetch(`${base}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}
