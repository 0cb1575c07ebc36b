// Run-time hooks (onEvent, signal) are an argument of runPreparedProbe, not fields of the
// prepared probe: a prepared probe says what to probe, each run says who listens and who may stop it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProfile, type ServerHandle } from '@relayprobe/testkit';
import type { ProbeEvent } from '@relayprobe/contracts';
import { prepareProbe, runPreparedProbe, type PreparedProbe } from '../src/index.js';
import { localOptions } from './local-probe.js';

const servers: ServerHandle[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function prepared(): Promise<PreparedProbe> {
  const server = await startProfile('postfix-closed');
  servers.push(server);
  const outcome = await prepareProbe(localOptions(server, { suite: 'quick' }));
  if (!outcome.ok) throw new Error(`probe refused: ${outcome.code}: ${outcome.message}`);
  return outcome.probe;
}

test('one prepared probe, two runs: each run tells only its own onEvent', async () => {
  const probe = await prepared();
  const first: ProbeEvent[] = [];
  const second: ProbeEvent[] = [];
  const one = await runPreparedProbe(probe, { onEvent: (e) => first.push(e) });
  const heardByFirst = first.length;
  const two = await runPreparedProbe(probe, { onEvent: (e) => second.push(e) });
  assert.deepEqual(first, one.events);
  assert.deepEqual(second, two.events);
  assert.equal(first.length, heardByFirst, 'the first listener heard nothing of the second run');
  assert.equal(one.verdict?.code, 'closed');
  assert.equal(two.verdict?.code, 'closed');
});

test('no hooks: the probe runs to its verdict all the same', async () => {
  const result = await runPreparedProbe(await prepared());
  assert.equal(result.verdict?.code, 'closed');
  assert.equal(result.events.at(-1)?.type, 'verdict');
});

test('a signal already aborted stops the run, and only that run', async () => {
  const probe = await prepared();
  const stopped = await runPreparedProbe(probe, { signal: AbortSignal.abort() });
  assert.equal(stopped.verdict?.code, 'inconclusive');
  assert.ok(
    stopped.events.some((e) => e.type === 'error' && e.code === 'probe-aborted'),
    JSON.stringify(stopped.events.map((e) => e.type)),
  );
  const later = await runPreparedProbe(probe);
  assert.equal(later.verdict?.code, 'closed');
});
