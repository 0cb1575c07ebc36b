// Run a real probe against a testkit server on 127.0.0.1: real sockets, real TLS, no DNS.
import { fixtureCa, type ServerHandle } from '@relayprobe/testkit';
import type { ProbeEvent, ResultDocument } from '@relayprobe/contracts';
import { runProbe, type DnsResolver, type ProbeHooks, type ProbeOptions } from '../src/index.js';

/** A resolver that fails the test if anything asks it: IP-literal probes need no DNS. */
export const noDns: DnsResolver = {
  resolveMx: () => Promise.reject(new Error('DNS used in a test')),
  resolve4: () => Promise.reject(new Error('DNS used in a test')),
  resolve6: () => Promise.reject(new Error('DNS used in a test')),
};

export interface LocalRun {
  result: ResultDocument;
  live: ProbeEvent[];
}

/**
 * The options of a probe of the server at 127.0.0.1:port with loopback allowed and the fixture CA
 * trusted. greylistWaitSeconds 0: the testkit's greylister never lets a retry through (the retry
 * is tested against a real greylister, postgrey, in packages/mta-lab).
 */
export function localOptions(server: Pick<ServerHandle, 'port'>, overrides: Partial<ProbeOptions> = {}): ProbeOptions {
  return {
    target: '127.0.0.1',
    port: server.port,
    allowedPorts: 'any',
    allowPrivate: true,
    resolver: noDns,
    helo: 'prober.relayprobe.test',
    trustedCa: fixtureCa.cert,
    timeoutSeconds: 5,
    greylistWaitSeconds: 0,
    ...overrides,
  };
}

/** Probe the server at 127.0.0.1:port (localOptions); `live` collects the events unless `hooks.onEvent` takes them. */
export async function probeLocal(server: Pick<ServerHandle, 'port'>, overrides: Partial<ProbeOptions> = {}, hooks: ProbeHooks = {}): Promise<LocalRun> {
  const live: ProbeEvent[] = [];
  const outcome = await runProbe(localOptions(server, overrides), { onEvent: (e) => live.push(e), ...hooks });
  if (!outcome.ok) throw new Error(`probe refused: ${outcome.code}: ${outcome.message}`);
  return { result: outcome.result, live };
}

export const outcomeOf = (result: ResultDocument, key: string) => result.vectors.find((v) => v.key === key)?.outcome;
export const reasonsOf = (result: ResultDocument) => result.verdict?.reasons.map((r) => r.code) ?? [];
