// Reads ../EXPECTED.md: the table of what each lab instance must yield, one row per run.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ExpectedRun {
  instance: string;
  from: string;
  verdict: string;
  /** Exact set of test keys answered 2xx; 'all' expands to the suite's relay vectors. */
  accepted: string[];
  reasons: string[];
  flags: string[];
  sink: 'delivered' | 'none' | undefined;
  /** "postfix-open from 127.0.0.2 --send-message": the row's name in test output. */
  name: string;
}

const EXPECTED_FILE = fileURLToPath(new URL('../EXPECTED.md', import.meta.url));

const list = (cell: string) =>
  cell
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** Every row of the table, in order; a malformed row is an error naming its line. */
export function readExpected(file = EXPECTED_FILE): ExpectedRun[] {
  const rows: ExpectedRun[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, index) => {
    if (!/^\| [a-z]/.test(line) || line.startsWith('| instance |')) return;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    if (cells.length !== 7) throw new Error(`${file}:${index + 1}: expected 7 cells, got ${cells.length}`);
    const [instance, from, verdict, accepted, reasons, flags, sink] = cells as [string, string, string, string, string, string, string];
    if (sink !== '' && sink !== 'delivered' && sink !== 'none') throw new Error(`${file}:${index + 1}: sink must be delivered, none or empty`);
    const flagList = flags.split(/\s+/).filter((f) => f.length > 0);
    rows.push({
      instance,
      from,
      verdict,
      accepted: list(accepted),
      reasons: list(reasons),
      flags: flagList,
      sink: sink === '' ? undefined : sink,
      name: [instance, 'from', from, ...flagList].join(' '),
    });
  });
  return rows;
}
