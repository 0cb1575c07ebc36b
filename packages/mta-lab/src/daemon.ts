// Runs one real daemon as a child process in a process group of its own, and tells when it is
// ready (its port is listening) or dead (it exited, with the tail of its log).
//
// Invariants: start waits for a state (the port in LISTEN), never for a fixed time;
// stop() signals the whole group, waits for the exit, and is idempotent.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface DaemonSpec {
  /** Name in error messages ("postfix open"). */
  name: string;
  command: string;
  args: string[];
  /** Where the daemon logs (read for errors). */
  logFile: string;
  listen: { host: string; port: number };
  /** What "listening" means: a TCP socket in LISTEN (default), or a bound UDP socket. */
  protocol?: 'tcp' | 'udp';
  env?: NodeJS.ProcessEnv;
}

export interface Daemon {
  child: ChildProcess;
  stop(): Promise<void>;
}

const tail = (file: string, lines = 30) => {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
};

/**
 * Whether something listens on host:port (IPv4), read from /proc/net/tcp rather than by
 * connecting: a test connection would count against the connection-rate limits some
 * instances exist to show, and would log a session of its own.
 */
export function isListening(host: string, port: number, protocol: 'tcp' | 'udp' = 'tcp'): boolean {
  const hex = (Buffer.from(host.split('.').map(Number)).readUInt32LE(0) >>> 0).toString(16).toUpperCase().padStart(8, '0');
  const local = `${hex}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const table = readFileSync(`/proc/net/${protocol}`, 'utf8');
  // Columns: sl local_address rem_address st ...; st 0A is LISTEN (TCP), 07 is a bound UDP socket.
  return table.split('\n').some((line) => {
    const cols = line.trim().split(/\s+/);
    return cols[1] === local && cols[3] === (protocol === 'tcp' ? '0A' : '07');
  });
}

/** Start the daemon and resolve once its port accepts a connection. */
export async function startDaemon(spec: DaemonSpec): Promise<Daemon> {
  let output = '';
  const child = spawn(spec.command, spec.args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: spec.env ?? process.env });
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.once('error', (error) => {
      exited = { code: null, signal: null };
      output += `\n${error.message}`;
      resolve();
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exited) return;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      // A daemon that ignores SIGTERM would hang the suite: escalate after a bound.
      const killer = setTimeout(() => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 5000);
      await exit;
      clearTimeout(killer);
    })();
    return stopping;
  };

  // Poll until the port is in LISTEN state, or the daemon dies.
  for (;;) {
    if (exited) {
      throw new Error(`${spec.name} exited before listening (code ${exited.code}, signal ${exited.signal}).\n${output}\n--- log ---\n${tail(spec.logFile)}`);
    }
    if (isListening(spec.listen.host, spec.listen.port, spec.protocol)) break;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 20);
      void exit.then(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
  return { child, stop };
}

/**
 * `unshare FLAGS sh -c SCRIPT LABEL ARGS...` as a daemon's command: the drivers that need a
 * namespace of their own (their resolv.conf, hosts, compiled-in paths) run their start script so.
 */
export function unshareShell(flags: readonly string[], script: string, label: string, args: readonly string[]): Pick<DaemonSpec, 'command' | 'args'> {
  return { command: 'unshare', args: [...flags, 'sh', '-c', script, label, ...args] };
}
