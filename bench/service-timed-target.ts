// A slow closed Postfix for the latency benchmarks that notes the moment it writes each reply:
// the testkit's postfix-closed profile, timestamped through its `onReplyWritten` option, so the
// reply rules live in the kit alone. The service bench reads performance.now() (its viewer runs
// in this process); the web bench reads Date.now() (compared with the page's clock).
import { startProfile, type ServerHandle } from '@relayprobe/testkit';

/** One reply as the target wrote it: its lines (without CRLF) and when it was handed to the socket. */
export interface WrittenReply {
  lines: string[];
  at: number;
}

/** A started target and every reply it wrote, in order, over all its connections. */
export interface TimedTarget {
  handle: ServerHandle;
  replies: WrittenReply[];
}

/** How a timed target reads time and when it may speak. */
export interface TimedTargetOptions {
  /** The clock replies are stamped with (default performance.now). */
  clock?: () => number;
  /** Sessions greet only once this settles (default: at once). */
  greetAfter?: Promise<unknown>;
}

/** Start one timed closed Postfix on 127.0.0.1:0 that waits `latencyMs` before each batch of replies. */
export async function startTimedTarget(latencyMs: number, options: TimedTargetOptions = {}): Promise<TimedTarget> {
  const clock = options.clock ?? (() => performance.now());
  const replies: WrittenReply[] = [];
  const handle = await startProfile('postfix-closed', {
    latencyMs,
    greetAfter: options.greetAfter,
    onReplyWritten: (lines) => replies.push({ lines: [...lines], at: clock() }),
  });
  return { handle, replies };
}
