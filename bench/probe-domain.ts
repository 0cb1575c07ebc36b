// Benchmark (not a test): wall time of a domain test (issue 9) with 2 and with 5 MX hosts,
// against the sum of the single-server tests of the same servers. Every MX host is a testkit
// Postfix-like closed server on its own loopback address (127.0.4.N, one shared port) that delays
// every reply batch by 20 ms; DNS is the testkit's server on loopback, asked through node's
// resolver as --dns-server does. The domain test runs two servers at a time (the default), so
// its wall time should approach half the sum for 2 hosts and about 3/5 of it for 5; its DNS
// round (MX, then every host's A/AAAA/PTR at once) is included in its time.
//
// Run alone: node --import tsx bench/probe-domain.ts   (DOMAIN_REPEATS=N to change the count)
import { pathToFileURL } from 'node:url';
import { startDnsServer, startOnSharedPort } from '@relayprobe/testkit';
import { prepareProbe, runPreparedProbe, runProbe, type ProbeOptions } from '@relayprobe/probe';
import { percentile } from './stats.js';

const LATENCY_MS = 20;
const REPEATS = Number(process.env.DOMAIN_REPEATS ?? 3);

const common = (port: number): Omit<ProbeOptions, 'target'> => ({
  port,
  allowedPorts: 'any',
  allowPrivate: true,
  tls: 'none',
  suite: 'standard',
  helo: 'bench.relayprobe.test',
  timeoutSeconds: 5,
  greylistWaitSeconds: 0,
});

async function measure(hosts: number): Promise<{ domainMs: number; sumMs: number; sessions: number }> {
  const addresses = Array.from({ length: hosts }, (_, i) => `127.0.4.${i + 1}`);
  const mx = await startOnSharedPort(addresses.map((host) => ({ host, profile: 'postfix-closed', options: { latencyMs: LATENCY_MS } })));
  const domain = `bench${hosts}.test`;
  const dns = await startDnsServer({
    mx: { [domain]: addresses.map((_, i) => ({ exchange: `mx${i + 1}.${domain}`, priority: 10 * (i + 1) })) },
    a: Object.fromEntries(addresses.map((address, i) => [`mx${i + 1}.${domain}`, [address]])),
  });
  try {
    const started = performance.now();
    const prepared = await prepareProbe({ ...common(mx.port), target: domain, dnsServers: [dns.address] });
    if (!prepared.ok) throw new Error(`domain probe refused: ${prepared.message}`);
    const result = await runPreparedProbe(prepared.probe);
    const domainMs = performance.now() - started;
    const verdicts = result.servers?.map((s) => s.verdict?.code) ?? [];
    if (verdicts.length !== hosts || verdicts.some((v) => v !== 'closed') || result.verdict?.code !== 'closed')
      throw new Error(`unexpected verdicts ${JSON.stringify(verdicts)} / ${result.verdict?.code}`);
    let sumMs = 0;
    for (const address of addresses) {
      const begun = performance.now();
      const single = await runProbe({ ...common(mx.port), target: address, resolver: { resolveMx: nope, resolve4: nope, resolve6: nope } });
      sumMs += performance.now() - begun;
      if (!single.ok || single.result.verdict?.code !== 'closed') throw new Error(`single-server test of ${address} failed`);
    }
    return { domainMs, sumMs, sessions: result.servers?.length ?? 0 };
  } finally {
    await mx.close();
    await dns.close();
  }
}

const nope = (): Promise<never> => Promise.reject(new Error('DNS used for an address literal'));

/** Domain test vs the sum of its single-server tests, 2 and 5 MX hosts; one line each. */
export async function run(): Promise<void> {
  for (const hosts of [2, 5]) {
    const runs = [];
    for (let i = 0; i < REPEATS; i++) runs.push(await measure(hosts));
    const domainMs = percentile(
      runs.map((r) => r.domainMs),
      50,
    );
    const sumMs = percentile(
      runs.map((r) => r.sumMs),
      50,
    );
    console.log(
      `domain test, ${hosts} MX hosts: ${domainMs.toFixed(0)} ms (DNS included, 2 servers at a time) vs ${sumMs.toFixed(0)} ms for the ${hosts} single-server tests one after another ` +
        `(${(domainMs / sumMs).toFixed(2)} of the sum; standard suite, each reply delayed ${LATENCY_MS} ms, median of ${REPEATS})`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
