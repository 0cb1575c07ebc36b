// The server under benchmark: the real entry point (`node apps/server/dist/server.js`, configured
// only by RELAYPROBE_* variables) in a child process, so its memory is its own. Peak RSS comes
// from /proc/<pid>/status (VmHWM); the event-loop delay from service-loop-monitor.mjs, preloaded
// into the child and asked over the IPC channel.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const SERVER_ENTRY = fileURLToPath(new URL('../apps/server/dist/server.js', import.meta.url));
const LOOP_MONITOR = new URL('./service-loop-monitor.mjs', import.meta.url).href;
/** Bounds start-up and shutdown so a broken build fails the benchmark instead of hanging it. */
const START_BOUND_MS = 30_000;
const STOP_BOUND_MS = 30_000;
const OUTPUT_TAIL_CHARS = 4096;

/** Event-loop delay as the server's own monitor saw it since the last reset. */
export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  samples: number;
}

/** Resident memory of the server process, in MB (2^20 bytes). */
export interface Memory {
  /** VmRSS: now. */
  rssMb: number;
  /** VmHWM: the peak since the process started. */
  peakRssMb: number;
}

/** A running server process. */
export interface BenchServer {
  pid: number;
  /** http://127.0.0.1:PORT */
  base: string;
  /** ws://127.0.0.1:PORT */
  wsBase: string;
  resetLoopDelay(): Promise<void>;
  loopDelay(): Promise<LoopDelay>;
  memory(): Memory;
  /** CPU seconds (user + system) the server process has used so far. */
  cpuSeconds(): number;
  /** Its last few KiB of output (logs at warn and above, crash traces). */
  output(): string;
  /** SIGTERM (graceful shutdown), SIGKILL after a bound; resolves once it is gone. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function readStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(match[1]);
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

function readCpuSeconds(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (proc(5)).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/** The next IPC message of this type from the child (bounded). */
function reply<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if ((message as { type?: unknown } | null)?.type !== type) return;
      child.off('message', onMessage);
      clearTimeout(timer);
      resolve(message as T);
    };
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`no ${type} message from process ${child.pid}`));
    }, 10_000);
    child.on('message', onMessage);
  });
}

/** Ask the child's loop monitor one question and wait for its answer. */
function ask<T>(child: ChildProcess, type: string): Promise<T> {
  const answer = reply<T>(child, type);
  child.send({ type });
  return answer;
}

/** A Node process that only runs the same loop monitor: how much delay this machine adds by itself. */
export interface IdleReference {
  resetLoopDelay(): Promise<void>;
  loopDelay(): Promise<LoopDelay>;
  stop(): Promise<void>;
}

/** Start the idle reference process; resolves once its monitor is running. */
export async function startIdleReference(): Promise<IdleReference> {
  const child = spawn(process.execPath, ['--import', LOOP_MONITOR, '--eval', 'setInterval(() => {}, 60_000)'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await reply(child, 'loop-ready');
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    resetLoopDelay: async () => {
      await ask(child, 'loop-reset');
    },
    loopDelay: () => ask<LoopDelay>(child, 'loop-report'),
    async stop() {
      child.kill('SIGKILL');
      await exited;
      process.off('exit', killOnExit);
    },
  };
}

/** Start the server with exactly `env` (plus PATH) on a free port; resolves once /api/v1/health answers. */
export async function startBenchServer(env: Record<string, string>): Promise<BenchServer> {
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run \`npx turbo run build\` first`);
  const port = await freePort();
  // SERVICE_SERVER_NODE_ARGS: extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extraArgs = (process.env.SERVICE_SERVER_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  const child = spawn(process.execPath, [...extraArgs, '--import', LOOP_MONITOR, SERVER_ENTRY], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, RELAYPROBE_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let tail = '';
  const keep = (chunk: string) => {
    tail = (tail + chunk).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const base = `http://127.0.0.1:${port}`;

  const until = Date.now() + START_BOUND_MS;
  for (;;) {
    try {
      const response = await fetch(`${base}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (gone() || Date.now() > until) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`the server did not start: ${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const pid = child.pid as number;
  return {
    pid,
    base,
    wsBase: `ws://127.0.0.1:${port}`,
    resetLoopDelay: async () => {
      await ask(child, 'loop-reset');
    },
    loopDelay: () => ask<LoopDelay>(child, 'loop-report'),
    memory: () => ({ rssMb: readStatusKb(pid, 'VmRSS') / 1024, peakRssMb: readStatusKb(pid, 'VmHWM') / 1024 }),
    cpuSeconds: () => readCpuSeconds(pid),
    output: () => tail,
    async stop() {
      if (!gone()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_BOUND_MS);
      await exited;
      clearTimeout(timer);
      process.off('exit', killOnExit);
    },
  };
}
