// What a POST asks for, as the probe's options: the body's choices, the operator's settings.
import type { CreateProbeBody } from '@relayprobe/contracts';
import type { AddressPolicyOptions, DnsResolver, ProbeOptions } from '@relayprobe/probe';
import type { ProbeManagerOptions } from './probe-manager.js';

/**
 * How long POST waits for a name's resolution (issue 9: the POST answers within 1 s however slow
 * DNS is). Past it the probe is accepted pending: its resolution, its refusals and its servers
 * come in its stream, and its per-address limits are applied server by server as it runs.
 */
const RESOLVE_WITHIN_MS = 500;

/** The probe options of a request. */
export function probeOptionsOf(body: CreateProbeBody, options: ProbeManagerOptions, addressRules: AddressPolicyOptions, resolver: DnsResolver): ProbeOptions {
  const { config } = options;
  return {
    target: body.target,
    port: body.port ?? 25,
    suite: body.suite ?? 'standard',
    tls: body.tls ?? 'auto',
    sendMessage: body.sendMessage === true,
    ...(body.to !== undefined ? { to: body.to } : {}),
    helo: config.heloName,
    testDomain: config.testDomain,
    timeoutSeconds: config.timeoutSeconds,
    greylistWaitSeconds: config.greylistWaitSeconds,
    dnsServers: config.dnsServers,
    ...(config.sourceAddress ? { sourceAddress: config.sourceAddress } : {}),
    ...addressRules,
    allowedPorts: config.ports,
    resolver,
    resolveWithinMs: RESOLVE_WITHIN_MS,
    ...(options.trustedCa ? { trustedCa: options.trustedCa } : {}),
    ...(options.resultLimits ? { resultLimits: options.resultLimits } : {}),
  };
}
