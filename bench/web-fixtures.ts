// What bench/web.ts measures against: the built relayprobe server as a child process, with the
// environment playwright.config.ts gives its servers, and a closed Postfix on 127.0.0.1 that holds
// its greeting until the page watches and stamps each reply with Date.now() (the page's clock).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from '../apps/server/test/helpers/server-process.js';
import { browserServerEnv } from '../e2e/support/servers.js';
import { startTimedTarget, type TimedTarget } from './service-timed-target.js';

/** Bounds the server's graceful stop (its shutdown grace is 0 s). */
const STOP_BOUND_MS = 5000;

/** A running relayprobe server with its own data directory. */
export interface WebBenchServer {
  baseUrl: string;
  /** Stops it and removes its data directory. */
  stop(): Promise<void>;
}

/** Starts apps/server/dist/server.js on a free loopback port with a fresh data directory; resolves once /api/v1/health answers. */
export async function startWebBenchServer(): Promise<WebBenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'relayprobe-bench-web-'));
  const removeData = () => rmSync(dataDir, { recursive: true, force: true });
  const server = await startServerProcess(browserServerEnv(dataDir)).catch((error: unknown) => {
    removeData();
    throw error;
  });
  return {
    baseUrl: server.base,
    async stop() {
      await server.stop(STOP_BOUND_MS);
      removeData();
    },
  };
}

/** The timed target, and the gate its sessions' greetings wait for. */
export interface GatedTarget extends TimedTarget {
  /** Lets sessions greet (call once the page watches the probe). */
  open(): void;
}

/** A closed Postfix (every relay attempt 554 5.7.1) that delays every reply batch by `latencyMs`. */
export async function startGatedTarget(latencyMs: number): Promise<GatedTarget> {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const target = await startTimedTarget(latencyMs, { clock: Date.now, greetAfter: gate });
  return { ...target, open };
}
