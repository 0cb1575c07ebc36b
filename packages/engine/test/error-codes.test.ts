// Every code the engine emits is a registered one (HOUSE-STYLE rule 7): a typo would reach users as
// an undocumented code. The types guarantee it where a code is written: EngineOutput.error takes an
// ErrorCode (its side comes from the registry), a failure a ReasonCode, a result a ResultFlag, the
// tests a session could not run or complete a CauseFlag (a result flag the verdict also names), and
// the reader declares its codes and flags as members of the registries. typeChecks() below is never
// run: `tsc -p tsconfig.test.json` (the engine's typecheck) fails if any of them accepts a code the
// registries do not hold. At run time, where types cannot look (codes the engine computes), the
// tests check the reader's errors and every code in the events of real sessions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REASON_CODES, REPLY_FLAGS, errorSide, isErrorCode, isResultFlag, type ProbeEvent } from '@relayprobe/contracts';
import { EngineOutput } from '../src/engine-output.js';
import { ReplyReader, type ReaderErrorCode, type ReaderFlag } from '../src/reply-reader.js';
import type { Abort } from '../src/session-end.js';
import { notRunResult } from '../src/test-plan.js';
import { Transcript } from '../src/transcript.js';
import type { SessionFailure } from '../src/verdict.js';
import { acceptAll, greylisting, openRelay, postfixClosed } from './peer-policies.js';
import { defaultOptions, runAgainst, type PeerPolicy } from './scripted-peer.js';

export function typeChecks(out: EngineOutput): unknown[] {
  return [
    // @ts-expect-error: not a registered error code
    out.error('no-such-error', 'text', 0, { phase: 'idle' }),
    // @ts-expect-error: not a registered reason code
    ((failure: SessionFailure) => failure)({ verdict: 'inconclusive', reason: 'no-such-reason', text: '' }),
    // @ts-expect-error: not a registered result flag
    notRunResult(undefined as never, 'no-such-flag', ''),
    // @ts-expect-error: a result flag, but not a cause the verdict names
    ((abort: Abort) => abort)({ flag: 'unexpected-code', note: '' }),
    // @ts-expect-error: not a registered error code
    ((code: ReaderErrorCode) => code)('no-such-reader-error'),
    // @ts-expect-error: not a registered reply flag
    ((flag: ReaderFlag) => flag)('no-such-reply-flag'),
  ];
}

test('an unregistered error code cannot make an event at run time either: its side is unknown', () => {
  const out = new EngineOutput(new Transcript(0));
  assert.throws(() => out.error('no-such-error' as never, 'text', 0, { phase: 'idle' }), TypeError);
  assert.deepEqual(out.take(), []);
});

test('every error the reader stops with is a registered error code, on the server side', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const cases: [Partial<ConstructorParameters<typeof ReplyReader>[0]>, string][] = [
    [{}, 'XYZ not a reply\r\n'],
    [{ maxLineBytes: 16 }, `220 ${'x'.repeat(40)}\r\n`],
    [{ maxReplyLines: 2 }, '250-a\r\n250-b\r\n250-c\r\n250 d\r\n'],
    [{ maxSessionBytes: 8 }, '220 mx.example ESMTP\r\n'],
  ];
  const codes = new Set<string>();
  for (const [limits, input] of cases) {
    const error = new ReplyReader(limits).push(bytes(input)).error;
    assert.ok(error, input);
    assert.ok(isErrorCode(error.code), error.code);
    assert.equal(errorSide(error.code), 'server', error.code);
    codes.add(error.code);
  }
  assert.deepEqual([...codes].sort(), ['line-too-long', 'malformed-reply', 'reply-too-large', 'session-too-large']);
});

/** Sessions that between them end in most of the ways a session can end. */
const SCENARIOS: [string, PeerPolicy, Parameters<typeof defaultOptions>[0]][] = [
  ['closed', postfixClosed(), {}],
  ['open, with a message', openRelay(), { sendMessage: true }],
  ['accepts all', acceptAll(), {}],
  ['greylisting', greylisting(), { greylistWaitMs: 60_000, probeDeadlineMs: 600_000 }],
  ['silent', { greeting: () => 'silent' }, { replyTimeoutMs: 5_000 }],
  ['refused', { greeting: () => 'refuse' }, {}],
  ['no TCP', { greeting: () => 'no-connect' }, {}],
  ['554 greeting', { greeting: () => ['554 5.7.1 go away'] }, {}],
  ['250 greeting', { greeting: () => ['250 odd'] }, {}],
  ['421 connection limit', { greeting: () => ['421 4.7.0 mx Error: too many connections from 192.0.2.1'] }, {}],
  ['malformed', { greeting: () => ['XYZ hello'] }, {}],
  ['long line', { greeting: () => [`220 ${'x'.repeat(300)}`] }, { readerLimits: { maxLineBytes: 100 } }],
  ['unsolicited', postfixClosed({ after: (line) => (line.startsWith('RCPT') ? '250 stray\r\n' : undefined) }), {}],
  ['STARTTLS injection', { after: (line) => (line === 'STARTTLS' ? '250 injected\r\n' : undefined) }, {}],
  ['STARTTLS required, not offered', { extensions: ['PIPELINING'] }, { tls: 'starttls' }],
  ['STARTTLS refused', { reply: (line) => (line === 'STARTTLS' ? ['454 4.7.0 TLS not available'] : undefined) }, { tls: 'starttls' }],
  ['EHLO and HELO refused', { reply: (line) => (/^(EHLO|HELO)/.test(line) ? ['550 5.7.1 Helo command rejected: Host not found'] : undefined) }, {}],
  ['closes at RCPT', postfixClosed({ reply: (line) => (line.startsWith('RCPT') ? 'close' : undefined) }), {}],
  ['silent at RCPT', { reply: (line) => (line.startsWith('RCPT') ? [] : undefined) }, { replyTimeoutMs: 5_000 }],
  ['421 at MAIL', { reply: (line) => (line.startsWith('MAIL') ? ['421 4.7.0 Error: too many errors'] : undefined) }, {}],
  ['deadline', { reply: (line) => (line.startsWith('RCPT') ? [] : undefined) }, { replyTimeoutMs: 60_000, probeDeadlineMs: 30_000 }],
  ['connection budget', { reply: (line) => (line.startsWith('RCPT') ? 'close' : undefined) }, { maxConnections: 2 }],
];

test('every code in the events of real sessions is registered, and every error has its registered side', () => {
  const errors = new Set<string>();
  for (const [name, policy, options] of SCENARIOS) {
    const events: ProbeEvent[] = runAgainst(policy, defaultOptions(options)).transcript.events;
    for (const event of events) {
      if (event.type === 'error') {
        assert.ok(isErrorCode(event.code), `${name}: error ${event.code}`);
        assert.equal(event.side, errorSide(event.code), `${name}: the side of ${event.code}`);
        errors.add(event.code);
      }
      if (event.type === 'reply') for (const flag of event.flags) assert.ok(Object.hasOwn(REPLY_FLAGS, flag), `${name}: reply flag ${flag}`);
      if (event.type === 'vector-result') for (const flag of event.result.flags) assert.ok(isResultFlag(flag), `${name}: result flag ${flag}`);
      if (event.type === 'verdict') for (const reason of event.verdict.reasons) assert.ok(Object.hasOwn(REASON_CODES, reason.code), `${name}: reason ${reason.code}`);
    }
  }
  // Not vacuous: the scenarios reach most of the engine's errors.
  assert.ok(errors.size >= 17, `found ${errors.size}: ${[...errors].join(', ')}`);
});
