// What the engine hands the adapter from one input: the actions, in order, with every event
// stamped by the probe's transcript (transcript.ts). One per probe, shared by the pieces of the
// session (smtp-connection.ts, smtp-wire.ts, suite-runner.ts), which only ever append to it.
import { errorSide, type ErrorCode, type EventBody, type Phase as EventPhase } from '@relayprobe/contracts';
import type { EngineAction, TimerName } from './engine-io.js';
import { attemptOf, eventPhase, type SessionState } from './session-state.js';
import type { Transcript } from './transcript.js';

export class EngineOutput {
  private actions: EngineAction[] = [];

  constructor(readonly transcript: Transcript) {}

  /** The actions queued since the last take, in order; the queue is left empty. */
  take(): EngineAction[] {
    const actions = this.actions;
    this.actions = [];
    return actions;
  }

  push(action: EngineAction): void {
    this.actions.push(action);
  }

  emit(body: EventBody, now: number): void {
    this.actions.push({ type: 'event', event: this.transcript.add(body, now) });
  }

  info(code: string, text: string, now: number, phase: EventPhase = 'connect'): void {
    this.emit({ type: 'info', phase, code, text }, now);
  }

  /** An error event in the context of `state`: its phase, and the test in flight. Its side comes from the registry. */
  error(code: ErrorCode, text: string, now: number, state: SessionState, evidence?: string): void {
    const attempt = attemptOf(state);
    const side = errorSide(code);
    this.emit({ type: 'error', phase: eventPhase(state), code, side, text, ...(evidence ? { evidence } : {}), ...(attempt ? { vector: attempt.test.key } : {}) }, now);
  }

  setTimer(timer: TimerName, ms: number): void {
    this.actions.push({ type: 'set-timer', timer, ms });
  }

  clearTimer(timer: TimerName): void {
    this.actions.push({ type: 'clear-timer', timer });
  }
}
