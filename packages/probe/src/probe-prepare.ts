// Preparing a probe: validate every field, resolve the target once (no rebinding), check every
// address against the policy. Policy refusals and bad input are errors here, before any
// connection; a name that does not resolve is not an error but a finding (the probe runs to an
// "unreachable" verdict without connecting).
//
// A caller that must answer fast (the server's POST) gives `resolveWithinMs`: a name still
// resolving by then gives a pending probe, whose resolution goes on in the background and whose
// refusals and findings then come in its result (runPreparedProbe awaits it).
import { randomBytes } from 'node:crypto';
import type { Resolution } from '@relayprobe/contracts';
import { validateProbeOptions, type ProbeOptions, type ValidatedProbe } from './probe-options.js';
import { createSystemResolver } from './mx-resolution.js';
import { resolveForProbe, type DomainPlan, type ResolvedTarget } from './domain-resolution.js';

/** A probe whose input passed validation and whose target was resolved and checked (or is still resolving: `pending`). */
export interface PreparedProbe {
  id: string;
  validated: ValidatedProbe;
  /** The target's resolution; while `pending`, only its input, kind and domain. */
  resolution: Resolution;
  /** Present when the target is a domain tested server by server. */
  domain?: DomainPlan;
  /** The resolution still running (only with `resolveWithinMs`); never rejects. */
  pending?: Promise<ResolvedTarget>;
  options: ProbeOptions;
}

export type Prepared = { ok: true; probe: PreparedProbe } | { ok: false; code: string; field?: string; message: string; resolution?: Resolution };

/** 128-bit random result id, base64url (SECURITY.md §4: a result link is a capability). */
function newResultId(): string {
  return randomBytes(16).toString('base64url');
}

/** Validate and resolve (one resolution per probe: no rebinding). */
export async function prepareProbe(options: ProbeOptions): Promise<Prepared> {
  const validated = validateProbeOptions(options);
  if (!validated.ok) return validated;
  const timeoutMs = options.dnsTimeoutMs ?? 5000;
  const resolver = options.resolver ?? createSystemResolver(timeoutMs, options.dnsServers);
  const { request, target, policy } = validated.value;
  const id = options.id ?? newResultId();
  const resolving = resolveForProbe(request.target, target, { resolver, policy, timeoutMs, reversePrivate: (options.dnsServers?.length ?? 0) > 0 });
  if (options.resolveWithinMs !== undefined && (target.kind === 'host' || target.kind === 'email')) {
    const settled = resolving.then(
      (resolved) => resolved,
      (error: unknown) => unresolvable(request.target, target.kind, target.host, error),
    );
    const late = await beforeDeadline(settled, options.resolveWithinMs);
    if (late) {
      const resolution: Resolution = { input: request.target, kind: target.kind, domain: target.host, mx: [], nullMx: false, implicitMx: false, addresses: [] };
      return { ok: true, probe: { id, validated: validated.value, resolution, pending: settled, options } };
    }
  }
  const { resolution, domain } = await resolving;
  if (resolution.error?.code === 'address-refused') return { ok: false, code: 'address-refused', field: 'target', message: resolution.error.text, resolution };
  return { ok: true, probe: { id, validated: validated.value, resolution, ...(domain ? { domain } : {}), options } };
}

/** True when `promise` has not settled within `ms` (the timer is always cleared). */
async function beforeDeadline(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<true>((resolve) => {
    timer = setTimeout(() => resolve(true), ms);
  });
  try {
    return (await Promise.race([promise.then(() => false), late])) === true;
  } finally {
    clearTimeout(timer);
  }
}

/** A resolution that threw (a bug: resolution reports failures as values) becomes an unreachable target. */
function unresolvable(input: string, kind: Resolution['kind'], domain: string, error: unknown): ResolvedTarget {
  const text = `the resolution of ${domain} failed: ${error instanceof Error ? error.message : String(error)}`;
  return { resolution: { input, kind, domain, mx: [], nullMx: false, implicitMx: false, addresses: [], error: { code: 'dns-failed', text } } };
}
