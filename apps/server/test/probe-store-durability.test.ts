// Durability sanity check (SECURITY.md §5, "Nothing lost"): a child process writes a probe and
// batches of events and prints a line after each commit; the parent kills it with SIGKILL after
// a random number of lines, reopens the store and checks that every batch it was told about is
// there, that no batch is there in part, and that PRAGMA integrity_check says ok. A process kill
// is not a power cut (the OS still holds the page cache); this checks our write model, not the disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ProbeStore } from '../src/storage/probe-store.js';
import { sampleEvents } from './storage/sample-probes.js';
import { makeTempDataDir } from './storage/temp-data-dir.js';

const CHILD = fileURLToPath(new URL('./storage/durability-child.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = 10;
const EVENTS_PER_BATCH = 4;
/** Bounds a round so a stuck child fails the test instead of hanging it; not a timing assertion. */
const ROUND_DEADLINE_MS = 30_000;

/** Run the child and SIGKILL it once it has printed killAfter lines; resolves with every line it printed. */
function runAndKill(dataDir: string, probeId: string, killAfter: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, probeId, String(EVENTS_PER_BATCH)], {
      cwd: PACKAGE_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let partial = '';
    let stderr = '';
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not print ${killAfter} lines in time; stderr: ${stderr}`));
    }, ROUND_DEADLINE_MS);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      if (lines.length >= killAfter && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      if (signal === 'SIGKILL') resolve(lines);
      else reject(new Error(`child ended by itself (code ${code}, signal ${signal}); stderr: ${stderr}`));
    });
  });
}

test('every commit a killed writer reported survives SIGKILL, with no partial batch', async () => {
  const temp = makeTempDataDir();
  try {
    /** Highest seq each probe's writer reported committed (-1: the probe row was never reported). */
    const reported = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      const probeId = `round-${round}`;
      const killAfter = 1 + Math.floor(Math.random() * 30);
      const lines = await runAndKill(temp.dir, probeId, killAfter);
      const label = `round ${round}, killed after ${killAfter} lines (${lines.length} read)`;
      assert.equal(lines[0], 'opened', label);
      if (lines.includes('created')) {
        const committed = lines.filter((l) => l.startsWith('committed ')).map((l) => Number(l.slice('committed '.length)));
        reported.set(probeId, Math.max(0, ...committed));
      }

      const store = ProbeStore.open(temp.dir);
      try {
        assert.equal(store.integrityCheck(), 'ok', label);
        for (const [id, lastReported] of reported) {
          const probe = store.getProbe(id);
          assert.ok(probe, `${label}: probe ${id} was reported created`);
          const events = store.getEvents(id);
          assert.ok(events.length >= lastReported, `${label}: ${id} has ${events.length} events, ${lastReported} were reported`);
          assert.equal(events.length % EVENTS_PER_BATCH, 0, `${label}: ${id} holds a partial batch`);
          assert.deepEqual(events, sampleEvents(1, events.length), `${label}: ${id} events intact and in order`);
          assert.equal(probe.lastSeq, events.length, label);
        }
        // Start-up recovery: only this round's writer can have left a probe running.
        const interrupted = store.interruptRunning(new Date().toISOString());
        assert.ok(
          interrupted.every((id) => id === probeId),
          `${label}: interrupted ${interrupted.join(', ')}`,
        );
        if (reported.has(probeId)) assert.deepEqual(interrupted, [probeId], label);
      } finally {
        store.close();
      }
    }
    assert.ok(reported.size > 0, 'at least one round got as far as creating its probe');
  } finally {
    temp.remove();
  }
});
