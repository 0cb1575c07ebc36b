// A probe prepared before its name resolved (the server's POST answers at once; prepareProbe's
// `resolveWithinMs`): the run waits for the resolution, then tests what it found. Its resolution
// is in its stream like any other; what a prepared probe would have refused before any
// connection (every address refused by the policy) ends it here with that verdict, still
// without connecting. The service admitted it before its addresses were known, so the service's
// per-address limits are claimed here (hooks.claimServer) for a single server, and per server by
// the domain runner.
import type { ResultDocument } from '@relayprobe/contracts';
import type { PreparedProbe } from './probe-prepare.js';
import type { ProbeHooks, ServerClaim, ServerRefusal } from './probe-runner.js';

/** How a resolved probe is run: as a whole (it may be a domain), or as one server's session. */
export interface ProbeRunners {
  run(probe: PreparedProbe, hooks: ProbeHooks): Promise<ResultDocument>;
  runServer(probe: PreparedProbe, hooks: ProbeHooks, refusal?: ServerRefusal): Promise<ResultDocument>;
}

/** Run a pending probe once its resolution is in. */
export async function runPendingProbe(probe: PreparedProbe, hooks: ProbeHooks, runners: ProbeRunners): Promise<ResultDocument> {
  const { pending, ...rest } = probe;
  const resolved = await untilAborted(pending as NonNullable<typeof pending>, hooks.signal);
  if (resolved === undefined) {
    return runners.runServer(rest, hooks, { verdict: 'inconclusive', reason: 'probe-aborted', text: 'The probe was stopped while its target was being resolved.' });
  }
  const next: PreparedProbe = { ...rest, resolution: resolved.resolution, ...(resolved.domain ? { domain: resolved.domain } : {}) };
  if (next.domain || !hooks.claimServer || next.resolution.error) return runners.run(next, hooks);
  const claims: Extract<ServerClaim, { ok: true }>[] = [];
  const release = () => claims.forEach((claim) => claim.release());
  for (const entry of next.resolution.addresses.filter((a) => a.allowed).slice(0, 5)) {
    const claim = hooks.claimServer(entry.address, next.validated.request.port);
    if (!claim.ok) {
      release();
      return runners.runServer(next, hooks, { verdict: 'inconclusive', reason: claim.code, text: claim.text });
    }
    claims.push(claim);
  }
  try {
    return await runners.runServer(next, hooks);
  } finally {
    release();
  }
}

/** The promise's value, or undefined once `signal` aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then((value) => {
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    });
  });
}
