// What one probe may store (result-limits.ts), unit by unit: a reply cut to its bytes with what
// was cut said on it, replies past a connection's cap and past the result's budget kept with
// their code and a notice before the first one, other strings cut with "…", base64 cut so it still
// decodes, the verdict's words never floored, and an event that fits kept as the very object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CODES, cutToStoredSize, type EventBody } from '@relayprobe/contracts';
import { DEFAULT_RESULT_LIMITS, ResultBudget, Transcript } from '../src/index.js';

type Reply = Extract<EventBody, { type: 'reply' }>;
const reply = (lines: string[], extra: Partial<Reply> = {}): Reply => ({ type: 'reply', phase: 'vector', tls: false, code: Number(lines[0]?.slice(0, 3)), lines, elapsedMs: 1, flags: [], ...extra });
const connected: EventBody = { type: 'info', phase: 'connect', code: 'connected', text: 'Connected to 192.0.2.1.' };
const stored = (lines: readonly string[]) => lines.reduce((n, l) => n + cutToStoredSize(l, Infinity).size, 0);

test('the registry says the default caps', () => {
  assert.match(ERROR_CODES['replies-cut'].description, new RegExp(`${DEFAULT_RESULT_LIMITS.repliesPerConnection} replies a connection, ${DEFAULT_RESULT_LIMITS.resultBytes / 1024} KiB`));
  assert.match(ERROR_CODES['result-too-large'].description, new RegExp(DEFAULT_RESULT_LIMITS.events.toLocaleString('en-US')));
});

test('a reply that fits is kept as it is, the very object', () => {
  const budget = new ResultBudget();
  const body = reply(['250-mx.example.com', '250 PIPELINING']);
  assert.equal(budget.keep(body).kept, body);
});

test('a reply over replyBytes keeps the lines that fit, the crossing one cut, and says what was cut', () => {
  const budget = new ResultBudget({ replyBytes: 100 });
  const lines = ['250-first', `250-${'\x01'.repeat(100)}`, '250-third', '250 last'];
  const { kept, notices } = budget.keep(reply(lines));
  assert.deepEqual(notices, []);
  assert.equal(kept.type, 'reply');
  if (kept.type !== 'reply') return;
  assert.equal(kept.lines[0], '250-first');
  assert.ok(stored(kept.lines) <= 100, `kept ${stored(kept.lines)} bytes`);
  assert.ok(lines[1]?.startsWith(kept.lines[1] ?? 'x'), 'the crossing line is cut, not changed');
  assert.equal(kept.lines.length, 2);
  assert.deepEqual(kept.cut, { lines: 3, bytes: stored(lines) - stored(kept.lines) });
  assert.deepEqual(kept.flags, ['truncated']);
});

test('raw bytes are cut too, at a multiple of 4 base64 characters', () => {
  const budget = new ResultBudget({ replyBytes: 64 });
  const raw = Buffer.alloc(300, 0xff).toString('base64');
  const { kept } = budget.keep(reply(['220 \ufffd'], { raw, flags: ['non-utf8'] }));
  if (kept.type !== 'reply') return assert.fail('a reply');
  assert.ok(kept.raw !== undefined && kept.raw.length % 4 === 0 && kept.raw.length < raw.length && raw.startsWith(kept.raw));
  assert.equal(kept.cut?.lines, 1);
  assert.deepEqual(kept.flags, ['non-utf8', 'truncated']);
});

test('past repliesPerConnection a reply keeps its code; said once per connection, before the first such reply', () => {
  const transcript = new Transcript(0, { repliesPerConnection: 2 });
  for (let connection = 0; connection < 2; connection++) {
    transcript.add(connected, 0);
    for (let i = 0; i < 4; i++) transcript.add(reply(['250 2.0.0 Ok']), 0);
  }
  const types = transcript.events.map((e) => (e.type === 'reply' ? e.lines.join('|') : e.type === 'error' ? e.code : e.type));
  assert.deepEqual(types, ['info', '250 2.0.0 Ok', '250 2.0.0 Ok', 'replies-cut', '250', '250', 'info', '250 2.0.0 Ok', '250 2.0.0 Ok', 'replies-cut', '250', '250']);
  assert.deepEqual(
    transcript.events.map((e) => e.seq),
    transcript.events.map((_, i) => i + 1),
    'seq has no gaps',
  );
});

test('past resultBytes replies keep their code and other strings their first bytes; the verdict keeps its words', () => {
  const budget = new ResultBudget({ resultBytes: 1000 });
  for (let i = 0; i < 10; i++) budget.keep(reply([`250 ${'x'.repeat(200)}`]));
  const { kept, notices } = budget.keep(reply([`554 ${'y'.repeat(200)}`]));
  assert.equal(notices.length, 0, 'said once, when the budget ran out');
  assert.deepEqual(kept.type === 'reply' && kept.lines, ['554']);
  const info = budget.keep({ type: 'info', phase: 'vector', code: 'x', text: 'z'.repeat(1000) }).kept;
  assert.ok(info.type === 'info' && info.text.length <= 120 && info.text.endsWith('…'));
  const summary = `The server greeted with 554 ${'w'.repeat(1500)}`;
  const verdict = budget.keep({ type: 'verdict', verdict: { code: 'unreachable', label: 'Unreachable', summary, advice: 'Check the name and port.', reasons: [] } }).kept;
  assert.ok(verdict.type === 'verdict' && verdict.verdict.summary === summary, 'the verdict is not floored');
});

test('the notice of the result budget comes before the first reply it cuts', () => {
  const transcript = new Transcript(0, { resultBytes: 300 });
  for (let i = 0; i < 3; i++) transcript.add(reply([`250 ${'x'.repeat(200)}`]), 0);
  const errors = transcript.events.filter((e) => e.type === 'error');
  assert.equal(errors.length, 1);
  const at = transcript.events.indexOf(errors[0] as (typeof transcript.events)[number]);
  const next = transcript.events[at + 1];
  assert.ok(next?.type === 'reply' && next.flags.includes('truncated'));
});

test('any other string is cut at textBytes with "…", a list of strings at replyBytes in all', () => {
  const budget = new ResultBudget({ textBytes: 50, replyBytes: 120 });
  const { kept } = budget.keep({ type: 'error', phase: 'greeting', code: 'service-unavailable', side: 'server', text: `The server said 421 (${'q'.repeat(100)})` });
  assert.ok(kept.type === 'error' && cutToStoredSize(kept.text, Infinity).size <= 50 && kept.text.endsWith('…'));
  const facts = {
    port: 25,
    attempts: [],
    heloFallback: false,
    extensions: Array.from({ length: 10 }, (_, i) => `EXT${i}${'e'.repeat(30)}`),
    pipelining: false,
    starttlsOffered: false,
    tls: null,
    localNames: [],
    connections: 1,
  };
  const session = budget.keep({ type: 'session', phase: 'done', facts }).kept;
  assert.ok(session.type === 'session' && session.facts.extensions.length < 10 && session.facts.extensions.length > 0);
  assert.deepEqual(session.type === 'session' && session.facts.extensions, facts.extensions.slice(0, session.type === 'session' ? session.facts.extensions.length : 0));
});
