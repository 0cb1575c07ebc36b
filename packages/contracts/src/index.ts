export * from './probe-request.js';
export * from './events.js';
export * from './result-codes.js';
export * from './results.js';
export * from './result-document.js';
export * from './error-codes.js';
export * from './reason-codes.js';
export * from './flag-codes.js';
export * from './display-text.js';
export * from './enhanced-status.js';

/** The relayprobe release these packages belong to. */
export const RELAYPROBE_VERSION = '0.1.0';
export * from './validators.js';
export * from './transcript-format.js';
export * from './api.js';
export * from './page-text.js';
export * from './advice-wording.js';
export * from './fold-events.js';
export * from './suite-sizes.js';
export * from './ip-address-text.js';
export * from './host-name.js';
export * from './smtp-syntax.js';
export * from './target-grammar.js';
export * from './probe-input.js';
export * from './watch-codes.js';
export * from './watches.js';
