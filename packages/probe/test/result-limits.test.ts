// Attack: a server that fills every reply to the reader's caps inflates the stored result (issue
// 12, item 2). The testkit's control-flood answers every command with 64 KB of 0x01 and closes
// after about 1 MB per connection: each reply within the reader's caps, yet stored as "\u0001"
// text plus a base64 copy it made a 39 MB result, which a service then keeps, serves and replays.
// What one probe stores is capped (the engine's result-limits.ts): bytes per reply, replies per
// connection, text and events per result, each cut said in the transcript; a reply is stored once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHostile, type ServerHandle } from '@relayprobe/testkit';
import { cutToStoredSize, formatTranscript, toSafeJson, type ErrorEvent, type ReplyEvent, type ResultDocument } from '@relayprobe/contracts';
import { DEFAULT_RESULT_LIMITS, type ResultLimits } from '@relayprobe/engine';
import { probeLocal } from './local-probe.js';

const servers: ServerHandle[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function flood(resultLimits?: Partial<ResultLimits>): Promise<{ result: ResultDocument; server: ServerHandle }> {
  const server = await startHostile('control-flood');
  servers.push(server);
  const { result } = await probeLocal(server, { suite: 'standard', tls: 'none', ...(resultLimits ? { resultLimits } : {}) });
  return { result, server };
}

const replies = (result: ResultDocument) => result.events.filter((e): e is ReplyEvent => e.type === 'reply');
const errors = (result: ResultDocument, code: string) => result.events.filter((e): e is ErrorEvent => e.type === 'error' && e.code === code);
const storedBytes = (lines: readonly string[]) => lines.reduce((n, l) => n + cutToStoredSize(l, Infinity).size, 0);
/** The replies of each connection, in order (a connection starts at its `connected` line). */
function perConnection(result: ResultDocument): ReplyEvent[][] {
  const groups: ReplyEvent[][] = [];
  for (const event of result.events) {
    if (event.type === 'info' && event.code === 'connected') groups.push([]);
    if (event.type === 'reply') groups.at(-1)?.push(event);
  }
  return groups;
}

test('with the default caps the flooded result stays small, and the verdict is still reached', async () => {
  const { result, server } = await flood();
  assert.ok(server.connections > 1, 'the flood closed and the probe reconnected');
  assert.equal(result.verdict?.code, 'closed', 'every relay vector was refused (554)');
  const size = Buffer.byteLength(toSafeJson(result));
  assert.ok(size < 1024 * 1024, `the result document holds ${size} bytes (it held 39 MB)`);
});

test('bytes per reply: each reply keeps 4 KiB, says what was cut, and the transcript shows it', async () => {
  const { result } = await flood();
  const all = replies(result);
  for (const reply of all) assert.ok(storedBytes(reply.lines) <= DEFAULT_RESULT_LIMITS.replyBytes, `${storedBytes(reply.lines)} bytes stored of a reply`);
  const cut = all.filter((r) => r.cut !== undefined);
  assert.ok(cut.length > 10, `${cut.length} replies cut`);
  for (const reply of cut) {
    assert.ok(reply.flags.includes('truncated'));
    assert.ok(reply.cut && reply.cut.bytes > 60_000 && reply.cut.lines >= 16, JSON.stringify(reply.cut));
  }
  const said = formatTranscript(result.events)
    .split('\n')
    .filter((line) => line.startsWith('=== Not stored: '));
  assert.equal(said.length, cut.length, 'one transcript line per cut reply');
});

test('each reply is stored once: valid UTF-8, however full of control characters, keeps no base64 copy', async () => {
  const { result } = await flood();
  const withRaw = replies(result).filter((r) => r.raw !== undefined);
  assert.deepEqual(
    withRaw.map((r) => r.seq),
    [],
  );
  assert.ok(
    replies(result).some((r) => r.lines.some((l) => l.includes('\x01'))),
    'the text is there, exact',
  );
});

test('replies per connection: past the cap a reply keeps its code, said once per connection', async () => {
  const { result } = await flood({ repliesPerConnection: 4 });
  const groups = perConnection(result).filter((g) => g.length > 4);
  assert.ok(groups.length > 0);
  for (const group of groups) {
    for (const reply of group.slice(4)) assert.deepEqual(reply.lines, [String(reply.code)], 'the code only');
  }
  assert.equal(errors(result, 'replies-cut').length, groups.length);
  assert.match(errors(result, 'replies-cut')[0]?.text ?? '', /more than 4 replies on this connection/);
});

test('bytes per result: past the budget replies keep their code, said once', async () => {
  const budget = 64 * 1024;
  const { result } = await flood({ resultBytes: budget });
  const said = errors(result, 'replies-cut');
  assert.equal(said.length, 1);
  assert.match(said[0]?.text ?? '', /reached the 64 KiB one result keeps/);
  const total = replies(result).reduce((n, r) => n + storedBytes(r.lines), 0);
  assert.ok(total <= budget, `${total} bytes of reply text kept`);
  // The reply right after the notice keeps what was left of the budget; the later ones their code.
  const later = replies(result)
    .filter((r) => r.seq > (said[0]?.seq ?? 0))
    .slice(1);
  assert.ok(later.length > 5 && later.every((r) => r.lines.join('') === String(r.code)), 'later replies keep their code');
  assert.equal(result.verdict?.code, 'closed', 'the verdict comes from the replies, not from what is stored of them');
});

test('events per result: at the cap the probe is stopped, said with result-too-large', async () => {
  const { result } = await flood({ events: 40 });
  assert.equal(errors(result, 'result-too-large').length, 1);
  assert.ok(result.events.length <= 40 + 30, `${result.events.length} events`);
  assert.equal(result.events.at(-1)?.type, 'verdict');
  assert.equal(result.verdict?.code, 'inconclusive');
  assert.ok(
    result.vectors.some((v) => v.outcome === 'not-run'),
    'the remaining tests did not run',
  );
});
