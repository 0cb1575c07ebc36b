// What an operator sees (issue 8, item 9; SECURITY.md §1 and §4): GET /metrics through
// prom-client, with the default process and event-loop metrics next to the relayprobe_* series
// the server always exported (same names, types, labels and help texts), one registry per app;
// a JSON log line when a probe is accepted and when it finishes; a line whenever an address is
// allowed only because of RELAYPROBE_ALLOW_TARGETS; and text fields in the log escaped and capped.
// Servers are real (loopback, port 0), targets testkit fakes, logs read from the pino stream.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProfile, type ServerHandle } from '@relayprobe/testkit';
import { createAddressPolicy, prepareProbe, type DnsResolver } from '@relayprobe/probe';
import { postProbe, startTestServer, waitForResult, type TestServer } from './helpers/server-under-test.js';
import { metricValue } from './helpers/api-reading.js';
import { readFileSync } from 'node:fs';
import { allowlistedAddresses } from '../src/probes/probe-log.js';
import { Metrics } from '../src/metrics.js';
import { registerWatchMetrics } from '../src/watches/watch-metrics.js';
import { LOG_FIELD_MAX, logText } from '../src/log-text.js';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});
const target = async (handle: Promise<ServerHandle>) => {
  const t = await handle;
  cleanups.push(() => t.close());
  return t;
};

type LogLine = Record<string, unknown> & { msg: string; level: number };

/** A server at log level info whose JSON lines are kept, raw and parsed. */
async function loggingServer(env: Record<string, string | undefined> = {}, resolver?: DnsResolver): Promise<{ s: TestServer; raw: string[]; lines: () => LogLine[] }> {
  const raw: string[] = [];
  const s = await startTestServer({ RELAYPROBE_LOG_LEVEL: 'info', ...env }, { logStream: { write: (line) => void raw.push(line) }, ...(resolver ? { resolver } : {}) });
  cleanups.push(() => s.close());
  return { s, raw, lines: () => raw.map((line) => JSON.parse(line) as LogLine) };
}

const linesOf = (lines: LogLine[], msg: string, probe: string) => lines.filter((l) => l.msg === msg && l.probe === probe);

