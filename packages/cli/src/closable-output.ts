// Standard output that its reader may close: `relayprobe HOST | head -1` closes the pipe after one
// line, and every later write fails with EPIPE, which Node reports as an 'error' event that would
// crash the process with a stack trace and exit status 1. A closed stdout is not an error of the
// probe: from then on output is dropped, the probe runs to its verdict, and the exit status is the
// verdict's (DESIGN.md "Contracts"), as `set -o pipefail` scripts expect. Any other write error
// (a full disk behind a redirect) is said once on stderr and makes the exit status 1.
import type { OutputStream } from './terminal-output.js';

/** A stream a closed reader cannot crash; `failed` is true after a write error other than EPIPE. */
export interface ClosableOutput extends OutputStream {
  readonly failed: boolean;
}

/** Wrap a Node write stream (process.stdout) so that a reader going away ends its output quietly. */
export function closableOutput(stream: NodeJS.WritableStream & { isTTY?: boolean }, stderr: OutputStream): ClosableOutput {
  let closed = false;
  let failed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    if (error.code === 'EPIPE') return;
    failed = true;
    stderr.write(`relayprobe: cannot write the output (${error.code ?? error.message}); the probe goes on to its verdict\n`);
  });
  return {
    get isTTY() {
      return stream.isTTY === true;
    },
    get failed() {
      return failed;
    },
    write(chunk: string): boolean {
      return closed ? false : stream.write(chunk);
    },
  };
}
