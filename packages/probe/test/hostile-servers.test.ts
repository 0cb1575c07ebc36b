// Security regression: hostile and broken SMTP servers (SECURITY.md §3). The "mail server" is
// untrusted: it can stay silent (tarpit), flood us with an endless line, random bytes or an
// endless multi-line reply (memory exhaustion), dribble one byte at a time to defeat idle timers,
// break the reply grammar, put terminal escapes, bidi overrides and HTML in its banner (transcript
// injection), talk before its turn, inject plaintext after STARTTLS (CVE-2011-0411's client twin),
// or reset the connection mid-reply. For every scenario of the test kit the probe must reach the
// verdict RELAY-TESTS.md §5 gives, within a bound set by its own deadlines, with bounded memory
// and evidence, a transcript free of raw control characters, and no socket or timer left behind.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_HOSTNAME,
  HOSTILE_NAMES,
  TERMINAL_ESCAPES_TEXT,
  hostileBanner,
  startHostile,
  startScriptedServer,
  type HostileName,
  type HostileOptions,
  type ServerHandle,
} from '@relayprobe/testkit';
import {
  ResultDocument as ResultSchema,
  formatTranscript,
  formatVerdict,
  isDisplaySafe,
  schemaErrors,
  toSafeJson,
  type ReasonCode,
  type ReplyEvent,
  type ResultDocument,
  type VerdictCode,
} from '@relayprobe/contracts';
import { countResources, settledResources, type ResourceCounts } from './resource-census.js';
import { errorCodes, errorEvents, evidenceOf, timedProbe, type TimedRun } from './timed-probe.js';
import { reasonsOf } from './local-probe.js';

const HOST = DEFAULT_HOSTNAME;
/** The reply reader keeps at most this many bytes of evidence (SECURITY.md §3 "keep the first bytes"). */
const EVIDENCE_CAP = 256;
/** Resident-memory growth a flood may cause: the reader's caps are 4 KiB a line, 1 MiB a session. */
const FLOOD_RSS_BOUND = 200 * 1024 * 1024;
/** Every test is bounded so a probe that ignores its deadlines fails instead of hanging. */
const HANG_GUARD = { timeout: 30_000 };
const PROTOCOL_ERRORS = ['line-too-long', 'malformed-reply', 'reply-too-large', 'session-too-large'];

interface Expectation {
  /** Scenario options (the dribble interval, ...). */
  scenario?: HostileOptions;
  probe?: { timeoutSeconds?: number; suite?: 'quick' | 'standard' };
  verdict: VerdictCode;
  /** A reason the verdict must name. */
  reason?: ReasonCode;
  /** Error codes that must be recorded. */
  errors?: string[];
  /** One of these error codes must be recorded (random input picks which cap fires first). */
  errorOneOf?: string[];
  /** Per-reply deadlines the run is expected to sit out (the time bound is 3× their sum, at least 3× one). */
  deadlines?: number;
  /** A flood: resident memory must stay bounded. */
  flood?: boolean;
  check?: (run: TimedRun, server: ServerHandle) => void;
}

const replies = (result: ResultDocument): ReplyEvent[] => result.events.filter((e): e is ReplyEvent => e.type === 'reply');
const received = (server: ServerHandle): string[] => server.transcripts.flatMap((t) => t.received);
/**
 * We never spoke SMTP to a server whose greeting never completed (a QUIT at most). With --tls
 * auto, a later connection may open with a TLS ClientHello (a record starting 0x16 0x03) to see
 * whether the port speaks implicit TLS; that is the only other thing allowed.
 */
const neverSpoke = (_run: TimedRun, server: ServerHandle) =>
  server.transcripts.forEach((t, i) => {
    const tlsProbe = i > 0 && t.rawReceived.length > 0 && t.rawReceived[0]?.[0] === 0x16 && t.rawReceived[0]?.[1] === 0x03;
    assert.ok(tlsProbe || t.received.every((line) => line === 'QUIT'), `connection ${i + 1}: sent ${JSON.stringify(t.received)}`);
  });
