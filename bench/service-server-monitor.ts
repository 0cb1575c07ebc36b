// The server under benchmark, watched: the real entry point started through the shared
// server-process helper (a child process, so its memory is its own) with service-loop-monitor.mjs
// preloaded and an IPC channel to ask it for the event-loop delay; peak RSS from
// /proc/<pid>/status (VmHWM), CPU time from /proc/<pid>/stat. Also the idle reference: a bare
// Node process running the same monitor, to tell the machine's own delay from the server's.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startServerProcess, type ServingProcess } from '../apps/server/test/helpers/server-process.js';

const LOOP_MONITOR = new URL('./service-loop-monitor.mjs', import.meta.url).href;
/** Bounds start-up and shutdown so a broken build fails the benchmark instead of hanging it. */
const START_BOUND_MS = 30_000;
const STOP_BOUND_MS = 30_000;

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

/** A running server process and what the benchmark reads off it. */
export interface BenchServer extends ServingProcess {
  resetLoopDelay(): Promise<void>;
  loopDelay(): Promise<LoopDelay>;
  memory(): Memory;
  /** CPU seconds (user + system) the server process has used so far. */
  cpuSeconds(): number;
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

/** Start the server with exactly `env` (plus PATH) on a free port, monitor preloaded; resolves once /api/v1/health answers. */
export async function startBenchServer(env: Record<string, string>): Promise<BenchServer> {
  // SERVICE_SERVER_NODE_ARGS: extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extraArgs = (process.env.SERVICE_SERVER_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  const server = await startServerProcess(env, { nodeArgs: [...extraArgs, '--import', LOOP_MONITOR], ipc: true, startBoundMs: START_BOUND_MS });
  const { child, pid } = server;
  return {
    ...server,
    resetLoopDelay: async () => {
      await ask(child, 'loop-reset');
    },
    loopDelay: () => ask<LoopDelay>(child, 'loop-report'),
    memory: () => ({ rssMb: readStatusKb(pid, 'VmRSS') / 1024, peakRssMb: readStatusKb(pid, 'VmHWM') / 1024 }),
    cpuSeconds: () => readCpuSeconds(pid),
    stop: (boundMs = STOP_BOUND_MS) => server.stop(boundMs),
  };
}
