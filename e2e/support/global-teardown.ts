// After the run: remove the data directory playwright.config.ts made for this run's server.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';

/** Removes E2E_DATA_DIR when it is one of ours (a relayprobe-e2e-* directory in the temp dir). */
export default function globalTeardown(): void {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir || dirname(dir) !== tmpdir() || !basename(dir).startsWith('relayprobe-e2e-')) return;
  rmSync(dir, { recursive: true, force: true });
}
