// The real server entry point (`node apps/server/dist/server.js`, configured only by RELAYPROBE_*
// variables) as a child process: for tests of what only a process shows (refusing bad
// configuration, SIGTERM drain, kill -9 durability: SECURITY.md §5) and for the benchmarks
// (bench/ imports this file by relative path). The one place that spawns the built server.
//
// Invariants: the child's environment is PATH plus exactly the variables given (the server
// refuses RELAYPROBE_* names it does not know, so none of ours leak in); every wait is bounded
// and a child still alive at the bound is killed, so a caller cannot hang; every child started
// here is SIGKILLed when this process exits, so none outlives a failed test or benchmark.
//
// Needs a build: `npx turbo run build` (the child runs the compiled server, as operators do).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { closedPort } from '@relayprobe/testkit';

/** The compiled entry point operators run. */
export const SERVER_ENTRY = fileURLToPath(new URL('../../dist/server.js', import.meta.url));

/** How much of each output stream is kept (tests search it; failure messages quote it). */
const STREAM_KEEP_CHARS = 256 * 1024;
/** How much of the combined output `output()` returns. */
const OUTPUT_TAIL_CHARS = 4096;
/** Default bound on the wait for a starting server, so a broken build fails instead of hanging. */
const START_BOUND_MS = 20_000;
/** Default bound on a graceful stop before SIGKILL. */
const STOP_BOUND_MS = 15_000;
const HEALTH_POLL_MS = 25;
/** Port races (another process took the free port in between) are retried this often. */
const START_ATTEMPTS = 3;

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A loopback port nobody listens on right now (the testkit's closedPort: listen on 0, read it, close). */
export const freePort = closedPort;

/** How a child process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** How to spawn the server. */
export interface SpawnOptions {
  /** Node flags before the entry point, e.g. `['--import', loopMonitorUrl]` or `--cpu-prof`. */
  nodeArgs?: readonly string[];
  /** Open an IPC channel (`child.send`, 'message'), for a preloaded module that answers the parent. */
  ipc?: boolean;
  /**
   * Run without the capabilities that let root ignore file modes (CAP_DAC_OVERRIDE,
   * CAP_DAC_READ_SEARCH, CAP_FOWNER; through util-linux's setpriv), so that file modes apply as
   * they do to an unprivileged service user, while the repository (maybe in a directory only
   * root may enter) stays readable to the process as its owner.
   */
  withoutFileCapabilities?: boolean;
}

/** One spawned server process, started or not. */
export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  /** What it wrote to stdout / stderr so far (the last 256 KiB of each). */
  stdout(): string;
  stderr(): string;
  /** The last few KiB of both streams, interleaved as they came (JSON logs, crash traces). */
  output(): string;
  /** How it ended, once it has; rejects if it still runs after boundMs (it is then SIGKILLed). */
  exited(boundMs: number): Promise<ProcessExit>;
  /** Resolves once stdout contains `text`; rejects after boundMs or when the process exits first. */
  waitForOutput(text: string, boundMs: number): Promise<void>;
  /** kill -9; resolves once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (graceful shutdown), SIGKILL after boundMs; resolves with the exit code. */
  stop(boundMs?: number): Promise<number | null>;
}

/** A server process that answered GET /api/v1/health. */
export interface ServingProcess extends ServerProcess {
  port: number;
  /** http://127.0.0.1:PORT */
  base: string;
  /** ws://127.0.0.1:PORT */
  wsBase: string;
}

/** Spawn `node [nodeArgs] dist/server.js` with PATH plus exactly `env`; does not wait for anything. */
export function spawnServer(env: Record<string, string>, options: SpawnOptions = {}): ServerProcess {
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run \`npx turbo run build\` first`);
  const nodeArgs = [...(options.nodeArgs ?? []), SERVER_ENTRY];
  const [command, args] = options.withoutFileCapabilities
    ? ['setpriv', ['--bounding-set', '-dac_override,-dac_read_search,-fowner', '--inh-caps', '-all', process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  let err = '';
  let tail = '';
  const keep = (kept: string, chunk: string) => (kept + chunk).slice(-STREAM_KEEP_CHARS);
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out = keep(out, chunk);
    tail = (tail + chunk).slice(-OUTPUT_TAIL_CHARS);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err = keep(err, chunk);
    tail = (tail + chunk).slice(-OUTPUT_TAIL_CHARS);
  });
  const exit = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;

  return {
    child,
    pid: child.pid as number,
    stdout: () => out,
    stderr: () => err,
    output: () => tail,
    exited(boundMs) {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`server process still running after ${boundMs} ms; killed. Output: ${tail}`));
        }, boundMs);
      });
      return Promise.race([exit, bound]).finally(() => clearTimeout(timer));
    },
    waitForOutput(text, boundMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (out.includes(text)) return finish(resolve);
          if (gone()) return finish(() => reject(new Error(`server exited before printing ${JSON.stringify(text)}; output: ${tail}`)));
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
    async kill9() {
      if (!gone()) child.kill('SIGKILL');
      await exit;
    },
    async stop(boundMs = STOP_BOUND_MS) {
      if (!gone()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), boundMs);
      const { code } = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Options of a server that must be serving before the caller goes on. */
export interface StartOptions extends SpawnOptions {
  /** How long it may take to answer /api/v1/health (default 20 s); then it is killed and the start fails. */
  startBoundMs?: number;
}

/**
 * Spawn the server with `env` and RELAYPROBE_PORT set to a free port; resolves once GET
 * /api/v1/health answers 200. Retries with another port when the one picked was taken in between.
 */
export async function startServerProcess(env: Record<string, string>, options: StartOptions = {}): Promise<ServingProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const server = spawnServer({ ...env, RELAYPROBE_PORT: String(port) }, options);
    const base = `http://127.0.0.1:${port}`;
    const failure = await untilServing(server, base, options.startBoundMs ?? START_BOUND_MS);
    if (failure === null) return { ...server, port, base, wsBase: `ws://127.0.0.1:${port}` };
    await server.kill9();
    const portTaken = /EADDRINUSE/.test(server.output());
    if (!portTaken || attempt >= START_ATTEMPTS) throw new Error(`${failure}: ${server.output()}`);
  }
}

/** Polls /api/v1/health until it answers 200: null then, else why it gave up. */
async function untilServing(server: ServerProcess, base: string, boundMs: number): Promise<string | null> {
  const until = Date.now() + boundMs;
  while (!(await healthy(base))) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) return `server exited before answering (code ${server.child.exitCode})`;
    if (Date.now() > until) return `server did not answer /api/v1/health within ${boundMs} ms`;
    await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
  }
  return null;
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

/** SIGKILL every server process started here that is still running (for `after` hooks). */
export async function killAllServerProcesses(): Promise<void> {
  await Promise.all(
    [...live].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
