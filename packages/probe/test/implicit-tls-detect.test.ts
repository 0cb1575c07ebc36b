// --tls auto against a port that speaks TLS from the first byte on a port other than 465 (a real
// Postfix with smtpd_tls_wrappermode=yes on 2465): such a server waits for our ClientHello and
// never greets in plain text. The probe used to wait the whole reply timeout and call it a
// possible tarpit, which raising --timeout cannot fix. Now a plain connection with not one byte
// of greeting after the sniff delay gets a second connection with implicit TLS; a handshake makes
// the probe go on over TLS, anything else leaves the old outcome intact. Real sockets, real TLS,
// the testkit's servers on port 0; every test waits for the probe's end, never for a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHostile, startProfile, startScriptedServer, type ServerHandle } from '@relayprobe/testkit';
import { formatTranscript, type InfoEvent, type ResultDocument } from '@relayprobe/contracts';
import { probeLocal, reasonsOf } from './local-probe.js';
import { errorCodes } from './timed-probe.js';
import { countResources, settledResources } from './resource-census.js';

/** Small, so the tests are quick; the product default is TLS_SNIFF_DELAY_MS (3 s). */
const SNIFF_MS = 100;
/** A reply timeout the detection must beat by far: reaching it means detection did not happen. */
const LONG_TIMEOUT_SECONDS = 30;
/** For the cases that must sit out the greeting deadline. */
const SHORT_TIMEOUT_SECONDS = 1;
/** Each test is bounded so a probe that ignores its deadlines fails instead of hanging. */
const HANG_GUARD = { timeout: 60_000 };

const infos = (result: ResultDocument) => result.events.filter((e): e is InfoEvent => e.type === 'info');
const infoCodes = (result: ResultDocument) => infos(result).map((e) => e.code);
const infoText = (result: ResultDocument, code: string) => infos(result).find((e) => e.code === code)?.text ?? '';

/**
 * Run `body` against a fresh server, then close it and check that every socket and timer is gone
 * (the plain socket and the TLS check's included), so the next test starts from a clean count.
 */
async function against(start: () => Promise<ServerHandle>, body: (server: ServerHandle) => Promise<void>): Promise<void> {
  const before = countResources();
  const server = await start();
  try {
    await body(server);
  } finally {
    await server.close();
  }
  assert.deepEqual(await settledResources(before), before, 'no socket or timer outlives the probe');
}

test('--tls auto on a non-465 port that speaks implicit TLS: detected, and the whole probe runs over TLS', HANG_GUARD, async () => {
  await against(
    () => startProfile('implicit-tls'),
    async (server) => {
      const { result, live } = await probeLocal(server, { suite: 'standard', timeoutSeconds: LONG_TIMEOUT_SECONDS, tlsSniffMs: SNIFF_MS });
      assert.equal(result.request.tls, 'auto', 'the default mode');
      assert.equal(result.verdict?.code, 'closed', JSON.stringify(result.verdict));
      assert.ok(!errorCodes(result).includes('greeting-timeout'), errorCodes(result).join(', '));
      assert.ok((result.durationMs ?? Infinity) < (LONG_TIMEOUT_SECONDS * 1000) / 2, `took ${result.durationMs} ms, well under the ${LONG_TIMEOUT_SECONDS} s reply timeout`);

      assert.deepEqual(
        infoCodes(result).filter((c) => c === 'tls-sniff' || c.startsWith('implicit-tls')),
        ['tls-sniff', 'implicit-tls-detected'],
      );
      assert.match(infoText(result, 'implicit-tls-detected'), /^No greeting after 100 ms in plain text; this port speaks TLS from the first byte \(implicit TLS\)\./);
      // The CLI prints exactly these lines (transcript-format.ts): the decision is an === info line.
      const transcript = formatTranscript(result.events).split('\n');
      assert.ok(
        transcript.some((l) => /^=== No greeting after 100 ms in plain text; this port speaks TLS from the first byte \(implicit TLS\)\. Going on over TLS/.test(l)),
        transcript.join('\n'),
      );
      assert.ok(
        transcript.some((l) => l.startsWith('=== TLS started: ') && l.includes('trusted, name matches')),
        'the TLS details, judged against the fixture CA',
      );
      assert.ok(
        transcript.some((l) => l === ' ~> EHLO prober.relayprobe.test'),
        'commands inside TLS',
      );
      assert.deepEqual(
        live.map((e) => e.seq),
        result.events.map((e) => e.seq),
        'the live stream carries the same events',
      );

      const commands = result.events.filter((e) => e.type === 'command');
      assert.ok(commands.length > 0 && commands.every((e) => e.type === 'command' && e.tls), 'every command inside TLS');
      assert.equal(result.session?.tls?.authorized, true);

      // Server side: the plain connection heard nothing and was closed by us; every other one, the
      // reconnects of the suite included, was TLS from the first byte.
      const [plain, ...rest] = server.transcripts;
      assert.deepEqual(plain?.received, [], 'nothing was ever written on the plain connection');
      assert.equal(plain?.closedBy, 'client', 'the abandoned plain socket was destroyed');
      assert.ok(rest.length >= 2, `${rest.length} TLS connections: the standard suite reconnects after 8 refusals`);
      assert.ok(
        rest.every((t) => t.tls),
        'reconnects use implicit TLS too',
      );
      assert.equal(result.session?.connections, server.connections, 'every connection is counted');
      assert.ok(
        !result.events.some(
          (e) => e.type === 'info' && e.code === 'connecting' && !e.text.includes('with implicit TLS') && e.seq > (infos(result).find((i) => i.code === 'implicit-tls-detected')?.seq ?? 0),
        ),
        'every later "Trying" says implicit TLS',
      );
    },
  );
});

