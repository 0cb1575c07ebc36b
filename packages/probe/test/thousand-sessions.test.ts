// Security regression: resource exhaustion across many hostile sessions (SECURITY.md §3, last
// scenario: "1,000 sessions mixed, 50 at a time, with handles and heap back to baseline after").
// One leaked socket or timer per probe, or evidence that is never released, is harmless in a
// single run and takes a long-running service down; so 1,000 quick probes run against a mix of
// hostile scenarios and ordinary profiles, 50 at a time, and afterwards every socket and timer
// is gone and resident memory is back near where it started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHostile, startProfile, type HostileName, type ProfileName, type ServerHandle } from '@relayprobe/testkit';
import { VERDICT_CODES, type VerdictCode } from '@relayprobe/contracts';
import { validateProbeOptions } from '../src/probe-options.js';
import { probeLocal } from './local-probe.js';
import { countResources, settledResources } from './resource-census.js';
import { runPool } from './run-pool.js';

const SESSIONS = 1000;
const CONCURRENCY = 50;
/**
 * Per-reply timeout: only the silent scenarios in the mix wait it out. Not smaller: on a loaded
 * 2-core machine a healthy reply can take a few hundred ms, and a timeout would change its verdict.
 */
const TIMEOUT_SECONDS = 2;
/** Resident memory allowed to stay after 1,000 probes (no forced GC: node runs without --expose-gc). */
const RSS_BOUND = 200 * 1024 * 1024;

interface Kind {
  label: string;
  start: () => Promise<ServerHandle>;
  /** The verdict this server gets when probed alone (hostile-servers.test.ts, probe-runner.test.ts). */
  verdict: VerdictCode;
}

const hostile = (name: HostileName, verdict: VerdictCode): Kind => ({ label: name, start: () => startHostile(name), verdict });
const profile = (name: ProfileName, verdict: VerdictCode): Kind => ({ label: name, start: () => startProfile(name), verdict });

// Fast scenarios only, plus one silent one (a 0.5 s tarpit) in every 24 probes.
const MIX: Kind[] = [
  profile('postfix-closed', 'closed'),
  profile('open-relay', 'open'),
  profile('accept-all', 'accepts-all'),
  profile('auth-required', 'closed'),
  profile('exim-closed', 'closed'),
  hostile('endless-line', 'inconclusive'),
  hostile('random-bytes', 'inconclusive'),
  hostile('endless-continuation', 'inconclusive'),
  hostile('long-line-600', 'closed'),
  hostile('invalid-code-2500', 'inconclusive'),
  hostile('invalid-code-abc', 'inconclusive'),
  hostile('code-change-mid-reply', 'inconclusive'),
  hostile('hostile-banner', 'closed'),
  hostile('bare-lf', 'closed'),
  hostile('early-talker', 'closed'),
  hostile('421-mid-session', 'closed'),
  hostile('554-greeting', 'unreachable'),
  hostile('starttls-garbage', 'closed'),
  hostile('starttls-reset', 'closed'),
  hostile('starttls-injection', 'inconclusive'),
  hostile('reset-mid-reply', 'inconclusive'),
  hostile('greylisting', 'inconclusive'),
  hostile('silent', 'inconclusive'),
  hostile('silent-after-ehlo', 'inconclusive'),
];

test(`a ${TIMEOUT_SECONDS} s per-reply timeout is a valid option`, () => {
  const validated = validateProbeOptions({ target: '127.0.0.1', timeoutSeconds: TIMEOUT_SECONDS, allowPrivate: true });
  assert.equal(validated.ok && validated.value.request.timeoutSeconds, TIMEOUT_SECONDS);
});

test(`${SESSIONS} sessions mixed, ${CONCURRENCY} at a time: every probe gets its verdict, then handles and memory return to baseline`, { timeout: 120_000 }, async () => {
  const handlesBefore = countResources();
  const rssBefore = process.memoryUsage.rss();
  const servers = await Promise.all(MIX.map((kind) => kind.start()));
  try {
    const verdicts = await runPool(SESSIONS, CONCURRENCY, async (i) => {
      const k = i % MIX.length;
      const { result } = await probeLocal(servers[k] as ServerHandle, { suite: 'quick', timeoutSeconds: TIMEOUT_SECONDS }, { onEvent: () => {} });
      // Keep only the verdict, so what stays in memory afterwards is the probe's doing, not ours.
      return result.verdict?.code;
    });

    assert.equal(verdicts.length, SESSIONS);
    const wrong = verdicts.flatMap((code, i) => {
      const kind = MIX[i % MIX.length] as Kind;
      return code === kind.verdict ? [] : [`#${i} ${kind.label}: ${code ?? 'no verdict'}, alone it gets ${kind.verdict}`];
    });
    assert.ok(
      verdicts.every((code) => code !== undefined && (VERDICT_CODES as readonly string[]).includes(code)),
      'every probe resolved with a verdict',
    );
    assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} probes got another verdict under load than alone`);
    for (const [k, server] of servers.entries()) assert.ok(server.connections >= Math.floor(SESSIONS / MIX.length), `${MIX[k]?.label} was probed`);

    // Before the servers close: the probes alone must have closed every connection (both ends
    // live in this process) and cleared every timer; only the listeners remain.
    const listening = { ...handlesBefore, TCPServerWrap: handlesBefore.TCPServerWrap + servers.length };
    assert.deepEqual(await settledResources(listening), listening, 'no connection or timer outlives its probe');
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
  assert.deepEqual(await settledResources(handlesBefore), handlesBefore);
  const rssGrowth = process.memoryUsage.rss() - rssBefore;
  assert.ok(rssGrowth < RSS_BOUND, `RSS grew ${rssGrowth >> 20} MB over ${SESSIONS} probes`);
});
