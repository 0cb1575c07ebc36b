// @relayprobe/probe: the engine on real sockets, DNS and the address policy. What the CLI, the
// server, the lab and the benchmarks use, by name; everything else is internal (tests import it
// by relative path).
export { createAddressPolicy, isPrivateOrSpecial, type AddressPolicy, type AddressPolicyOptions } from './address-policy.js';
export { createSystemResolver, type DnsResolver } from './mx-resolution.js';
export { defaultHeloName, isDnsServer, type ProbeOptions } from './probe-options.js';
export { prepareProbe, type Prepared, type PreparedProbe } from './probe-prepare.js';
export { runPreparedProbe, runProbe, type ProbeHooks, type ServerClaim } from './probe-runner.js';