/** Start a probe that must be accepted. */
async function started(s: TestServer, body: Record<string, unknown>): Promise<string> {
  const created = await postProbe(s.base, body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id as string;
}

async function scrape(s: TestServer): Promise<string> {
  const response = await fetch(`${s.base}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return response.text();
}

/** The relayprobe_* families as exposed before prom-client: names, types and help texts dashboards rely on. */
const RELAYPROBE_FAMILIES: [name: string, type: string, help: string][] = [
  ['relayprobe_probes_started_total', 'counter', 'Probes accepted for running.'],
  ['relayprobe_probes_finished_total', 'counter', 'Probes finished, by verdict (or interrupted).'],
  ['relayprobe_probe_duration_seconds', 'histogram', 'Wall time of finished probes.'],
  ['relayprobe_probes_running', 'gauge', 'Probes running now.'],
  ['relayprobe_probe_queue_length', 'gauge', 'Probes waiting to run.'],
];
const WATCH_FAMILIES = [
  ['relayprobe_watch_verdict', 'gauge'],
  ['relayprobe_watch_last_run_timestamp_seconds', 'gauge'],
  ['relayprobe_watch_certificate_days_left', 'gauge'],
];
const BUCKETS = ['1', '2', '5', '10', '20', '30', '60', '120', '300', '600', '+Inf'];

test('/metrics: default process and event-loop metrics beside the relayprobe series, whose values follow the probes; one registry per app', async () => {
  const { s, lines } = await loggingServer();
  const other = await startTestServer();
  cleanups.push(() => other.close());

  const idle = await scrape(s);
  for (const [name, type, help] of RELAYPROBE_FAMILIES) {
    assert.match(idle, new RegExp(`^# HELP ${name} ${help.replace(/[.()]/g, '\\$&')}$`, 'm'), `${name} help`);
    assert.match(idle, new RegExp(`^# TYPE ${name} ${type}$`, 'm'), `${name} type`);
  }
  assert.equal(metricValue(idle, 'relayprobe_probes_started_total'), 0);
  assert.equal(metricValue(idle, 'relayprobe_probe_duration_seconds_count'), 0);
  assert.ok(!/^relayprobe_probes_finished_total\{/m.test(idle), 'no verdict series before a probe finished');
  for (const [name, type] of [
    ['process_cpu_user_seconds_total', 'counter'],
    ['process_resident_memory_bytes', 'gauge'],
    ['nodejs_eventloop_lag_seconds', 'gauge'],
    ['nodejs_eventloop_lag_p99_seconds', 'gauge'],
    ['nodejs_heap_size_used_bytes', 'gauge'],
  ] as const) {
    assert.match(idle, new RegExp(`^# TYPE ${name} ${type}$`, 'm'), name);
    const value = metricValue(idle, name);
    assert.ok(value !== undefined && Number.isFinite(value) && value >= 0, `${name} = ${value}`);
  }
  assert.ok((metricValue(idle, 'process_cpu_user_seconds_total') ?? 0) > 0);
  const families = [...idle.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]);
  assert.deepEqual(families, [...new Set(families)], 'each family exposed once');

  const closed = await target(startProfile('postfix-closed'));
  const open = await target(startProfile('open-relay'));
  const ids = [await started(s, { target: '127.0.0.1', port: closed.port, suite: 'quick' })];
  assert.equal((await waitForResult(s.base, ids[0] as string)).verdict?.code, 'closed');
  ids.push(await started(s, { target: '127.0.0.1', port: open.port, suite: 'quick' }));
  assert.equal((await waitForResult(s.base, ids[1] as string)).verdict?.code, 'open');

  const done = await scrape(s);
  assert.equal(metricValue(done, 'relayprobe_probes_started_total'), 2);
  assert.equal(metricValue(done, 'relayprobe_probes_finished_total{verdict="closed"}'), 1);
  assert.equal(metricValue(done, 'relayprobe_probes_finished_total{verdict="open"}'), 1);
  assert.equal(metricValue(done, 'relayprobe_probes_running'), 0);
  assert.equal(metricValue(done, 'relayprobe_probe_queue_length'), 0);
  assert.deepEqual(
    BUCKETS.map((le) => metricValue(done, `relayprobe_probe_duration_seconds_bucket{le="${le}"}`) !== undefined),
    BUCKETS.map(() => true),
    'the same buckets',
  );
  assert.equal(metricValue(done, 'relayprobe_probe_duration_seconds_bucket{le="+Inf"}'), 2);
  assert.equal(metricValue(done, 'relayprobe_probe_duration_seconds_count'), 2);
  // The histogram and the finish lines measure the same span (acceptance to final commit).
  const loggedMs = ids.map((id) => linesOf(lines(), 'probe finished', id)[0]?.durationMs as number);
  const sum = metricValue(done, 'relayprobe_probe_duration_seconds_sum') ?? 0;
  assert.ok(Math.abs(sum * 1000 - (loggedMs[0] ?? NaN) - (loggedMs[1] ?? NaN)) <= 2, `sum ${sum} s, logged ${loggedMs.join(' + ')} ms`);

  const elsewhere = await scrape(other);
  assert.equal(metricValue(elsewhere, 'relayprobe_probes_started_total'), 0, 'another app in the process counts its own probes');
  assert.ok(!/^relayprobe_probes_finished_total\{/m.test(elsewhere));
  assert.ok(metricValue(elsewhere, 'process_cpu_user_seconds_total') !== undefined, 'and has the process metrics too');
});

test('logs: one line when a probe is accepted and one when it finishes, with its id, target, port, suite, verdict, status and duration; the allowlist line for a loopback target', async () => {
  const { s, lines } = await loggingServer();
  const closed = await target(startProfile('postfix-closed'));
  const id = await started(s, { target: '127.0.0.1', port: closed.port, suite: 'quick' });
  const doc = await waitForResult(s.base, id);

  const [start, ...moreStarts] = linesOf(lines(), 'probe started', id);
  assert.equal(moreStarts.length, 0);
  assert.deepEqual(
    { ...start, time: 0, pid: 0, hostname: '' },
    {
      level: 30,
      time: 0,
      pid: 0,
      hostname: '',
      msg: 'probe started',
      probe: id,
      target: '127.0.0.1',
      port: closed.port,
      suite: 'quick',
      queued: false,
    },
  );
  const [finish, ...moreFinishes] = linesOf(lines(), 'probe finished', id);
  assert.equal(moreFinishes.length, 0);
  const durationMs = finish?.durationMs;
  assert.ok(Number.isInteger(durationMs) && (durationMs as number) >= (doc.durationMs ?? 0) - 1, `logged ${durationMs} ms, the probe ran ${doc.durationMs} ms`);
  assert.deepEqual(
    { ...finish, time: 0, pid: 0, hostname: '', durationMs: 0 },
    {
      level: 30,
      time: 0,
      pid: 0,
      hostname: '',
      msg: 'probe finished',
      probe: id,
      target: '127.0.0.1',
      port: closed.port,
      suite: 'quick',
      status: 'complete',
      verdict: 'closed',
      durationMs: 0,
    },
  );

  // 127.0.0.1 is loopback: only RELAYPROBE_ALLOW_TARGETS=127.0.0.0/8 (the test servers' setting) lets it through.
  const allowed = linesOf(lines(), 'address allowed only by RELAYPROBE_ALLOW_TARGETS', id);
  assert.equal(allowed.length, 1);
  assert.deepEqual(
    { ...allowed[0], time: 0, pid: 0, hostname: '' },
    {
      level: 30,
      time: 0,
      pid: 0,
      hostname: '',
      msg: 'address allowed only by RELAYPROBE_ALLOW_TARGETS',
      probe: id,
      target: '127.0.0.1',
      port: closed.port,
      suite: 'quick',
      addresses: ['127.0.0.1'],
    },
  );
  const order = lines()
    .filter((l) => l.probe === id)
    .map((l) => l.msg);
  assert.deepEqual(order, ['address allowed only by RELAYPROBE_ALLOW_TARGETS', 'probe started', 'probe finished']);
});

// A public address needs no allowlist: checked without any connection by the unit test of
// allowlistedAddresses below (an integration test would have to hold a probe of a public address
// in the queue, one scheduling change away from connecting to it).

test('logs: a name with no address needs no allowlist either; its lines say unreachable', async () => {
  const { s, lines } = await loggingServer();
  const id = await started(s, { target: 'nowhere.example', port: 2525, suite: 'quick' });
  assert.equal((await waitForResult(s.base, id)).verdict?.code, 'unreachable');
  assert.equal(linesOf(lines(), 'address allowed only by RELAYPROBE_ALLOW_TARGETS', id).length, 0);
  assert.equal(linesOf(lines(), 'probe started', id).length, 1);
  assert.equal(linesOf(lines(), 'probe finished', id)[0]?.verdict, 'unreachable');
});

// Raw controls, C1 controls, line separators and bidi overrides/isolates: what must never reach a log reader.
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

test('logs: text fields are escaped and capped by the logger; a target with control characters is refused before any probe line', async () => {
  const { s, raw, lines } = await loggingServer();
  const hostile = `mx.example.com\u001b[31m\u202egnp.exe\u2028\u0085\u0000${'x'.repeat(2000)}`;
  const refused = await postProbe(s.base, { target: hostile, port: 2525, suite: 'quick' });
  assert.equal(refused.status, 400);
  assert.ok(!lines().some((l) => l.msg === 'probe started'), 'no probe was accepted');

  // A field with that text, through the app's own logger (as the probe lines are written).
  s.app.log.info({ probe: 'p', target: hostile, port: 2525, suite: 'quick' }, 'probe started');
  const line = raw.at(-1) as string;
  assert.ok(line.endsWith('\n'));
  assert.doesNotMatch(line.slice(0, -1), RAW_CONTROL, 'nothing raw in the JSON text');
  const written = JSON.parse(line) as LogLine;
  assert.doesNotMatch(String(written.target), RAW_CONTROL, 'nor in the parsed field');
  assert.equal(written.target, logText(hostile));
  assert.ok(String(written.target).startsWith('mx.example.com\\e[31m\\u202egnp.exe\\u2028\\x85\\x00x'), String(written.target).slice(0, 60));
  assert.equal(String(written.target).length, LOG_FIELD_MAX + 1, 'capped, with "…" marking the cut');
  assert.ok(String(written.target).endsWith('…'));
  assert.equal(written.port, 2525, 'numbers are left alone');
  for (const entry of raw) assert.doesNotMatch(entry.slice(0, -1), RAW_CONTROL);
});

test('logText: short text unchanged, escapes counted in the cap, never half a surrogate pair', () => {
  assert.equal(logText('mx.example.com'), 'mx.example.com');
  assert.equal(logText('a\u001bb', 4), 'a\\eb');
  assert.equal(logText('a\u001bbc', 4), 'a\\eb…');
  assert.equal(logText('abc😀', 4), 'abc…', 'the emoji would be cut in half: dropped whole');
  assert.equal(logText('ab😀c', 4), 'ab😀…');
});

test('allowlistedAddresses: of a name answering a public and a loopback address, only the loopback one needs the allowlist', async () => {
  const policy = createAddressPolicy({ allowPrivate: false, allowCidrs: ['127.0.0.0/8'] });
  assert.ok(policy.ok);
  const resolver: DnsResolver = {
    resolveMx: () => Promise.reject(Object.assign(new Error('no data'), { code: 'ENODATA' })),
    resolve4: (name) => Promise.resolve(name === 'mixed.test' ? ['8.8.8.8', '127.0.0.2'] : ['8.8.4.4']),
    resolve6: () => Promise.reject(Object.assign(new Error('no data'), { code: 'ENODATA' })),
  };
  const prepare = (name: string) => prepareProbe({ target: name, port: 25, helo: 'prober.relayprobe.test', resolver, allowPrivate: false, allowCidrs: ['127.0.0.0/8'] });
  const mixed = await prepare('mixed.test');
  assert.ok(mixed.ok, mixed.ok ? '' : mixed.message);
  assert.deepEqual(allowlistedAddresses(mixed.probe.resolution, policy.policy), ['127.0.0.2']);
  const plain = await prepare('public.test');
  assert.ok(plain.ok);
  assert.deepEqual(allowlistedAddresses(plain.probe.resolution, policy.policy), []);
});

test('docs/self-hosting.md lists every relayprobe_* family /metrics exposes, and the probe log lines', async () => {
  const doc = readFileSync(new URL('../../../docs/self-hosting.md', import.meta.url), 'utf8');
  // An app's metrics: the probe families, then the per-watch gauges (watches/watch-metrics.ts).
  const metrics = new Metrics();
  registerWatchMetrics(metrics, () => []);
  const exposed = [...(await metrics.render()).matchAll(/^# TYPE (relayprobe_\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(exposed, [...RELAYPROBE_FAMILIES.map(([name, type]) => [name, type]), ...WATCH_FAMILIES]);
  const documented = [...doc.matchAll(/^\s*\| `(relayprobe_[a-z_]+)(?:\{[^}]*\})?` \| (\w+) \|/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(documented, exposed);
  for (const msg of ['probe started', 'probe finished', 'address allowed only by RELAYPROBE_ALLOW_TARGETS']) assert.ok(doc.includes(`"msg":"${msg}"`), msg);
});
