// Benchmark (not a test): watches at scale (issue 14). The real server in a child process
// (service-server-monitor.ts: peak RSS from VmHWM, event-loop delay sampled inside it) holds
// WATCHES (1000) watches, each of its own slow loopback target (a testkit postfix-closed server that
// waits WATCH_TARGET_DELAY_MS, 1000, before each batch of replies), with the shortest interval
// (1 min), so their slots spread over every minute and the scheduler keeps its cap of
// RELAYPROBE_MAX_CONCURRENT (50) scheduled runs going at once for WATCH_WINDOW_MS (60 s). Then:
// GET /api/v1/watches (1,000 watches with their history) and a /metrics scrape (3,000 per-watch
// series), timed from this process.
// The run must be what it claims: every watch created, at least 50 running at some moment, every
// finished run "closed", and no run refused for a reason other than a busy target; otherwise the
// benchmark fails instead of printing figures.
//
// Run alone (after `npx turbo run build`): node --import tsx bench/service-watches.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startProfile, type ServerHandle } from '@relayprobe/testkit';
import type { WatchDocument } from '@relayprobe/contracts';
import { startBenchServer, startIdleReference } from './service-server-monitor.js';

const WATCHES = Number(process.env.WATCHES ?? 1000);
const RUNNING = Number(process.env.WATCH_RUNNING ?? 50);
const TARGET_DELAY_MS = Number(process.env.WATCH_TARGET_DELAY_MS ?? 1000);
const WINDOW_MS = Number(process.env.WATCH_WINDOW_MS ?? 60_000);
const POLL_MS = 100;
const POST_CONCURRENCY = 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: any; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, ms: performance.now() - started };
}

/** Create one watch per target port, POST_CONCURRENCY at a time. */
async function createWatches(base: string, ports: number[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < ports.length) {
      const port = ports[next++] as number;
      const created = await json(`${base}/api/v1/watches`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ target: '127.0.0.1', port, suite: 'quick', tls: 'none', intervalMinutes: 1, alerts: [] }),
      });
      if (created.status !== 201) throw new Error(`POST /api/v1/watches answered ${created.status}: ${JSON.stringify(created.body)}`);
    }
  };
  await Promise.all(Array.from({ length: POST_CONCURRENCY }, worker));
}

export async function run(): Promise<void> {
  const targets: ServerHandle[] = [];
  for (let i = 0; i < WATCHES; i += 100) targets.push(...(await Promise.all(Array.from({ length: Math.min(100, WATCHES - i) }, () => startProfile('postfix-closed', { latencyMs: TARGET_DELAY_MS })))));
  const dataDir = mkdtempSync(join(tmpdir(), 'relayprobe-bench-watches-'));
  const idle = await startIdleReference();
  const server = await startBenchServer({
    RELAYPROBE_HOST: '127.0.0.1',
    RELAYPROBE_DATA_DIR: dataDir,
    RELAYPROBE_ALLOW_TARGETS: '127.0.0.0/8',
    RELAYPROBE_PORTS: '1024-65535',
    RELAYPROBE_HELO_NAME: 'bench.relayprobe.test',
    RELAYPROBE_MAX_CONCURRENT: String(RUNNING),
    RELAYPROBE_MAX_QUEUE: '100',
    RELAYPROBE_RATE_LIMIT: '100000',
    RELAYPROBE_TARGET_HOURLY_LIMIT: '100000',
    RELAYPROBE_WATCH_MIN_INTERVAL: '1',
    RELAYPROBE_LOG_LEVEL: 'warn',
    RELAYPROBE_SHUTDOWN_GRACE: '2',
  });
  try {
    const before = server.memory();
    const createdAt = performance.now();
    await createWatches(
      server.base,
      targets.map((t) => t.port),
    );
    const createMs = performance.now() - createdAt;
    await Promise.all([server.resetLoopDelay(), idle.resetLoopDelay()]);
    const cpuBefore = server.cpuSeconds();
    let peakRunning = 0;
    const runningSamples: number[] = [];
    const windowEnd = performance.now() + WINDOW_MS;
    while (performance.now() < windowEnd) {
      const health = await json(`${server.base}/api/v1/health`);
      runningSamples.push(health.body.running as number);
      peakRunning = Math.max(peakRunning, health.body.running as number);
      await sleep(POLL_MS);
    }
    const [loop, idleLoop] = await Promise.all([server.loopDelay(), idle.loopDelay()]);
    const cpuSeconds = server.cpuSeconds() - cpuBefore;
    const memory = server.memory();
    const list = await json(`${server.base}/api/v1/watches`);
    const scrapeStarted = performance.now();
    const exposition = await (await fetch(`${server.base}/metrics`)).text();
    const scrapeMs = performance.now() - scrapeStarted;
    const items = list.body.items as WatchDocument[];
    const runs = items.flatMap((w) => w.history);
    const finished = runs.filter((r) => r.status === 'complete');
    const notClosed = finished.filter((r) => r.verdict?.code !== 'closed');
    if (items.length !== WATCHES) throw new Error(`${items.length} watches listed, ${WATCHES} created`);
    if (peakRunning < RUNNING) throw new Error(`at most ${peakRunning} runs at once, expected ${RUNNING}`);
    if (notClosed.length > 0) throw new Error(`${notClosed.length} runs were not "closed": ${JSON.stringify(notClosed[0])}`);
    const meanRunning = runningSamples.reduce((a, b) => a + b, 0) / runningSamples.length;
    const series = exposition.split('\n').filter((l) => l.startsWith('relayprobe_watch_')).length;
    console.log(
      `watches: ${WATCHES} watches (1-min interval, quick suite), each of its own target delaying every reply batch ${TARGET_DELAY_MS} ms; RELAYPROBE_MAX_CONCURRENT=${RUNNING}; created in ${(createMs / 1000).toFixed(1)} s`,
    );
    console.log(
      `watches running at once: peak ${peakRunning}, mean ${meanRunning.toFixed(1)} over ${(WINDOW_MS / 1000).toFixed(0)} s (health polled every ${POLL_MS} ms); ${finished.length} runs finished in the window, all "closed"; ${runs.length - finished.length} running or interrupted at the end`,
    );
    console.log(`watches peak RSS: ${memory.peakRssMb.toFixed(0)} MB (server VmHWM; ${before.rssMb.toFixed(0)} MB before the watches, ${memory.rssMb.toFixed(0)} MB at the end)`);
    console.log(
      `watches event-loop delay: p99 ${loop.p99Ms.toFixed(1)} ms (p50 ${loop.p50Ms.toFixed(1)} ms, max ${loop.maxMs.toFixed(0)} ms, ${loop.samples} samples at 10 ms); idle Node process meanwhile: p99 ${idleLoop.p99Ms.toFixed(1)} ms, max ${idleLoop.maxMs.toFixed(0)} ms`,
    );
    console.log(`watches server CPU: ${cpuSeconds.toFixed(1)} s over ${(WINDOW_MS / 1000).toFixed(0)} s (${((cpuSeconds * 1000) / Math.max(1, finished.length)).toFixed(1)} ms per finished run)`);
    console.log(
      `watches GET /api/v1/watches: ${list.ms.toFixed(0)} ms for ${items.length} watches (${(JSON.stringify(list.body).length / 1024).toFixed(0)} KB, ${runs.length} history marks); /metrics scrape ${scrapeMs.toFixed(0)} ms with ${series} per-watch series`,
    );
  } finally {
    await server.stop();
    await idle.stop();
    await Promise.all(targets.map((t) => t.close()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
