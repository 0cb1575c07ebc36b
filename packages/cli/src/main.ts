// The relayprobe command: parse flags, validate and resolve (nothing sent on a bad input),
// run the probe printing the transcript live, and exit with the verdict's status.
import { RELAYPROBE_VERSION, escapeForDisplay, toSafeJson, type ResultDocument, type VerdictCode } from '@relayprobe/contracts';
import { prepareProbe, runPreparedProbe, type ProbeOptions } from '@relayprobe/probe';
import { USAGE, parseCommandLine } from './args.js';
import { TerminalOutput, type OutputStream } from './terminal-output.js';
import { ServerByServer } from './server-by-server.js';

/** Exit status per verdict (DESIGN.md contract). */
const EXIT_CODES: Record<VerdictCode, number> = { closed: 0, open: 2, suspicious: 3, 'accepts-all': 3, inconclusive: 4, unreachable: 5 };
const EXIT_USAGE = 1;
const EXIT_INTERRUPTED = 130;

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Record<string, string | undefined>;
  /** Aborts the probe (Ctrl-C). */
  signal?: AbortSignal;
  /** Test hook: probe options the flags cannot express (resolver, trusted CA). */
  extraOptions?: Partial<ProbeOptions>;
}

const fail = (io: CliIo, message: string): number => {
  io.stderr.write(`relayprobe: ${escapeForDisplay(message)} (see relayprobe --help)\n`);
  return EXIT_USAGE;
};

/** Run the command; resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv);
  switch (parsed.kind) {
    case 'help':
      io.stdout.write(`${USAGE}\n`);
      return 0;
    case 'version':
      io.stdout.write(`relayprobe ${RELAYPROBE_VERSION}\n`);
      return 0;
    case 'error':
      return fail(io, parsed.message);
    case 'probe':
      break;
  }
  const output = new TerminalOutput(io.stdout, io.stderr, io.env, !parsed.json);
  const prepared = await prepareProbe({ ...parsed.options, ...io.extraOptions });
  if (!prepared.ok) return fail(io, prepared.message);
  let result: ResultDocument;
  const inOrder = new ServerByServer(output);
  try {
    result = await runPreparedProbe(prepared.probe, { onEvent: (e) => inOrder.event(e), ...(io.signal ? { signal: io.signal } : {}) });
  } finally {
    output.done();
  }
  // The exact values, with control, bidi and invisible characters as JSON escapes: safe to print (display-text.ts).
  if (parsed.json) io.stdout.write(`${toSafeJson(result, 2)}\n`);
  if (io.signal?.aborted) return EXIT_INTERRUPTED;
  return result.verdict ? EXIT_CODES[result.verdict.code] : EXIT_USAGE;
}
