export * from './address-policy.js';
export * from './mx-resolution.js';
export * from './probe-options.js';
export * from './probe-runner.js';
export * from './tls-details.js';