const evidenceStartsWith = (prefix: string) => (run: TimedRun, server: ServerHandle) => {
  neverSpoke(run, server);
  const evidence = evidenceOf(run.result);
  assert.ok(evidence.length > 0, 'the offending bytes are kept as evidence');
  assert.equal(evidence[0]?.subarray(0, prefix.length).toString('latin1'), prefix);
};
const malformedGreeting = (line: string): Expectation => ({
  verdict: 'inconclusive',
  reason: 'protocol-error',
  errors: ['malformed-reply'],
  check: evidenceStartsWith(line),
});
const closedAfterTlsFailure = (error: string, deadlines = 0): Expectation => ({
  verdict: 'closed',
  errors: [error],
  deadlines,
  check: ({ result }, server) => {
    // --tls auto: the failed upgrade is recorded, then the tests run again in plain text.
    assert.equal(server.connections, 2);
    assert.equal(result.session?.starttlsOffered, true);
    assert.equal(result.session?.tls, null);
    assert.ok(result.vectors.every((v) => v.outcome !== 'not-run' && v.outcome !== 'not-completed'));
  },
});

const EXPECTED: Record<HostileName, Expectation> = {
  silent: { verdict: 'inconclusive', reason: 'tarpit', errors: ['greeting-timeout'], deadlines: 1, check: neverSpoke },
  'endless-line': { verdict: 'inconclusive', reason: 'protocol-error', errors: ['line-too-long'], flood: true, check: evidenceStartsWith('220 xxxx') },
  'random-bytes': { verdict: 'inconclusive', reason: 'protocol-error', errorOneOf: PROTOCOL_ERRORS, flood: true, check: neverSpoke },
  'endless-continuation': {
    verdict: 'inconclusive',
    reason: 'protocol-error',
    errors: ['reply-too-large'],
    flood: true,
    check: evidenceStartsWith('220-x\r\n220-x\r\n'),
  },
  'long-line-600': {
    verdict: 'closed',
    check: ({ result }) => {
      const greeting = replies(result)[0];
      assert.equal(greeting?.lines[0]?.length, 600, 'the over-long line is kept whole');
      assert.ok(greeting?.flags.includes('long-line'));
    },
  },
  'invalid-code-2500': malformedGreeting(`2500 ${HOST} ESMTP\r\n`),
  'invalid-code-25': malformedGreeting(`25 ${HOST} ESMTP\r\n`),
  'invalid-code-abc': malformedGreeting(`abc ${HOST} ESMTP\r\n`),
  'invalid-code-600': malformedGreeting(`600 ${HOST} ESMTP\r\n`),
  'invalid-code-220x': malformedGreeting(`220x ${HOST} ESMTP\r\n`),
  'code-change-mid-reply': {
    verdict: 'inconclusive',
    reason: 'protocol-error',
    errors: ['malformed-reply'],
    check: (run, server) => {
      neverSpoke(run, server);
      assert.match(errorEvents(run.result)[0]?.text ?? '', /changed from 220 to 250/);
    },
  },
  'hostile-banner': {
    verdict: 'closed',
    check: ({ result }) => {
      const greeting = replies(result)[0];
      assert.equal(greeting?.phase, 'greeting');
      // The exact bytes, NUL and 0xFF included, are kept (HOUSE-STYLE rule 8).
      assert.deepEqual(Buffer.from(greeting?.raw ?? '', 'base64'), hostileBanner(HOST));
      const transcript = formatTranscript(result.events);
      for (const escaped of ['\\x00', '\\e[31m', '\\u202e', '<script>alert(1)</script>']) assert.ok(transcript.includes(escaped), escaped);
    },
  },
  'bare-lf': {
    verdict: 'closed',
    check: ({ result }) =>
      assert.ok(
        replies(result).every((r) => r.flags.includes('bare-lf')),
        'every LF-only reply is flagged',
      ),
  },
  'one-byte-per-second': {
    scenario: { intervalMs: 10 },
    probe: { timeoutSeconds: 2 },
    verdict: 'closed',
    check: ({ result }) => assert.deepEqual(replies(result)[0]?.lines, [`220 ${HOST} ESMTP Postfix`]),
  },
  'silent-after-ehlo': { verdict: 'inconclusive', reason: 'tarpit', errors: ['reply-timeout'], deadlines: 1 },
  'early-talker': {
    verdict: 'closed',
    errors: ['unsolicited-data'],
    check: ({ result }) => {
      const unsolicited = replies(result).filter((r) => r.flags.includes('unsolicited'));
      assert.deepEqual(
        unsolicited.map((r) => r.lines),
        [['250 unsolicited'], ['250 ok']],
      );
      const ehlo = replies(result).find((r) => r.phase === 'ehlo' && !r.flags.includes('unsolicited'));
      assert.equal(ehlo?.lines[0], `250-${HOST}`, 'the stray 250 was not taken as the EHLO reply');
      assert.equal(result.vectors.find((v) => v.id === 'R01')?.outcome, 'relay-denied');
    },
  },
  '421-mid-session': {
    probe: { suite: 'standard' },
    verdict: 'closed',
    errors: ['service-unavailable'],
    check: ({ result }, server) => {
      assert.ok(server.connections > 1, 'reconnected after each 421');
      assert.equal(result.vectors.length, 22, 'every test of the standard suite has a result');
      assert.ok(
        result.vectors.every((v) => v.outcome !== 'not-run' && v.outcome !== 'not-completed'),
        'and a real outcome',
      );
    },
  },
  '554-greeting': {
    verdict: 'unreachable',
    reason: 'no-service',
    errors: ['no-service'],
    check: (_run, server) => assert.deepEqual(received(server), ['QUIT'], 'RFC 5321 §3.1: QUIT after a 554 greeting, nothing else'),
  },
  'starttls-garbage': closedAfterTlsFailure('tls-failed'),
  'starttls-reset': closedAfterTlsFailure('tls-failed'),
  'starttls-silence': closedAfterTlsFailure('tls-timeout', 1),
  'starttls-injection': {
    verdict: 'inconclusive',
    reason: 'starttls-unavailable',
    errors: ['starttls-injection'],
    check: ({ result }) => {
      assert.deepEqual(evidenceOf(result), [Buffer.from('250 injected\r\n')]);
      assert.ok(!replies(result).some((r) => r.lines.includes('250 injected')), 'the injected line is never read as a reply');
      assert.ok(!result.events.some((e) => e.type === 'command' && e.tls), 'nothing was sent over the tainted session');
    },
  },
  'reset-mid-reply': {
    verdict: 'inconclusive',
    reason: 'connection-lost',
    errors: ['connection-reset'],
    check: ({ result }) => assert.ok(!replies(result).some((r) => r.phase === 'ehlo'), 'half a reply is never a reply'),
  },
  greylisting: {
    verdict: 'inconclusive',
    reason: 'greylisting',
    check: ({ result }) => assert.ok(result.vectors.every((v) => v.outcome === 'deferred')),
  },
  'terminal-escapes': {
    verdict: 'inconclusive',
    reason: 'helo-refused',
    errors: ['helo-refused'],
    check: ({ result }) => {
      // The exact text is kept, every control and invisible character included (HOUSE-STYLE rule 8);
      // what is shown is escaped (assertWellFormed: the transcript, the verdict's lines included).
      assert.deepEqual(replies(result)[0]?.lines, [`220 ${HOST} ${TERMINAL_ESCAPES_TEXT}`]);
      const verdict = result.verdict;
      assert.ok(verdict);
      assert.ok(verdict.summary.includes(TERMINAL_ESCAPES_TEXT), 'the verdict quotes the HELO refusal');
      for (const line of formatVerdict(verdict)) assert.ok(isDisplaySafe(line), line);
    },
  },
  'control-flood': {
    verdict: 'closed',
    flood: true,
    check: ({ result }) => {
      // What one result stores is capped (result-limits.test.ts has each cap): 64 KB replies kept as 4 KiB, once.
      assert.ok(Buffer.byteLength(toSafeJson(result)) < 512 * 1024, `${Buffer.byteLength(toSafeJson(result))} bytes stored`);
      assert.ok(replies(result).every((r) => r.raw === undefined && (r.cut === undefined || r.flags.includes('truncated'))));
    },
  },
};

