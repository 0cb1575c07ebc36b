// A domain test (docs/domain-test.md): one complete single-server session per server address,
// run through the same runner as any single-server probe, a few at a time, then the domain's
// verdict. The engine stays a single-server state machine; this is orchestration only.
//
// Invariants:
// - Never two sessions to one address at once (addresses are also deduplicated by the plan), and
//   at most `serverConcurrency` sessions at once; servers start in preference order.
// - Every server ends with a verdict or a `not-tested` event: refused by the policy, no address,
//   no IPv6 route from here, a service limit, the overall deadline or a stop before its turn.
// - One transcript for the whole test: the sessions' events are restamped with the domain's seq
//   and ms (seq from 1 without gaps, ms never decreasing) and tagged `server: n`, so the stream, the
//   stored events and each server's view (contracts' foldEvents) agree.
// - The overall deadline and the caller's stop abort the running sessions (their verdicts say so)
//   and leave the waiting servers untested; every timer is cleared when the test ends.
import { performance } from 'node:perf_hooks';
import { RELAYPROBE_VERSION, RESULT_SCHEMA_VERSION, documentFields, foldEvents, type EventBody, type ProbeEvent, type ReasonCode, type ResultDocument } from '@relayprobe/contracts';
import type { DomainPlan, DomainServer } from './domain-resolution.js';
import { domainVerdict } from './domain-verdict.js';
import { hasRouteTo } from './ipv6-route.js';
import type { PreparedProbe } from './probe-prepare.js';
import type { ProbeHooks, ServerClaim } from './probe-runner.js';

/** Runs one server's session (probe-runner's runServerProbe). */
export type ServerRunner = (probe: PreparedProbe, hooks: ProbeHooks) => Promise<ResultDocument>;

/** Run every server of `plan`, then give the domain's verdict. Never rejects for anything a server does. */
export async function runDomainTest(probe: PreparedProbe, plan: DomainPlan, hooks: ProbeHooks, runServer: ServerRunner): Promise<ResultDocument> {
  const { validated, resolution, id } = probe;
  const { request, serverConcurrency, domainDeadlineMs } = validated;
  const routeTo = probe.options.ipv6Route ?? ((address: string) => hasRouteTo(address));
  const startedAt = new Date();
  const t0 = performance.now();
  const events: ProbeEvent[] = [];
  let lastMs = 0;
  const emit = (body: EventBody | ProbeEvent, server?: number): void => {
    lastMs = Math.max(lastMs, Math.round(performance.now() - t0));
    const event = { ...body, seq: events.length + 1, ms: lastMs, ...(server !== undefined ? { server } : {}) } as ProbeEvent;
    events.push(event);
    hooks.onEvent?.(event);
  };
  const notTested = (server: DomainServer, code: ReasonCode, text: string) => emit({ type: 'not-tested', server: server.server, code, text });

  emit({ type: 'resolution', resolution });
  emit({
    type: 'servers',
    servers: plan.servers.map(({ server, preference, host, address, family }) => ({ server, preference, host, ...(address ? { address } : {}), ...(family ? { family } : {}) })),
    omittedHosts: plan.omittedHosts,
  });
  for (const server of plan.servers) if (server.notTested) notTested(server, server.notTested.code, server.notTested.text);

  // The overall deadline and the caller's stop end the running sessions; the waiting ones are not started.
  const sessions = new Set<AbortController>();
  const state: { stopped?: { code: ReasonCode; text: string } } = {};
  /** Why the test stopped, if it did (a function: the closures below change it at any await). */
  const stopped = () => state.stopped;
  const stop = (code: ReasonCode, text: string) => {
    state.stopped ??= { code, text };
    for (const session of sessions) session.abort(text);
  };
  const deadline = setTimeout(() => stop('domain-deadline', `The domain test's deadline (${Math.round(domainDeadlineMs / 1000)} s) passed.`), domainDeadlineMs);
  const onAbort = () => stop('probe-aborted', 'The probe was stopped before it finished.');
  hooks.signal?.addEventListener('abort', onAbort, { once: true });
  if (hooks.signal?.aborted) onAbort();

  const waiting = plan.servers.filter((s) => s.notTested === undefined);
  const inFlight = new Set<string>();
  const testOne = async (server: DomainServer): Promise<void> => {
    const address = server.address as string;
    const before = stopped();
    if (before) return notTested(server, before.code, `${before.text} This server's turn had not come.`);
    if (server.family === 6 && !(await routeTo(address))) return notTested(server, 'no-ipv6-route', `no IPv6 connectivity from here (no route to ${address})`);
    const claim: ServerClaim = hooks.claimServer?.(address, request.port) ?? { ok: true, release: () => {} };
    if (!claim.ok) return notTested(server, claim.code, claim.text);
    const session = new AbortController();
    sessions.add(session);
    inFlight.add(address);
    try {
      const meanwhile = stopped();
      if (meanwhile) session.abort(meanwhile.text);
      await runServer(serverProbe(probe, server), { onEvent: (event) => emit(event, server.server), signal: session.signal });
    } finally {
      inFlight.delete(address);
      sessions.delete(session);
      claim.release();
    }
  };
  // Each worker takes the next server in preference order whose address no session holds.
  const worker = async (): Promise<void> => {
    for (;;) {
      const at = waiting.findIndex((s) => !inFlight.has(s.address as string));
      if (at < 0) return;
      const [next] = waiting.splice(at, 1);
      await testOne(next as DomainServer);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(serverConcurrency, Math.max(1, waiting.length)) }, worker));
  } finally {
    clearTimeout(deadline);
    hooks.signal?.removeEventListener('abort', onAbort);
  }

  const view = foldEvents(events);
  emit({ type: 'verdict', verdict: domainVerdict(resolution.domain ?? request.target, view.servers ?? [], plan.omittedHosts) });
  const durationMs = Math.round(performance.now() - t0);
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    id,
    tool: { name: 'relayprobe', version: RELAYPROBE_VERSION },
    request,
    startedAt: startedAt.toISOString(),
    status: 'complete',
    finishedAt: new Date(startedAt.getTime() + durationMs).toISOString(),
    durationMs,
    ...documentFields(foldEvents(events)),
    events,
  };
}

/** One server of the domain as a single-server probe of its one address (no fallback: each address is a server). */
function serverProbe(probe: PreparedProbe, server: DomainServer): PreparedProbe {
  const { resolution } = probe;
  const address = { address: server.address as string, family: server.family ?? 4, host: server.host, allowed: true, ...(server.reverseName ? { reverseName: server.reverseName } : {}) };
  return {
    id: probe.id,
    validated: probe.validated,
    options: probe.options,
    resolution: { ...resolution, mx: [{ exchange: server.host, preference: server.preference }], implicitMx: false, addresses: [address] },
  };
}
