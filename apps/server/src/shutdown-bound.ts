// The longest a graceful stop may take (issue 12, item 6). Past the grace the manager waits up to
// 5 s for stopped probes to be stored, and connections get a few seconds more (app.ts); should
// anything still hang, the process exits by itself at grace + STOP_MARGIN_SECONDS, inside the
// systemd unit's TimeoutStopSec (45 s with the default grace of 20 s), rather than be SIGKILLed.
import type { FastifyBaseLogger } from 'fastify';

/** Seconds past the shutdown grace after which the process exits whatever still runs. */
export const STOP_MARGIN_SECONDS = 15;

/** Exit with status 1 if the stop has not finished `graceSeconds + STOP_MARGIN_SECONDS` from now. */
export function armShutdownBound(graceSeconds: number, log: FastifyBaseLogger): void {
  const boundSeconds = graceSeconds + STOP_MARGIN_SECONDS;
  setTimeout(() => {
    log.error(`shutdown did not finish within ${boundSeconds} s; exiting now`);
    process.exit(1);
  }, boundSeconds * 1000).unref();
}