test('--tls none on the same port never switches: the greeting timeout, as before', HANG_GUARD, async () => {
  await against(
    () => startProfile('implicit-tls'),
    async (server) => {
      const { result } = await probeLocal(server, { suite: 'quick', tls: 'none', timeoutSeconds: SHORT_TIMEOUT_SECONDS, tlsSniffMs: SNIFF_MS });
      assert.equal(result.verdict?.code, 'inconclusive');
      assert.ok(reasonsOf(result).includes('tarpit'), reasonsOf(result).join(', '));
      assert.deepEqual(errorCodes(result), ['greeting-timeout']);
      assert.ok(!infoCodes(result).some((c) => c === 'tls-sniff' || c.startsWith('implicit-tls')), infoCodes(result).join(', '));
      assert.equal(server.connections, 1, 'no second connection');
    },
  );
});

test('a silent server with --tls auto: the TLS check gets no handshake, and the probe ends as a greeting timeout (tarpit)', HANG_GUARD, async () => {
  await against(
    () => startHostile('silent'),
    async (server) => {
      const { result } = await probeLocal(server, { suite: 'quick', timeoutSeconds: SHORT_TIMEOUT_SECONDS, tlsSniffMs: SNIFF_MS });
      assert.equal(result.verdict?.code, 'inconclusive');
      assert.ok(reasonsOf(result).includes('tarpit'), reasonsOf(result).join(', '));
      assert.deepEqual(errorCodes(result), ['greeting-timeout']);
      assert.deepEqual(
        infoCodes(result).filter((c) => c === 'tls-sniff' || c.startsWith('implicit-tls')),
        ['tls-sniff', 'implicit-tls-not-detected'],
      );
      assert.match(infoText(result, 'implicit-tls-not-detected'), /no handshake before the greeting deadline/);
      assert.match(
        formatTranscript(result.events),
        /^=== The TLS check got no handshake before the greeting deadline either; it was abandoned\.\n\*\*\* No complete greeting within 1 s/m,
        'the transcript says TLS was tried and failed, then the timeout',
      );
      assert.equal(server.connections, 2, 'the plain connection and the TLS check');
      // Nothing but a TLS ClientHello ever reached the server: no SMTP command before a greeting.
      const [plain, check] = server.transcripts;
      assert.deepEqual(plain?.rawReceived, []);
      assert.equal(check?.rawReceived[0]?.[0], 0x16, 'a TLS handshake record');
    },
  );
});

test('a port that answers the TLS check with plain bytes: the handshake fails, said, and the plain wait goes on to its deadline', HANG_GUARD, async () => {
  // Silent until the client speaks; then (only the TLS check ever does) a line that is not TLS.
  const notTls = () =>
    startScriptedServer(async (peer) => {
      if (await peer.waitForData()) peer.write('500 5.5.1 not TLS here\r\n');
      while ((await peer.readLine()) !== null);
    });
  await against(notTls, async (server) => {
    const { result } = await probeLocal(server, { suite: 'quick', timeoutSeconds: SHORT_TIMEOUT_SECONDS, tlsSniffMs: SNIFF_MS });
    assert.deepEqual(errorCodes(result), ['greeting-timeout']);
    assert.match(infoText(result, 'implicit-tls-not-detected'), /^The TLS check failed \(.+\): this port does not speak TLS from the first byte\. Still waiting for the plain-text greeting\.$/);
    const failedAt = infos(result).find((e) => e.code === 'implicit-tls-not-detected')?.ms ?? Infinity;
    const timedOutAt = result.events.find((e) => e.type === 'error')?.ms ?? -1;
    assert.ok(failedAt < timedOutAt, 'the failure is reported when it happens, the timeout at its deadline');
    assert.equal(result.verdict?.code, 'inconclusive');
  });
});

test('half a greeting that arrives slowly is a slow server, never a TLS candidate', HANG_GUARD, async () => {
  const halfGreeting = () =>
    startScriptedServer(async (peer) => {
      peer.write('220 mx.relay-test.example ES');
      while ((await peer.readLine()) !== null);
    });
  await against(halfGreeting, async (server) => {
    const { result } = await probeLocal(server, { suite: 'quick', timeoutSeconds: SHORT_TIMEOUT_SECONDS, tlsSniffMs: SNIFF_MS });
    assert.deepEqual(errorCodes(result), ['greeting-timeout']);
    assert.ok(reasonsOf(result).includes('tarpit'));
    assert.ok(!infoCodes(result).some((c) => c === 'tls-sniff' || c.startsWith('implicit-tls')), infoCodes(result).join(', '));
    assert.equal(server.connections, 1, 'no TLS check');
  });
});

test('a greeting dribbled one byte at a time, slower than the reply timeout: no TLS check either', HANG_GUARD, async () => {
  await against(
    () => startHostile('one-byte-per-second', { intervalMs: 250 }),
    async (server) => {
      const { result } = await probeLocal(server, { suite: 'quick', timeoutSeconds: SHORT_TIMEOUT_SECONDS, tlsSniffMs: SNIFF_MS });
      assert.deepEqual(errorCodes(result), ['greeting-timeout']);
      assert.ok(!infoCodes(result).includes('tls-sniff'));
      assert.equal(server.connections, 1);
    },
  );
});

test('a plain-text server that greets promptly is never checked', HANG_GUARD, async () => {
  await against(
    () => startProfile('postfix-closed'),
    async (server) => {
      const { result } = await probeLocal(server, { suite: 'quick', timeoutSeconds: LONG_TIMEOUT_SECONDS, tlsSniffMs: SNIFF_MS });
      assert.equal(result.verdict?.code, 'closed');
      assert.ok(!infoCodes(result).includes('tls-sniff'));
      assert.equal(server.connections, result.session?.connections);
    },
  );
});
