// Domain tests against a real DNS server on loopback (the testkit's) and testkit SMTP servers,
// each on its own loopback address and all on one port, as the MX hosts of a domain are
// (the testkit's startOnSharedPort).
import { startDnsServer, type DnsServerHandle, type DnsZone } from '@relayprobe/testkit';
import type { ProbeEvent, ResultDocument, ServerResult } from '@relayprobe/contracts';
import { prepareProbe, runPreparedProbe, type ProbeHooks, type ProbeOptions } from '../src/index.js';

export interface DomainRun {
  result: ResultDocument;
  live: ProbeEvent[];
}

/** Probe `target` through the DNS server `dns`, the CLI's policy (private ranges allowed), quick suite unless told. */
export async function probeDomain(target: string, dns: DnsServerHandle, port: number, overrides: Partial<ProbeOptions> = {}, hooks: ProbeHooks = {}): Promise<DomainRun> {
  const live: ProbeEvent[] = [];
  const prepared = await prepareProbe({
    target,
    port,
    allowedPorts: 'any',
    allowPrivate: true,
    dnsServers: [dns.address],
    dnsTimeoutMs: 2000,
    helo: 'prober.relayprobe.test',
    suite: 'quick',
    timeoutSeconds: 5,
    greylistWaitSeconds: 0,
    ...overrides,
  });
  if (!prepared.ok) throw new Error(`probe refused: ${prepared.code}: ${prepared.message}`);
  const result = await runPreparedProbe(prepared.probe, { onEvent: (e) => live.push(e), ...hooks });
  return { result, live };
}

/** A DNS server for `zone`, closed by the returned function too. */
export const dnsFor = (zone: DnsZone) => startDnsServer(zone);

/** Server `n` of a domain document. */
export function serverOf(result: ResultDocument, n: number): ServerResult {
  const found = result.servers?.find((s) => s.server === n);
  if (!found) throw new Error(`no server ${n} in ${JSON.stringify(result.servers?.map((s) => s.server))}`);
  return found;
}

/** [first, last] ms of each server's events. */
export function sessionSpans(events: readonly ProbeEvent[]): Map<number, [number, number]> {
  const spans = new Map<number, [number, number]>();
  for (const event of events) {
    if (event.server === undefined || event.type === 'not-tested') continue;
    const span = spans.get(event.server);
    spans.set(event.server, span ? [span[0], event.ms] : [event.ms, event.ms]);
  }
  return spans;
}

/** The most spans open at one moment. */
export function mostAtOnce(spans: Iterable<[number, number]>): number {
  const edges = [...spans]
    .flatMap(
      ([from, to]) =>
        [
          [from, 1],
          [to, -1],
        ] as const,
    )
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, change] of edges) {
    open += change;
    most = Math.max(most, open);
  }
  return most;
}
