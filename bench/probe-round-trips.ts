// Benchmark (not a test): round trips and wall time per standard suite over real loopback
// sockets, against a testkit Postfix-like server that delays every reply batch by 20 ms (a
// stand-in for network RTT), with and without PIPELINING advertised. Target (DESIGN.md,
// performance targets): about one round trip per vector with PIPELINING (RSET, MAIL and RCPT in
// one write, RFC 2920 §3.1), three without (one command per round trip, RFC 5321 §4.3).
//
// A round trip is one client write batch that the server answered, counted on the server side:
// SessionRecord.rawReceived holds the chunks as they arrived, one per client write on loopback
// (both sides disable Nagle, and the client waits for its replies before writing again). A "vector
// round trip" is a chunk whose commands are only RSET / MAIL / RCPT; the rest (EHLO, QUIT, and the
// EHLO of every reconnect the engine makes before Postfix's error limit) are counted per suite.
// Connecting and waiting for the greeting is one more round trip per connection, shown apart
// because no client write carries it.
//
// Run alone: node --import tsx bench/probe-round-trips.ts   (PROBE_REPEATS=N to change the count)
import { pathToFileURL } from 'node:url';
import { startProfile, type SessionRecord } from '@relayprobe/testkit';
import { runProbe, type DnsResolver } from '@relayprobe/probe';

const LATENCY_MS = 20;
const REPEATS = Number(process.env.PROBE_REPEATS ?? 3);
const VECTOR_VERBS = new Set(['RSET', 'MAIL', 'RCPT']);

/** IP-literal targets need no DNS; a lookup would mean the benchmark left loopback. */
const noDns: DnsResolver = {
  resolveMx: () => Promise.reject(new Error('DNS used in a benchmark')),
  resolve4: () => Promise.reject(new Error('DNS used in a benchmark')),
  resolve6: () => Promise.reject(new Error('DNS used in a benchmark')),
};

interface SuiteFigures {
  wallMs: number;
  vectors: number;
  vectorRoundTrips: number;
  allRoundTrips: number;
  connections: number;
}

const verbOf = (line: string) => line.split(/[ :]/, 1)[0]?.toUpperCase() ?? '';

/** Counts the client write batches of one probe's sessions, as the server received them. */
function countRoundTrips(sessions: SessionRecord[]): Pick<SuiteFigures, 'vectorRoundTrips' | 'allRoundTrips'> {
  let vectorRoundTrips = 0;
  let allRoundTrips = 0;
  for (const session of sessions) {
    for (const chunk of session.rawReceived) {
      const verbs = chunk
        .toString('latin1')
        .split('\r\n')
        .filter((line) => line !== '')
        .map(verbOf);
      allRoundTrips += 1;
      if (verbs.length > 0 && verbs.every((verb) => VECTOR_VERBS.has(verb))) vectorRoundTrips += 1;
    }
  }
  return { vectorRoundTrips, allRoundTrips };
}

async function runSuite(pipelining: boolean): Promise<SuiteFigures> {
  const server = await startProfile('postfix-closed', { latencyMs: LATENCY_MS, pipelining });
  try {
    const start = performance.now();
    const outcome = await runProbe({
      target: '127.0.0.1',
      port: server.port,
      allowedPorts: 'any',
      allowPrivate: true,
      resolver: noDns,
      tls: 'none',
      suite: 'standard',
      helo: 'bench.relayprobe.test',
      timeoutSeconds: 5,
    });
    const wallMs = performance.now() - start;
    if (!outcome.ok) throw new Error(`probe refused: ${outcome.code}: ${outcome.message}`);
    const { result } = outcome;
    if (result.verdict?.code !== 'closed') throw new Error(`expected verdict closed, got ${String(result.verdict?.code)}`);
    if (result.session?.pipelining !== pipelining) throw new Error(`the probe saw PIPELINING=${String(result.session?.pipelining)}`);
    return { wallMs, vectors: result.vectors.length, connections: server.connections, ...countRoundTrips(server.transcripts) };
  } finally {
    await server.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function measure(pipelining: boolean): Promise<void> {
  const runs: SuiteFigures[] = [];
  for (let i = 0; i < REPEATS; i++) runs.push(await runSuite(pipelining));
  const perVector = median(runs.map((r) => r.vectorRoundTrips / r.vectors));
  const label = pipelining ? 'with PIPELINING' : 'without PIPELINING';
  const target = pipelining ? 'target ~1' : 'target 3';
  const vectors = median(runs.map((r) => r.vectors));
  const connections = median(runs.map((r) => r.connections));
  console.log(
    `probe round trips (${label}): ${perVector.toFixed(2)} per vector (${target}; ${vectors} vectors, ` + `${median(runs.map((r) => r.vectorRoundTrips))} vector write batches, median of ${REPEATS})`,
  );
  console.log(
    `probe round trips (${label}): ${median(runs.map((r) => r.allRoundTrips))} client write batches per standard suite ` +
      `(EHLO and QUIT included) + ${connections} connect-and-greeting over ${connections} connection${connections === 1 ? '' : 's'}`,
  );
  console.log(
    `probe wall time (${label}): ${median(runs.map((r) => r.wallMs)).toFixed(0)} ms per standard suite ` + `(server delays each reply batch ${LATENCY_MS} ms, loopback, median of ${REPEATS})`,
  );
}

/** Measure round trips and wall time per standard suite, with and without PIPELINING; prints one line per figure. */
export async function run(): Promise<void> {
  await measure(true);
  await measure(false);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
