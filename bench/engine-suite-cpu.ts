// Benchmark (not a test): CPU per standard suite in the protocol engine, against the in-memory
// scripted peer the engine tests use (no sockets, virtual clock). Target (DESIGN.md, performance
// targets): a full standard suite in <= 1 ms of CPU.
//
// The figure is process.cpuUsage() (user + system) over N suites divided by N, so it includes the
// scripted peer's own work (answering every line, encoding replies, sorting timers) and GC: it is
// an upper bound on the engine's cost, and the printed line says so.
//
// Run alone: node --import tsx bench/engine-suite-cpu.ts   (SUITE_RUNS=N to change the count)
import { pathToFileURL } from 'node:url';
import type { PeerPolicy } from '../packages/engine/test/scripted-peer.js';

// Loaded with import() like bench/engine-reply-parse.ts: the bench folder is CommonJS under tsx,
// and the engine should run as the ES module it is.
type PeerModule = typeof import('../packages/engine/test/scripted-peer.js');
type PoliciesModule = typeof import('../packages/engine/test/peer-policies.js');

const RUNS = Number(process.env.SUITE_RUNS ?? 2000);
const WARMUP_RUNS = Math.max(50, Math.floor(RUNS / 10));

interface Scenario {
  label: string;
  policy: (policies: PoliciesModule) => PeerPolicy;
  /** The verdict the suite must reach: a benchmark of a broken run measures nothing. */
  verdict: string;
}

const SCENARIOS: Scenario[] = [
  { label: 'closed Postfix', policy: (p) => p.postfixClosed(), verdict: 'closed' },
  { label: 'open relay', policy: (p) => p.openRelay(), verdict: 'open' },
];

/** Value at quantile q (0..1) of an ascending array. */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function measure(peer: PeerModule, policies: PoliciesModule, scenario: Scenario): void {
  const options = peer.defaultOptions({ suite: 'standard' });
  const first = peer.runAgainst(scenario.policy(policies), options);
  const verdict = first.result.verdict?.code;
  if (verdict !== scenario.verdict) throw new Error(`${scenario.label}: expected verdict ${scenario.verdict}, got ${String(verdict)}`);
  const vectors = first.result.vectors.length;
  const connections = first.written.length;

  for (let i = 0; i < WARMUP_RUNS; i++) peer.runAgainst(scenario.policy(policies), options);

  const wall: number[] = [];
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    peer.runAgainst(scenario.policy(policies), options);
    wall.push(performance.now() - start);
  }
  const cpu = process.cpuUsage(cpuStart);
  wall.sort((a, b) => a - b);

  const cpuMsPerSuite = (cpu.user + cpu.system) / 1000 / RUNS;
  console.log(
    `engine suite CPU (${scenario.label}): ${cpuMsPerSuite.toFixed(3)} ms per standard suite ` +
      `(user+system, ${RUNS} runs, scripted peer included; ${vectors} vectors, ${connections} connection${connections === 1 ? '' : 's'})`,
  );
  console.log(`engine suite wall (${scenario.label}): p50 ${quantile(wall, 0.5).toFixed(3)} ms, p95 ${quantile(wall, 0.95).toFixed(3)} ms per standard suite`);
}

/** Measure CPU and wall time per standard suite against the scripted peer; prints one line per figure. */
export async function run(): Promise<void> {
  const peer = (await import('../packages/engine/test/scripted-peer.js')) as PeerModule;
  const policies = (await import('../packages/engine/test/peer-policies.js')) as PoliciesModule;
  for (const scenario of SCENARIOS) measure(peer, policies, scenario);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
