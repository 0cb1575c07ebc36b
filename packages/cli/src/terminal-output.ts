// Live output: transcript lines on stdout (colour only on a TTY, and never with NO_COLOR), and on
// a TTY stderr a progress line ("test 7 of 22") that is cleared before each transcript line.
import { escapeForDisplay, formatEvent, type ProbeEvent, type VerdictCode } from '@relayprobe/contracts';

export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

const SGR = { reset: '\x1b[0m', dim: '\x1b[2m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', cyan: '\x1b[36m', bold: '\x1b[1m' };

const VERDICT_COLOUR: Record<VerdictCode, string> = {
  open: SGR.red,
  'accepts-all': SGR.yellow,
  suspicious: SGR.yellow,
  closed: SGR.green,
  inconclusive: SGR.yellow,
  unreachable: SGR.red,
};

export class TerminalOutput {
  private readonly colour: boolean;
  private readonly progress: boolean;
  private progressShown = false;

  constructor(
    private readonly stdout: OutputStream,
    private readonly stderr: OutputStream,
    env: Record<string, string | undefined>,
    private readonly transcript: boolean,
  ) {
    this.colour = stdout.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb';
    this.progress = stderr.isTTY === true && env.TERM !== 'dumb';
  }

  /** Print an event's transcript lines (when showing the transcript) and update progress. */
  event(event: ProbeEvent): void {
    if (event.type === 'vector-start') this.showProgress(`relayprobe: test ${event.index} of ${event.total} (${escapeForDisplay(event.vector)})`);
    if (!this.transcript) return;
    const lines = formatEvent(event);
    if (lines.length === 0) return;
    this.clearProgress();
    const paint = (line: string) => this.paint(line, event);
    this.stdout.write(lines.map(paint).join('\n') + '\n');
    if (this.lastProgress && event.type !== 'verdict') this.showProgress(this.lastProgress);
  }

  private lastProgress: string | undefined;

  /** Print lines of our own (a domain test's server headers and table), when showing the transcript. */
  lines(lines: readonly string[]): void {
    if (!this.transcript || lines.length === 0) return;
    this.clearProgress();
    this.stdout.write(lines.map((line) => (this.colour && line.startsWith('===') ? `${SGR.bold}${line}${SGR.reset}` : line)).join('\n') + '\n');
  }

  private paint(line: string, event: ProbeEvent): string {
    if (!this.colour) return line;
    if (event.type === 'verdict') return line.startsWith('=== Verdict') ? `${SGR.bold}${VERDICT_COLOUR[event.verdict.code]}${line}${SGR.reset}` : line;
    if (line.startsWith('***')) return `${SGR.red}${line}${SGR.reset}`;
    if (line.startsWith(' ->') || line.startsWith(' ~>')) return `${SGR.cyan}${line}${SGR.reset}`;
    if (event.type === 'vector-result' && event.result.outcome === 'accepted') return `${SGR.bold}${SGR.red}${line}${SGR.reset}`;
    if (line.startsWith('===')) return `${SGR.dim}${line}${SGR.reset}`;
    return line;
  }

  private showProgress(text: string): void {
    this.lastProgress = text;
    if (!this.progress) return;
    this.stderr.write(`\r\x1b[K${text}`);
    this.progressShown = true;
  }

  /** Remove the progress line (before other output, and at the end). */
  clearProgress(): void {
    if (!this.progressShown) return;
    this.stderr.write('\r\x1b[K');
    this.progressShown = false;
  }

  /** Stop showing progress for good. */
  done(): void {
    this.clearProgress();
    this.lastProgress = undefined;
  }
}
