// The relayprobe server as operators run it: `node apps/server/dist/server.js` in a child process,
// configured only by RELAYPROBE_* variables. For tests of what only a process shows: refusing to
// start on bad configuration, and shutting down on SIGTERM.
//
// Invariants: the child's environment holds no RELAYPROBE_* variable of ours, only those given;
// every wait is bounded, and a child still alive at the bound is killed, so a test cannot hang.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The compiled entry point (run `npx turbo run build` after changing src). */
export const SERVER_ENTRY = fileURLToPath(new URL('../../dist/server.js', import.meta.url));

/** A free loopback port: listen on port 0, note the port, close (the server is then told to use it). */
export function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  /** Everything the child wrote so far. */
  stdout(): string;
  stderr(): string;
  /** Exit code and signal, once it exits (rejects if it is still running after boundMs; it is then killed). */
  exited(boundMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when stdout contains `text` (rejects after boundMs or when the child exits first). */
  waitForOutput(text: string, boundMs: number): Promise<void>;
  /** SIGKILL if still running (cleanup). */
  kill(): void;
}

/** Spawn the server with exactly these RELAYPROBE_* variables (the rest of the environment is kept). */
export function spawnServer(env: Record<string, string>): ServerProcess {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RELAYPROBE_')));
  const child = spawn(process.execPath, [SERVER_ENTRY], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const running = () => child.exitCode === null && child.signalCode === null;

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited(boundMs) {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`server process still running after ${boundMs} ms; killed. stderr: ${err.slice(0, 2000)}`));
        }, boundMs);
      });
      return Promise.race([exit, bound]).finally(() => clearTimeout(timer));
    },
    waitForOutput(text, boundMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (out.includes(text)) return finish(resolve);
          if (!running()) return finish(() => reject(new Error(`server exited before printing ${JSON.stringify(text)}; stderr: ${err.slice(0, 2000)}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`server did not print ${JSON.stringify(text)} within ${boundMs} ms`))), boundMs);
        const finish = (then: () => void) => {
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.off('exit', check);
          then();
        };
        child.stdout?.on('data', check);
        child.on('exit', check);
        check();
      });
    },
    kill() {
      if (running()) child.kill('SIGKILL');
    },
  };
}

/** Poll GET /api/v1/health until it answers 200 (bounded). */
export async function waitUntilServing(base: string, server: ServerProcess, boundMs: number): Promise<void> {
  const until = Date.now() + boundMs;
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`server exited with ${server.child.exitCode}; stderr: ${server.stderr().slice(0, 2000)}`);
    try {
      if ((await fetch(`${base}/api/v1/health`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`server not serving ${base} after ${boundMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
