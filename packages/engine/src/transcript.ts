// Stamps events with their sequence number and milliseconds since the start (HOUSE-STYLE rule 8),
// and keeps each within what one result may store (result-limits.ts). One Transcript per probe:
// the adapter adds the resolution events, then hands it to the engine.
// Invariant: seq counts from 1 without gaps; ms never decreases. A cap can add a notice (an error
// event) just before the event it cuts, so one add() may store two events: the adapter publishes
// every event stored, in order, not only the one add() returns.
import type { EventBody, ProbeEvent } from '@relayprobe/contracts';
import { ResultBudget, type ResultLimits } from './result-limits.js';

export class Transcript {
  readonly events: ProbeEvent[] = [];
  private lastMs = 0;
  private readonly budget: ResultBudget;

  /** `startedAt` is the monotonic time the probe started, on the same clock as every later `now`. */
  constructor(
    readonly startedAt: number,
    limits: Partial<ResultLimits> = {},
  ) {
    this.budget = new ResultBudget(limits);
  }

  /** The caps this transcript keeps to. */
  get limits(): ResultLimits {
    return this.budget.limits;
  }

  /** Stamp and store an event (within the caps, after any notice they call for); returns the stamped event. */
  add(body: EventBody, now: number): ProbeEvent {
    const ms = Math.max(this.lastMs, Math.round(now - this.startedAt));
    this.lastMs = ms;
    const { kept, notices } = this.budget.keep(body);
    for (const notice of notices) this.events.push({ ...notice, seq: this.events.length + 1, ms } as ProbeEvent);
    const event = { ...kept, seq: this.events.length + 1, ms } as ProbeEvent;
    this.events.push(event);
    return event;
  }

  /** Milliseconds since the start for `now`. */
  elapsed(now: number): number {
    return Math.max(0, Math.round(now - this.startedAt));
  }
}

/** A duration as the transcript words it: "30 s", "1.5 s" or "500 ms". */
export function duration(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${Math.round(ms)} ms`;
}
