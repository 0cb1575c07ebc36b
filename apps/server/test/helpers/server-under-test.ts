// A real relayprobe server for tests: listening on 127.0.0.1 port 0, a fresh data directory,
// loopback targets allowed, no real DNS (an injected resolver), the testkit CA trusted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { fixtureCa } from '@relayprobe/testkit';
import type { CreateProbeBody, ResultDocument, ServerMessage } from '@relayprobe/contracts';
import type { DnsResolver } from '@relayprobe/probe';
import { loadConfig } from '../../src/config.js';
import { buildApp, type AppDependencies } from '../../src/app.js';

/** Refuses every query: probes of IP literals need none, and no test may use real DNS. */
export const noDns: DnsResolver = {
  resolveMx: () => Promise.reject(Object.assign(new Error('no DNS in tests'), { code: 'ESERVFAIL' })),
  resolve4: () => Promise.reject(Object.assign(new Error('no DNS in tests'), { code: 'ESERVFAIL' })),
  resolve6: () => Promise.reject(Object.assign(new Error('no DNS in tests'), { code: 'ESERVFAIL' })),
};

export const TEST_ENV: Record<string, string> = {
  RELAYPROBE_PORT: '0',
  RELAYPROBE_ALLOW_TARGETS: '127.0.0.0/8',
  RELAYPROBE_PORTS: '1024-65535',
  RELAYPROBE_HELO_NAME: 'prober.relayprobe.test',
  RELAYPROBE_LOG_LEVEL: 'silent',
  RELAYPROBE_TIMEOUT: '5',
  // The testkit's greylister never lets a retry through; the retry itself is tested against a
  // real greylister (postgrey) in packages/mta-lab, through this API too.
  RELAYPROBE_GREYLIST_WAIT: '0',
  RELAYPROBE_RATE_LIMIT: '1000',
  RELAYPROBE_TARGET_HOURLY_LIMIT: '1000',
  RELAYPROBE_SHUTDOWN_GRACE: '2',
};

export interface TestServer {
  app: FastifyInstance;
  /** http://127.0.0.1:PORT */
  base: string;
  /** ws://127.0.0.1:PORT */
  wsBase: string;
  dataDir: string;
  close(): Promise<void>;
}

/** Start a server; `env` overrides TEST_ENV (use `undefined` values to drop one). */
export async function startTestServer(env: Record<string, string | undefined> = {}, deps: AppDependencies = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'relayprobe-server-'));
  const loaded = loadConfig({ ...TEST_ENV, RELAYPROBE_DATA_DIR: dataDir, ...env });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const app = await buildApp(loaded.config, { resolver: noDns, logger: false, trustedCa: fixtureCa.cert, ...deps });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let closed = false;
  return {
    app,
    base: `http://127.0.0.1:${port}`,
    wsBase: `ws://127.0.0.1:${port}`,
    dataDir,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** POST /api/v1/probes; returns status and parsed body. */
export async function postProbe(base: string, body: Partial<CreateProbeBody> | Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}/api/v1/probes`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

/** Wait for the probe's `done` on the event stream (no polling: result reads are rate limited), then GET it. */
export async function waitForResult(base: string, id: string, boundMs = 30_000): Promise<ResultDocument> {
  await collectEvents(base.replace(/^http/, 'ws'), id, { boundMs });
  const response = await fetch(`${base}/api/v1/probes/${id}`);
  if (response.status !== 200) throw new Error(`GET ${id}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as ResultDocument;
}

/** Open the event stream and collect every message until the server closes it (bounded). */
export function collectEvents(wsBase: string, id: string, options: { after?: number; origin?: string; boundMs?: number } = {}): Promise<{ messages: ServerMessage[]; code: number }> {
  return new Promise((resolve, reject) => {
    const query = options.after !== undefined ? `?after=${options.after}` : '';
    const socket = new WebSocket(`${wsBase}/api/v1/probes/${id}/events${query}`, options.origin ? { origin: options.origin } : {});
    const messages: ServerMessage[] = [];
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`event stream of ${id} still open after ${options.boundMs ?? 30_000} ms`));
    }, options.boundMs ?? 30_000);
    socket.on('message', (data) => messages.push(JSON.parse(data.toString()) as ServerMessage));
    socket.on('close', (code) => {
      clearTimeout(timer);
      resolve({ messages, code });
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
