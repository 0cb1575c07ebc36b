export * from './target-input.js';
export * from './address-policy.js';
export * from './mx-resolution.js';
export * from './probe-options.js';
export * from './probe-runner.js';
export * from './tls-details.js';
export { parseIpLiteral } from './ip-literal.js';
// The server's configuration checks RELAYPROBE_HELO_NAME and RELAYPROBE_TEST_DOMAIN by the rules
// a probe's own fields get (DESIGN.md: the server imports probe and contracts, not the engine).
export { validateDomain, validateHeloName } from '@relayprobe/engine';
