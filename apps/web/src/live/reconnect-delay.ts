// How long to wait before reopening a dropped live stream: doubling from half a second, capped,
// so a restarting server is not hammered and a brief drop costs little.
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;

/** Delay before reconnect attempt `attempt` (1 for the first). */
export function reconnectDelay(attempt: number): number {
  return Math.min(FIRST_DELAY_MS * 2 ** Math.max(0, attempt - 1), MAX_DELAY_MS);
}