/** Checks every scenario's run gets, whatever the scenario. */
function assertWellFormed(run: TimedRun, boundMs: number): void {
  const { result } = run;
  assert.deepEqual(schemaErrors(ResultSchema, result), [], 'the result matches its schema');
  assert.equal(result.status, 'complete');
  assert.equal(result.events.at(-1)?.type, 'verdict');
  assert.ok(run.ms <= boundMs, `finished in ${Math.round(run.ms)} ms; its deadlines bound it to ${boundMs} ms`);
  for (const evidence of evidenceOf(result)) assert.ok(evidence.length <= EVIDENCE_CAP, `evidence of ${evidence.length} bytes`);
  const unsafe = formatTranscript(result.events)
    .split('\n')
    .filter((line) => !isDisplaySafe(line));
  assert.deepEqual(unsafe, [], 'no raw control or bidi character reaches the transcript');
}

let baseline: ResourceCounts;
before(() => {
  baseline = countResources();
});

for (const name of HOSTILE_NAMES) {
  const expected = EXPECTED[name];
  test(`${name} → ${expected.verdict}`, HANG_GUARD, async () => {
    const server = await startHostile(name, expected.scenario);
    try {
      const probe = { timeoutSeconds: 1, suite: 'quick', ...expected.probe };
      const run = await timedProbe(server, probe);
      const { result } = run;
      assert.equal(result.verdict?.code, expected.verdict, JSON.stringify(result.verdict));
      if (expected.reason) assert.ok(reasonsOf(result).includes(expected.reason), `reasons: ${reasonsOf(result).join(', ')}`);
      for (const code of expected.errors ?? []) assert.ok(errorCodes(result).includes(code), `${code} in ${errorCodes(result).join(', ')}`);
      if (expected.errorOneOf)
        assert.ok(
          errorCodes(result).some((c) => expected.errorOneOf?.includes(c)),
          errorCodes(result).join(', '),
        );
      assertWellFormed(run, 3 * Math.max(1, expected.deadlines ?? 0) * probe.timeoutSeconds * 1000);
      if (expected.flood) assert.ok(run.rssGrowth < FLOOD_RSS_BOUND, `RSS grew ${run.rssGrowth >> 20} MB`);
      expected.check?.(run, server);
    } finally {
      await server.close();
    }
  });
}

