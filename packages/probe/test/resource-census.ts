// Counting the process's live sockets, listeners and timers, to prove that every exit path of a
// probe destroys its socket and clears its timers (SECURITY.md §3: "Every exit path destroys the
// socket and clears every timer"). Only these three kinds are compared: the test runner keeps
// pipes and other handles of its own, which come and go independently of the code under test.

/** The handle kinds a probe (or a testkit server) creates. */
export const WATCHED_RESOURCES = ['TCPSocketWrap', 'TCPServerWrap', 'Timeout'] as const;

export type ResourceCounts = Record<(typeof WATCHED_RESOURCES)[number], number>;

/** How many handles of each watched kind are alive right now. */
export function countResources(): ResourceCounts {
  const counts: ResourceCounts = { TCPSocketWrap: 0, TCPServerWrap: 0, Timeout: 0 };
  for (const kind of process.getActiveResourcesInfo()) {
    if ((WATCHED_RESOURCES as readonly string[]).includes(kind)) counts[kind as keyof ResourceCounts] += 1;
  }
  return counts;
}

const sameCounts = (a: ResourceCounts, b: ResourceCounts) => WATCHED_RESOURCES.every((kind) => a[kind] === b[kind]);

/**
 * Wait until the counts equal `expected` (closing a socket takes a few event-loop turns on both
 * ends), giving up after `boundMs`; returns the last counts so the caller asserts on them. The
 * bound only keeps a leak from hanging the test; it is not a performance limit.
 */
export async function settledResources(expected: ResourceCounts, boundMs = 5000): Promise<ResourceCounts> {
  const giveUpAt = performance.now() + boundMs;
  let counts = countResources();
  while (!sameCounts(counts, expected) && performance.now() < giveUpAt) {
    // The poll timer has fired (and left the active list) by the time the counts are read.
    await new Promise((resolve) => setTimeout(resolve, 10));
    counts = countResources();
  }
  return counts;
}
