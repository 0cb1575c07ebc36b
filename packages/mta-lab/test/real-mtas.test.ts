// The verdict on real mail servers: Debian's Postfix, Exim and OpenSMTPD, started on loopback by
// the lab (src/lab.ts), probed through the relayprobe CLI and through the HTTP API of the built
// server, from the source addresses of EXPECTED.md, whose rows say what each run must yield.
// Needs root and the packages of scripts/ensure-mtas.sh (npm test installs them).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResultDocument } from '@relayprobe/contracts';
import { startServerProcess, type ServingProcess } from '../../../apps/server/test/helpers/server-process.js';
import { LAB_INSTANCES, labInstance } from '../src/instances.js';
import { reverseNameOf, startLab, type Lab, type RunningInstance } from '../src/lab.js';
import { readExpected, type ExpectedRun } from '../src/expected.js';
import { apiBody, LAB_HELO, runApi, runCli } from './lab-runner.js';

const EXPECTED = readExpected();
/** The HELO name a row uses: its --helo flag, else the lab's. */
const heloOf = (row: ExpectedRun) => row.flags[row.flags.indexOf('--helo') + 1] ?? LAB_HELO;
const serverKey = (row: ExpectedRun) => `${row.from}|${row.flags.includes('--helo') ? heloOf(row) : LAB_HELO}`;
const SERVER_KEYS = [...new Set(EXPECTED.map(serverKey))];
// The standard suite's relay vectors, which "all" stands for.
const STANDARD = ['R01', 'R02', 'R03', 'R04', 'R05', 'R06', 'R07', 'R09', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15', 'R17', 'R18', 'R19', 'R20', 'R21'];
const EXIT_FOR: Record<string, number> = { closed: 0, open: 2, 'accepts-all': 3, suspicious: 3, inconclusive: 4, unreachable: 5 };

let lab: Lab;
const shared = new Map<string, Promise<RunningInstance>>();
const servers = new Map<string, ServingProcess>();
const dataDirs: string[] = [];

before(async () => {
  // Postfix, Exim and OpenSMTPD start as root and drop privileges themselves.
  if (process.getuid?.() !== 0) throw new Error('The real-MTA lab needs root: run npm test as root (CI does), or skip nothing and use a root shell.');
  lab = await startLab();
  // One API server per source address and HELO name: both are server-wide settings.
  await Promise.all(
    SERVER_KEYS.map(async (key) => {
      const [source, helo] = key.split('|') as [string, string];
      const dataDir = mkdtempSync(join(tmpdir(), 'relayprobe-lab-api-'));
      dataDirs.push(dataDir);
      servers.set(
        key,
        await startServerProcess({
          RELAYPROBE_DATA_DIR: dataDir,
          RELAYPROBE_ALLOW_TARGETS: '127.0.0.0/8',
          RELAYPROBE_PORTS: '1-65535',
          RELAYPROBE_SOURCE_ADDRESS: source,
          RELAYPROBE_HELO_NAME: helo,
          RELAYPROBE_TIMEOUT: '10',
          RELAYPROBE_GREYLIST_WAIT: '30',
          RELAYPROBE_DNS_SERVERS: `${lab.dns.host}:${lab.dns.port}`,
          RELAYPROBE_RATE_LIMIT: '100000',
          RELAYPROBE_TARGET_HOURLY_LIMIT: '100000',
          RELAYPROBE_LOG_LEVEL: 'warn',
        }),
      );
    }),
  );
});

after(async () => {
  await Promise.all([...servers.values()].map((s) => s.stop()));
  await lab?.stop();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/** The running instance for a row: shared by the rows of a stateless instance, new for a fresh one. */
async function instanceFor(row: ExpectedRun): Promise<{ running: RunningInstance; done: () => Promise<void> }> {
  const instance = labInstance(row.instance);
  if (instance.fresh) {
    const running = await lab.start(instance);
    return { running, done: () => running.stop() };
  }
  let started = shared.get(instance.id);
  if (!started) {
    started = lab.start(instance);
    shared.set(instance.id, started);
  }
  return { running: await started, done: async () => {} };
}

// The service runs one probe per target address at a time (SECURITY.md §4) and answers 429
// target-busy to a second: API runs against one shared instance through one server take turns.
const turns = new Map<string, Promise<unknown>>();
function inTurn<T>(key: string, run: () => Promise<T>): Promise<T> {
  const previous = turns.get(key) ?? Promise.resolve();
  const mine = previous.then(run, run);
  turns.set(
    key,
    mine.catch(() => undefined),
  );
  return mine;
}

const accepted = (result: ResultDocument) =>
  result.vectors
    .filter((v) => v.outcome === 'accepted')
    .map((v) => v.key)
    .sort();
const expand = (keys: readonly string[]) => keys.flatMap((k) => (k === 'all' ? STANDARD : [k])).sort();

/** What every result must satisfy, whatever the server: each evidence row's outcome matches its reply. */
function checkEvidence(result: ResultDocument, where: string): void {
  for (const v of result.vectors) {
    if (v.outcome === 'not-run') assert.equal(v.reply, undefined, `${where}: ${v.key} is "not run" but carries the reply ${v.reply?.code} ${v.reply?.text}`);
    if (v.outcome === 'accepted') assert.ok(v.reply && v.reply.code >= 200 && v.reply.code < 300, `${where}: ${v.key} accepted without a 2xx reply`);
    if (['relay-denied', 'denied', 'auth-required', 'domain-refused', 'deferred', 'sender-refused'].includes(v.outcome)) {
      assert.ok(v.reply && v.reply.code >= 400, `${where}: ${v.key} is ${v.outcome} without a 4xx/5xx reply`);
    }
  }
}

function checkResult(row: ExpectedRun, result: ResultDocument, where: string, log: string): void {
  const context = `${where}\nverdict: ${JSON.stringify(result.verdict)}\nvectors: ${result.vectors.map((v) => `${v.key}=${v.outcome}${v.reply ? ` (${v.reply.code} ${v.reply.text})` : ''}`).join('\n  ')}\n--- MTA log (tail) ---\n${log.split('\n').slice(-15).join('\n')}`;
  assert.equal(result.verdict?.code, row.verdict, context);
  assert.deepEqual(accepted(result), expand(row.accepted), context);
  const codes = result.verdict?.reasons.map((r) => r.code) ?? [];
  for (const reason of row.reasons) assert.ok(codes.includes(reason), `missing reason ${reason}: ${context}`);
  checkEvidence(result, where);
  // The reverse-DNS name of the address (RELAY-TESTS.md §1), from the lab's DNS server, is one of
  // the names the probe treats as the server's own.
  if (result.session && result.vectors.length > 0) {
    const ptr = reverseNameOf(result.session.address ?? '');
    assert.equal(result.resolution?.addresses[0]?.reverseName, ptr, `${where}: reverse name`);
    assert.ok(result.session.localNames.includes(ptr), `${where}: local names ${result.session.localNames.join(', ')} lack ${ptr}`);
  }
}

async function checkSink(row: ExpectedRun, result: ResultDocument, running: RunningInstance): Promise<void> {
  const mine = (head: string) => head.includes(result.id);
  if (row.sink === 'delivered') {
    const message = await lab.sink.waitFor((m) => mine(m.head), AbortSignal.timeout(30_000));
    assert.ok(message.rcptTo.length > 0);
  } else if (row.sink === 'none') {
    // Accept-then-bounce: wait for the MTA to log the bounce (a state), then nothing may have arrived.
    await untilLogged(running.logFile, /returned to sender/);
    assert.equal(lab.sink.messages.filter((m) => mine(m.head)).length, 0, 'the message must not have been delivered');
  }
}

async function untilLogged(file: string, pattern: RegExp): Promise<void> {
  const bound = Date.now() + 30_000;
  while (!pattern.test(readFileSync(file, 'utf8'))) {
    if (Date.now() > bound) throw new Error(`${file} never logged ${pattern}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('EXPECTED.md names every lab instance, and only those', () => {
  const named = new Set(EXPECTED.map((r) => r.instance));
  for (const instance of LAB_INSTANCES) assert.ok(named.has(instance.id), `${instance.id} has no row in EXPECTED.md`);
  for (const id of named) labInstance(id);
});

test('every row of EXPECTED.md, through the CLI and through the API', { concurrency: 4 }, async (t) => {
  await Promise.all(
    EXPECTED.flatMap((row) => [
      t.test(`${row.name} (CLI)`, async () => {
        const { running, done } = await instanceFor(row);
        try {
          const run = await runCli(running, { source: row.from, args: row.flags, dnsServer: `${lab.dns.host}:${lab.dns.port}` });
          checkResult(row, run.result, `CLI ${row.name}`, readFileSync(running.logFile, 'utf8'));
          assert.equal(run.exitCode, EXIT_FOR[row.verdict], `exit status of ${row.name}`);
          await checkSink(row, run.result, running);
        } finally {
          await done();
        }
      }),
      t.test(`${row.name} (API)`, async () => {
        const { running, done } = await instanceFor(row);
        try {
          const server = servers.get(serverKey(row));
          assert.ok(server);
          const run = await inTurn(`${serverKey(row)} ${running.host}`, () => runApi(server.base, running, apiBody(row.flags)));
          assert.equal(run.result.status, 'complete');
          checkResult(row, run.result, `API ${row.name}`, readFileSync(running.logFile, 'utf8'));
          await checkSink(row, run.result, running);
        } finally {
          await done();
        }
      }),
    ]),
  );
});
