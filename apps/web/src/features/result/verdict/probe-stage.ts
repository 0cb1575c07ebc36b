// What a running probe is doing before its first test starts, from its events: connecting (no
// connection yet), or connected and talking to the server (greeting, EHLO, STARTTLS). Once a test
// has started, the progress bar says where it is.
import type { ProbeEvent } from '@relayprobe/contracts';

/** connecting: no connection has opened yet; connected: one has (the greeting or EHLO is under way). */
export type ProbeStage = 'connecting' | 'connected';

/** The stage the events show: connected from the first "connected" info event or server reply on. */
export function probeStage(events: readonly ProbeEvent[]): ProbeStage {
  return events.some((e) => (e.type === 'info' && e.code === 'connected') || e.type === 'reply') ? 'connected' : 'connecting';
}

/** The line shown for a stage. */
export const STAGE_TEXT: Record<ProbeStage, string> = {
  connecting: 'Connecting to the mail server…',
  connected: 'Connected; reading the greeting and the extensions the server offers…',
};
