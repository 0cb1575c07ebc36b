// Entry point of the `relayprobe` command.
import { main } from './main.js';
import { closableOutput } from './closable-output.js';

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  // First Ctrl-C: stop the probe and print what was found; second: leave at once.
  if (++interrupts > 1) process.exit(130);
  controller.abort();
});

// stderr is written only for usage errors and a TTY's progress line; a closed stderr ends those quietly too.
const stderr = closableOutput(process.stderr, { write: () => true });
const stdout = closableOutput(process.stdout, stderr);

main(process.argv.slice(2), { stdout, stderr, env: process.env, signal: controller.signal })
  .then((code) => {
    process.exitCode = stdout.failed ? 1 : code;
  })
  .catch((error: unknown) => {
    stderr.write(`relayprobe: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
