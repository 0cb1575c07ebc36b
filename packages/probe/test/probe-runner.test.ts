// Whole probes against real in-process SMTP servers on port 0 (testkit profiles): each profile
// gets the verdict RELAY-TESTS.md §5 says it must.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProfile, type ProfileName, type ServerHandle } from '@relayprobe/testkit';
import { ResultDocument as ResultSchema, schemaErrors } from '@relayprobe/contracts';
import { probeLocal, outcomeOf, reasonsOf } from './local-probe.js';

const servers: ServerHandle[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
async function start(name: ProfileName, options: Parameters<typeof startProfile>[1] = {}) {
  const server = await startProfile(name, options);
  servers.push(server);
  return server;
}

const expectations: [ProfileName, string][] = [
  ['open-relay', 'open'],
  ['postfix-closed', 'closed'],
  ['postfix-default', 'closed'],
  ['exim-closed', 'closed'],
  ['qmail-closed', 'closed'],
  ['sendmail-closed', 'closed'],
  ['exchange-closed', 'closed'],
  ['opensmtpd-closed', 'closed'],
  ['accept-all', 'accepts-all'],
  ['greylisting', 'inconclusive'],
  ['auth-required', 'closed'],
  ['percent-hack-only', 'open'],
  ['domainless-only', 'suspicious'],
  ['ehlo-refused', 'closed'],
  ['split-writes', 'closed'],
  ['recipient-domain-check', 'inconclusive'],
];

for (const [profile, verdict] of expectations) {
  test(`${profile} → ${verdict}`, async () => {
    const { result } = await probeLocal(await start(profile));
    assert.equal(result.verdict?.code, verdict, JSON.stringify(result.verdict));
    assert.equal(result.status, 'complete');
    assert.ok(result.vectors.length >= 22, 'every planned test has an outcome');
    assert.deepEqual(schemaErrors(ResultSchema, result), [], 'the result document matches its schema');
  });
}

test('open relay: R01 accepted and named first in the reasons', async () => {
  const { result } = await probeLocal(await start('open-relay'));
  assert.equal(outcomeOf(result, 'R01'), 'accepted');
  assert.ok(result.verdict?.reasons[0]?.vectors?.includes('R01'));
});

test('greylisting: the cause is named', async () => {
  const { result } = await probeLocal(await start('greylisting'));
  assert.ok(reasonsOf(result).includes('greylisting'));
});

test('percent hack only: R11 is the accepted vector', async () => {
  const { result } = await probeLocal(await start('percent-hack-only'));
  assert.equal(outcomeOf(result, 'R11'), 'accepted');
  assert.equal(outcomeOf(result, 'R01'), 'relay-denied');
});

test('test domain refused: inconclusive, and the reason suggests --test-domain', async () => {
  const { result } = await probeLocal(await start('recipient-domain-check'));
  assert.ok(reasonsOf(result).includes('test-domain-refused'));
  assert.match(result.verdict?.advice ?? '', /--test-domain/);
});

test('STARTTLS required first, open after TLS → open, with TLS details recorded', async () => {
  const { result } = await probeLocal(await start('starttls-required'));
  assert.equal(result.verdict?.code, 'open');
  assert.equal(result.session?.tls?.authorized, true);
  assert.match(result.session?.tls?.protocol ?? '', /^TLSv1\.[23]$/);
});

test('implicit TLS (like port 465) → closed, every command inside TLS', async () => {
  const server = await start('implicit-tls');
  const { result } = await probeLocal(server, { tls: 'implicit' });
  assert.equal(result.verdict?.code, 'closed');
  assert.ok(result.events.filter((e) => e.type === 'command').every((e) => e.type === 'command' && e.tls));
});

test('a Postfix-like error limit: reconnects before it, so every vector gets a real outcome', async () => {
  const server = await start('error-limit', { errorDelayMs: 50 });
  const { result } = await probeLocal(server, { suite: 'thorough' });
  assert.equal(result.verdict?.code, 'closed');
  assert.ok(server.connections > 1);
  assert.ok(
    result.vectors.every((v) => v.outcome !== 'not-run' && v.outcome !== 'not-completed'),
    JSON.stringify(result.vectors.filter((v) => v.outcome.startsWith('not'))),
  );
  assert.ok(!result.events.some((e) => e.type === 'reply' && e.code === 421));
});

test('EHLO refused: HELO fallback recorded', async () => {
  const { result } = await probeLocal(await start('ehlo-refused'));
  assert.equal(result.session?.heloFallback, true);
});

test('multi-line greeting and EHLO reply split across many TCP writes are read whole', async () => {
  const { result } = await probeLocal(await start('split-writes'));
  const greeting = result.events.find((e) => e.type === 'reply' && e.phase === 'greeting');
  assert.equal(greeting?.type === 'reply' && greeting.lines.length, 3);
  assert.ok((result.session?.extensions.length ?? 0) >= 7);
});

test('live events are the stored events, same objects, same order', async () => {
  const { result, live } = await probeLocal(await start('postfix-closed'));
  assert.deepEqual(live, result.events);
  assert.equal(live[0]?.type, 'resolution');
  assert.equal(live.at(-1)?.type, 'verdict');
});

test('--send-message against accept-all: one message, accepted, queue id kept, verdict still accepts-all', async () => {
  const server = await start('accept-all');
  const { result } = await probeLocal(server, { sendMessage: true, to: 'admin@mine.example' });
  assert.equal(result.delivery?.outcome, 'accepted');
  assert.equal(result.verdict?.code, 'accepts-all');
  const messages = server.transcripts.flatMap((t) => t.messages);
  assert.equal(messages.length, 1);
  assert.deepEqual(messages[0]?.rcptTo, ['<admin@mine.example>']);
  assert.match(messages[0]?.data ?? '', new RegExp(`relayprobe open relay test ${result.id.replace(/[-]/g, '\\-')}`));
  assert.equal(result.delivery?.queueId, messages[0]?.queueId);
});

test('the default run never sends DATA', async () => {
  const server = await start('open-relay');
  await probeLocal(server);
  assert.ok(server.transcripts.every((t) => !t.received.includes('DATA')));
  assert.ok(server.transcripts.every((t) => t.received.at(-1) === 'QUIT'));
});

test('a local source address is used for the connection', async () => {
  const { result } = await probeLocal(await start('postfix-closed'), { sourceAddress: '127.0.0.2', suite: 'quick' });
  assert.equal(result.session?.localAddress, '127.0.0.2');
  assert.equal(result.verdict?.code, 'closed');
});

test('a source address this machine does not have: named error, nothing reached the server', async () => {
  const server = await start('postfix-closed');
  // 192.0.2.77 (TEST-NET-1) is not configured here, so bind() fails locally: no packet is sent.
  const { result } = await probeLocal(server, { sourceAddress: '192.0.2.77', suite: 'quick' });
  assert.ok(
    result.events.some((e) => e.type === 'error' && e.code === 'source-address-unavailable'),
    JSON.stringify(result.events.filter((e) => e.type === 'error')),
  );
  assert.equal(result.verdict?.code, 'unreachable');
  assert.equal(server.connections, 0);
});
