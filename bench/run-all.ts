// Runs every benchmark in sequence and prints its figures (`npm run bench` builds first).
// Benchmarks print numbers and never assert timing (DESIGN.md: targets are measured here, never
// by timed tests). A benchmark that fails (wrong verdict, refused probe) is reported and the rest
// still run; the exit status is then 1.
import { pathToFileURL } from 'node:url';

interface Benchmark {
  title: string;
  /** Module path relative to this file; each module exports `run(): Promise<void>`. */
  module: string;
}

const BENCHMARKS: Benchmark[] = [
  { title: 'Engine: reply parsing throughput (target >= 200 MB/s)', module: './engine-reply-parse.ts' },
  { title: 'Engine: CPU per standard suite, in-memory scripted peer (target <= 1 ms)', module: './engine-suite-cpu.ts' },
  { title: 'Probe: round trips and wall time per standard suite, 20 ms server delay (target ~1 per vector with PIPELINING, 3 without)', module: './probe-round-trips.ts' },
  { title: 'Probe: domain test with 2 and 5 MX hosts, 20 ms server delay, vs the sum of single-server tests', module: './probe-domain.ts' },
  { title: 'Service: 1,000 concurrent probes (targets RSS < 300 MB, event-loop delay p99 < 50 ms) and reply-to-viewer latency (target p95 < 10 ms)', module: './service-load.ts' },
  { title: 'Service: 1,000 watches scheduled, 50 running at once against slow loopback servers (memory, event-loop delay)', module: './service-watches.ts' },
  { title: 'Service: 500 WebSocket viewers that never read, on a large finished result (RSS, health-check latency)', module: './service-viewers.ts' },
  { title: 'Web: initial JavaScript gzipped (target <= 90 KB); transcript event to line on the page in Chromium (target p95 <= 10 ms)', module: './web.ts' },
];

/** Runs each benchmark in turn under a header; true when all of them finished. */
export async function runAll(): Promise<boolean> {
  let allFinished = true;
  for (const [index, benchmark] of BENCHMARKS.entries()) {
    console.log(`${index === 0 ? '' : '\n'}== ${benchmark.title}`);
    try {
      const loaded = (await import(benchmark.module)) as { run?: () => Promise<void> };
      if (typeof loaded.run !== 'function') throw new Error(`${benchmark.module} exports no run()`);
      await loaded.run();
    } catch (error) {
      allFinished = false;
      console.error(`*** ${benchmark.module} failed:`, error);
    }
  }
  return allFinished;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runAll().then(
    (allFinished) => {
      process.exitCode = allFinished ? 0 : 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
