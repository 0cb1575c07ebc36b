// A fresh data directory under the OS temp dir for each test, removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Create a temp directory; the returned function removes it. */
export function makeTempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'relayprobe-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
