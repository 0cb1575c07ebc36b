// What the operator's log says about probes (docs/self-hosting.md, "Monitoring"): one line when a
// probe is accepted, one when it finishes, and one when it may connect somewhere only because of
// RELAYPROBE_ALLOW_TARGETS (SECURITY.md §1: the allowlist is logged on use). Text fields are
// escaped and capped by the logger itself (log-text.ts), so these are the plain values.
import type { Resolution } from '@relayprobe/contracts';
import type { AddressPolicy, PreparedProbe } from '@relayprobe/probe';

/** The fields every probe line carries: `probe` is the result id, as in the other probe log lines. */
export interface ProbeLogFields {
  probe: string;
  target: string;
  port: number;
  suite: string;
}

/** The common fields of a probe's log lines. */
export function probeLogFields(probe: PreparedProbe): ProbeLogFields {
  const { request } = probe.validated;
  return { probe: probe.id, target: request.target, port: request.port, suite: request.suite };
}

/**
 * The addresses the probe may connect to that `policy` allows only through its allow CIDRs. The
 * probe's resolution keeps whether an address is allowed, not why (its ResolvedAddress is part of
 * the stored and shown result, which need not reveal the operator's allowlist), so the same
 * policy is asked again; it is a pure function of the address.
 */
export function allowlistedAddresses(resolution: Resolution, policy: AddressPolicy): string[] {
  const viaAllowlist = (address: string) => {
    const verdict = policy.check(address);
    return verdict.allowed && verdict.via === 'allowlist';
  };
  return resolution.addresses.filter((a) => a.allowed && viaAllowlist(a.address)).map((a) => a.address);
}
