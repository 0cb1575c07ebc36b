// A local probe (local-probe.ts) that also measures what a hostile server cost us: wall time,
// the peak growth of the process's resident memory while it ran, and the evidence it left.
import type { ErrorEvent, ResultDocument } from '@relayprobe/contracts';
import type { ServerHandle } from '@relayprobe/testkit';
import type { ProbeOptions } from '../src/index.js';
import { probeLocal } from './local-probe.js';

export interface TimedRun {
  result: ResultDocument;
  /** Wall time of the whole probe, milliseconds. */
  ms: number;
  /** Peak resident-set growth seen while the probe ran, bytes (sampled every few events). */
  rssGrowth: number;
}

/** Events between two RSS samples: reading /proc for every event of a flood would dominate the run. */
const SAMPLE_EVERY = 64;

/** Probe 127.0.0.1:server.port and measure it. */
export async function timedProbe(server: Pick<ServerHandle, 'port'>, overrides: Partial<ProbeOptions> = {}): Promise<TimedRun> {
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  let seen = 0;
  const sample = () => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  };
  const started = performance.now();
  const { result } = await probeLocal(server, overrides, {
    onEvent: () => {
      if (++seen % SAMPLE_EVERY === 0) sample();
    },
  });
  sample();
  return { result, ms: performance.now() - started, rssGrowth: rssPeak - rssBefore };
}

/** The error events of a result. */
export const errorEvents = (result: ResultDocument): ErrorEvent[] => result.events.filter((e): e is ErrorEvent => e.type === 'error');

/** The codes of the error events, in order. */
export const errorCodes = (result: ResultDocument): string[] => errorEvents(result).map((e) => e.code);

/** The evidence bytes of every error event that kept some. */
export const evidenceOf = (result: ResultDocument): Buffer[] => errorEvents(result).flatMap((e) => (e.evidence === undefined ? [] : [Buffer.from(e.evidence, 'base64')]));
