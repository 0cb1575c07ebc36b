// The engine's public surface: what the adapter (packages/probe) and the benchmarks use. Tests
// inside the engine import its other modules by relative path.
export { ProbeSession, type EngineResult } from './probe-session.js';
export type { EngineAction, EngineInput, EngineOptions, EngineTarget, TimerName } from './engine-io.js';
export { Transcript } from './transcript.js';
export { decideVerdict, type SessionFailure, type VerdictInput } from './verdict.js';
export { ReplyReader, type ReaderLimits } from './reply-reader.js';
export { DEFAULT_RESULT_LIMITS, ResultBudget, type ResultLimits } from './result-limits.js';
