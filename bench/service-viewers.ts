// Benchmark (not a test): WebSocket viewers that never read, attached to a large finished result
// (issue 12, item 2: 500 such viewers took the server to its 4 GB heap limit, and repeated GETs of
// one 41 MB result held the event loop for seconds). The real server in a child process
// (service-server-monitor.ts: its own RSS, its loop delay sampled inside it); two finished results:
//
// - "capped": the largest result a probe makes now, a standard suite against the testkit's
//   control-flood (64 KB replies of 0x01 to every command, about 1 MB a connection), run through
//   the server;
// - "legacy": a result as a database written before the caps holds it (38 MB: the same replies
//   stored whole, text plus base64), written into the data directory before the server starts.
//
// For each: VIEWERS_COUNT (500) WebSocket viewers open the stream and stop reading at once (their
// TCP socket paused). While they are attached, and for VIEWERS_HOLD_MS (5000) after the last one
// opened: the server's RSS (now and peak), GET /api/v1/health latency every 50 ms (p50, p99, max),
// the event-loop delay inside the server, and how many viewers the server dropped at its byte bound
// (its log). Then GETs of the result itself (the first builds the cached text, the rest reuse it).
//
// Run alone (after `npx turbo run build`): node --import tsx bench/service-viewers.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { startHostile } from '@relayprobe/testkit';
import { openViewer, type RecordingViewer } from '../apps/server/test/helpers/security-ws-client.js';
import { storeLegacyFloodResult } from '../apps/server/test/helpers/legacy-result.js';
import { startBenchServer, type BenchServer } from './service-server-monitor.js';
import { percentile } from './stats.js';

const VIEWERS = Number(process.env.VIEWERS_COUNT ?? 500);
const HOLD_MS = Number(process.env.VIEWERS_HOLD_MS ?? 5000);
const HEALTH_EVERY_MS = 50;
/**
 * The stream allows 120 upgrades a minute per client address: the viewers come from 127.0.0.2,
 * 127.0.0.3, ... (all of 127/8 is loopback), this many from each.
 */
const VIEWERS_PER_ADDRESS = 100;
const RESULT_GETS = 20;
const LEGACY_ID = 'legacyFloodResult0000A';

const SERVER_ENV: Record<string, string> = {
  RELAYPROBE_HOST: '127.0.0.1',
  RELAYPROBE_ALLOW_TARGETS: '127.0.0.0/8',
  RELAYPROBE_PORTS: '1024-65535',
  RELAYPROBE_HELO_NAME: 'bench.relayprobe.test',
  RELAYPROBE_RATE_LIMIT: '100000',
  RELAYPROBE_TARGET_HOURLY_LIMIT: '100000',
  RELAYPROBE_LOG_LEVEL: 'warn',
  RELAYPROBE_SHUTDOWN_GRACE: '5',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

/** Run the capped result through the server: POST, then wait for `done` on its stream. */
async function cappedResult(server: BenchServer): Promise<string> {
  const target = await startHostile('control-flood');
  try {
    const response = await fetch(`${server.base}/api/v1/probes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: '127.0.0.1', port: target.port, suite: 'standard', tls: 'none' }),
    });
    const { id } = (await response.json()) as { id: string };
    await new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(`${server.wsBase}/api/v1/probes/${id}/events`);
      socket.on('message', (data) => {
        if ((JSON.parse(data.toString()) as { type: string }).type === 'done') resolve();
      });
      socket.on('error', reject);
    });
    return id;
  } finally {
    await target.close();
  }
}

/** Health-check latencies, one request at a time every HEALTH_EVERY_MS, until `stop()`. */
function sampleHealth(base: string): { stop: () => Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const response = await fetch(`${base}/api/v1/health`);
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      await sleep(HEALTH_EVERY_MS);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return latencies;
    },
  };
}

const dropsLogged = (server: BenchServer) =>
  server
    .stdout()
    .split('\n')
    .filter((line) => line.includes('dropping a viewer that does not read')).length;

/** `offset`: which block of source addresses this measurement's viewers come from (rate limits are per address). */
async function measure(server: BenchServer, label: string, id: string, offset: number): Promise<void> {
  const size = (await (await fetch(`${server.base}/api/v1/probes/${id}`)).text()).length;
  const before = server.memory().rssMb;
  const dropsBefore = dropsLogged(server);
  await server.resetLoopDelay();
  const health = sampleHealth(server.base);
  const viewers: RecordingViewer[] = [];
  let peak = before;
  const attachStarted = performance.now();
  try {
    for (let i = 0; i < VIEWERS; i++) {
      const localAddress = `127.0.${offset + 1}.${2 + Math.floor(i / VIEWERS_PER_ADDRESS)}`;
      const viewer = await openViewer(`${server.wsBase}/api/v1/probes/${id}/events`, { localAddress });
      viewer.pauseReading();
      viewers.push(viewer);
      if (i % 50 === 0) peak = Math.max(peak, server.memory().rssMb);
    }
  } catch (error) {
    await health.stop();
    throw error;
  }
  const attachMs = performance.now() - attachStarted;
  const holdUntil = performance.now() + HOLD_MS;
  while (performance.now() < holdUntil) {
    peak = Math.max(peak, server.memory().rssMb);
    await sleep(100);
  }
  const attachedRss = server.memory().rssMb;
  const latencies = await health.stop();
  const loop = await server.loopDelay();
  const dropped = dropsLogged(server) - dropsBefore;
  for (const viewer of viewers) viewer.ws.terminate();
  await Promise.all(viewers.map((viewer) => viewer.closed));
  const gets: number[] = [];
  for (let i = 0; i < RESULT_GETS; i++) {
    const started = performance.now();
    await (await fetch(`${server.base}/api/v1/probes/${id}`)).arrayBuffer();
    gets.push(performance.now() - started);
  }
  console.log(`${label}: result document ${round(size / 1024 / 1024, 2)} MB; ${VIEWERS} viewers that never read, attached in ${round(attachMs / 1000, 1)} s, held ${HOLD_MS / 1000} s`);
  console.log(
    `  server RSS: ${round(before)} MB before, ${round(peak)} MB at most while attached, ${round(attachedRss)} MB at the end (peak of the process so far ${round(server.memory().peakRssMb)} MB)`,
  );
  console.log(`  dropped by the byte bound (1 MiB sent and not read): ${dropped} of ${VIEWERS}`);
  console.log(
    `  GET /api/v1/health while attached: p50 ${round(percentile(latencies, 50))} ms, p99 ${round(percentile(latencies, 99))} ms, max ${round(Math.max(...latencies))} ms (${latencies.length} requests)`,
  );
  console.log(`  event-loop delay inside the server: p50 ${round(loop.p50Ms)} ms, p99 ${round(loop.p99Ms)} ms, max ${round(loop.maxMs)} ms`);
  console.log(`  GET /api/v1/probes/:id (${RESULT_GETS} in a row, after the viewers): p50 ${round(percentile(gets, 50))} ms, max ${round(Math.max(...gets))} ms`);
}

export async function run(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'relayprobe-bench-viewers-'));
  const legacyBytes = storeLegacyFloodResult(dataDir, LEGACY_ID);
  const server = await startBenchServer({ ...SERVER_ENV, RELAYPROBE_DATA_DIR: dataDir });
  try {
    const capped = await cappedResult(server);
    await measure(server, 'capped (control-flood, standard suite, run now)', capped, 0);
    console.log(`  (the legacy result's events: ${round(legacyBytes / 1024 / 1024, 1)} MB as stored before the caps)`);
    await measure(server, 'legacy (stored before the caps)', LEGACY_ID, 1);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