test('one byte per 250 ms, slower than a 1 s timeout: a per-reply deadline, not an idle timer, ends it', HANG_GUARD, async () => {
  // Each byte would reset socket.setTimeout; the greeting would take ~10 s to arrive in full.
  const server = await startHostile('one-byte-per-second', { intervalMs: 250 });
  try {
    const run = await timedProbe(server, { timeoutSeconds: 1, suite: 'quick' });
    assert.equal(run.result.verdict?.code, 'inconclusive');
    assert.ok(reasonsOf(run.result).includes('tarpit'));
    assert.deepEqual(errorCodes(run.result), ['greeting-timeout']);
    assertWellFormed(run, 3000);
  } finally {
    await server.close();
  }
});

/** A reply of about 60 KiB (15 lines of 4 KB), under the 64 KiB reply cap. */
const padded = (code: number, last: string) => `${`${code}-${'x'.repeat(4000)}\r\n`.repeat(15)}${code} ${last}\r\n`;

test('replies within every per-reply cap but 1 MiB in all: session-too-large ends the session', HANG_GUARD, async () => {
  const server = await startScriptedServer(async (peer) => {
    peer.write(`220 ${HOST} ESMTP\r\n`);
    for (let line = await peer.readLine(); line !== null; line = await peer.readLine()) {
      const verb = line.split(' ', 1)[0]?.toUpperCase();
      if (verb === 'QUIT') return peer.write('221 2.0.0 Bye\r\n');
      peer.write(verb === 'RCPT' ? padded(554, '5.7.1 Relay access denied') : padded(250, 'ok'));
    }
  });
  try {
    const run = await timedProbe(server, { timeoutSeconds: 1, suite: 'standard' });
    assert.equal(run.result.verdict?.code, 'inconclusive');
    assert.ok(reasonsOf(run.result).includes('protocol-error'));
    assert.ok(errorCodes(run.result).includes('session-too-large'), errorCodes(run.result).join(', '));
    assertWellFormed(run, 3000);
    assert.ok(run.rssGrowth < FLOOD_RSS_BOUND, `RSS grew ${run.rssGrowth >> 20} MB`);
  } finally {
    await server.close();
  }
});

test('a flood of tiny unsolicited replies: the stored result stays proportional to the bytes received', HANG_GUARD, async () => {
  // 100,000 "250" replies in 500 kB per connection, most of them answering nothing. Each one
  // recorded as a reply event plus an error event is a ~50-fold amplification (1 MB received,
  // 53 MB of result): a few such servers hold hundreds of MB in a service running many probes,
  // which the reader's 1 MiB session cap was meant to prevent (SECURITY.md §3 "Bounded reading").
  const flood = `220 ${HOST} ESMTP\r\n${'250\r\n'.repeat(100_000)}`;
  const server = await startScriptedServer(async (peer) => {
    peer.write(flood);
    while ((await peer.readLine()) !== null);
  });
  try {
    const run = await timedProbe(server, { timeoutSeconds: 1, suite: 'quick' });
    const sent = flood.length * server.connections;
    const stored = JSON.stringify(run.result).length;
    assertWellFormed(run, 3 * 2 * 1000);
    assert.ok(run.rssGrowth < FLOOD_RSS_BOUND, `RSS grew ${run.rssGrowth >> 20} MB`);
    assert.ok(stored <= 4 * sent + 65536, `the server sent ${sent} bytes and the result holds ${stored} (${run.result.events.length} events)`);
  } finally {
    await server.close();
  }
});

test('after every scenario: no socket, listener or timer left behind', HANG_GUARD, async () => {
  assert.deepEqual(await settledResources(baseline), baseline);
});
