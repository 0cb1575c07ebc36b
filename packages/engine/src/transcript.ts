// Stamps events with their sequence number and milliseconds since the start (HOUSE-STYLE rule 8).
// One Transcript per probe: the adapter adds the resolution events, then hands it to the engine.
// Invariant: seq counts from 1 without gaps; ms never decreases.
import type { EventBody, ProbeEvent } from '@relayprobe/contracts';

export class Transcript {
  readonly events: ProbeEvent[] = [];
  private lastMs = 0;

  /** `startedAt` is the monotonic time the probe started, on the same clock as every later `now`. */
  constructor(readonly startedAt: number) {}

  /** Stamp and store an event; returns the stamped event. */
  add(body: EventBody, now: number): ProbeEvent {
    const ms = Math.max(this.lastMs, Math.round(now - this.startedAt));
    this.lastMs = ms;
    const event = { ...body, seq: this.events.length + 1, ms } as ProbeEvent;
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
