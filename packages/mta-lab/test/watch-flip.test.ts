// Watches against a real Postfix (issue 14, "Tests (real parts)"): a watch on a lab instance whose
// main.cf the test flips from closed to open (edit, `postfix reload`), through the built server's
// API. "Run now" after the flip sends exactly one alert per channel: a signed JSON webhook and a
// Slack-format message to receivers on loopback, and an e-mail through another real Postfix (the
// operator's relay, RELAYPROBE_ALERT_SMTP_URL) into the lab's sink, each with the old and new
// verdicts; an unchanged run sends none; flipping back sends one recovery alert each.
// Needs root and the packages of scripts/ensure-mtas.sh, like real-mtas.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WatchAlertPayload, WatchDocument } from '@relayprobe/contracts';
import { startServerProcess, type ServingProcess } from '../../../apps/server/test/helpers/server-process.js';
import { api, startWebhookReceiver, validSignature, type WebhookReceiver } from '../../../apps/server/test/helpers/watch-fixtures.js';
import { labInstance } from '../src/instances.js';
import { startLab, type Lab, type RunningInstance } from '../src/lab.js';
import { reconfigurePostfix } from '../src/postfix-reload.js';
import { LAB_HELO } from './lab-runner.js';

const SECRET = 'lab-flip-webhook-secret';
const ALERTS_TO = 'alerts@relayprobe-alerts.test';
/** The lab's stock closed Postfix trusts no lab client; this makes every client "my network". */
const OPEN = 'mynetworks = 0.0.0.0/0';
const CLOSED = 'mynetworks = 127.0.9.9/32';

let lab: Lab;
let target: RunningInstance;
let server: ServingProcess;
let receiver: WebhookReceiver;
let watchId: string;
const dataDir = mkdtempSync(join(tmpdir(), 'relayprobe-lab-watch-'));

before(async () => {
  if (process.getuid?.() !== 0) throw new Error('The real-MTA lab needs root: run npm test as root (CI does).');
  lab = await startLab();
  receiver = await startWebhookReceiver();
  // The watched server, and the operator's mail relay for e-mail alerts (it relays to the sink).
  const [watched, relay] = await Promise.all([lab.start({ ...labInstance('postfix-closed'), fresh: true }), lab.start(labInstance('postfix-open'))]);
  target = watched;
  server = await startServerProcess({
    RELAYPROBE_DATA_DIR: dataDir,
    RELAYPROBE_ALLOW_TARGETS: '127.0.0.0/8',
    RELAYPROBE_PORTS: '1-65535',
    RELAYPROBE_SOURCE_ADDRESS: '127.0.0.2',
    RELAYPROBE_HELO_NAME: LAB_HELO,
    RELAYPROBE_TIMEOUT: '10',
    RELAYPROBE_GREYLIST_WAIT: '0',
    RELAYPROBE_DNS_SERVERS: `${lab.dns.host}:${lab.dns.port}`,
    RELAYPROBE_RATE_LIMIT: '100000',
    RELAYPROBE_TARGET_HOURLY_LIMIT: '100000',
    RELAYPROBE_LOG_LEVEL: 'warn',
    RELAYPROBE_ALLOW_WEBHOOKS: '127.0.0.0/8',
    RELAYPROBE_ALERT_SMTP_URL: `smtp://${relay.host}:${relay.port}`,
    RELAYPROBE_ALERT_FROM: 'relayprobe@relayprobe-lab.test',
    RELAYPROBE_WATCH_MIN_INTERVAL: '1',
    RELAYPROBE_PUBLIC_URL: 'http://relayprobe.lab.test',
  });
  const created = await api(server.base, 'POST', '/api/v1/watches', {
    target: target.host,
    port: target.port,
    suite: 'quick',
    intervalMinutes: 1440,
    alerts: [
      { type: 'webhook', url: `${receiver.base}/hook`, secret: SECRET },
      { type: 'slack', url: `${receiver.base}/slack/T0/B0/x` },
      { type: 'email', to: ALERTS_TO },
    ],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  watchId = created.body.id as string;
});

after(async () => {
  await server?.stop();
  await receiver?.close();
  await lab?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const getWatch = async (): Promise<WatchDocument> => (await api(server.base, 'GET', `/api/v1/watches/${watchId}`)).body as WatchDocument;

/** Wait for a state of the watch (bounded). */
async function untilWatch(what: string, ok: (w: WatchDocument) => boolean): Promise<WatchDocument> {
  const bound = Date.now() + 60_000;
  for (;;) {
    const watch = await getWatch();
    if (ok(watch)) return watch;
    if (Date.now() > bound) throw new Error(`${what}: the watch is still ${JSON.stringify(watch, null, 1).slice(0, 1500)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** "Run now", then wait until the run has been evaluated and every delivery it caused is settled. */
async function runNow(): Promise<{ probeId: string; watch: WatchDocument }> {
  const started = await api(server.base, 'POST', `/api/v1/watches/${watchId}/run`);
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const probeId = started.body.probeId as string;
  const watch = await untilWatch(`run ${probeId}`, (w) => w.state.probeId === probeId && w.runningProbeId === undefined && w.deliveries.every((d) => d.status !== 'pending'));
  return { probeId, watch };
}

const hooks = () => receiver.requests.filter((r) => r.url === '/hook');
const slacks = () => receiver.requests.filter((r) => r.url.startsWith('/slack/'));
const mails = () => lab.sink.messages.filter((m) => m.rcptTo.includes(ALERTS_TO));
/** A message's head with folded header lines unfolded (RFC 5322 §2.2.3). */
const unfolded = (head: string) => head.replace(/\r?\n[ \t]+/g, ' ');

function checkWebhook(index: number, from: string, to: string, probeId: string): void {
  const hook = hooks()[index];
  assert.ok(hook, `webhook ${index}`);
  assert.ok(validSignature(hook.body, hook.headers['x-relayprobe-signature'], SECRET), 'X-Relayprobe-Signature: sha256=HMAC of the body');
  const payload = JSON.parse(hook.body) as WatchAlertPayload;
  assert.equal(payload.watch.id, watchId);
  assert.deepEqual([payload.previous.verdict.code, payload.current.verdict.code], [from, to]);
  assert.equal(payload.probeId, probeId);
  assert.equal(payload.resultUrl, `http://relayprobe.lab.test/r/${probeId}`);
}

test('closed: the first run is the baseline and alerts nothing', async () => {
  const { watch } = await runNow();
  assert.equal(watch.state.verdict?.code, 'closed', JSON.stringify(watch.history));
  assert.deepEqual([hooks().length, slacks().length, mails().length, watch.deliveries.length], [0, 0, 0, 0]);
});

test('flipped open (main.cf edited, postfix reload): one webhook, one Slack message, one e-mail, with old and new verdicts', async () => {
  await reconfigurePostfix(target, OPEN);
  const { probeId, watch } = await runNow();
  assert.equal(watch.state.verdict?.code, 'open', JSON.stringify(watch.history));
  assert.deepEqual(watch.deliveries.map((d) => [d.type, d.status]).sort(), [
    ['email', 'delivered'],
    ['slack', 'delivered'],
    ['webhook', 'delivered'],
  ]);
  assert.equal(hooks().length, 1);
  checkWebhook(0, 'closed', 'open', probeId);
  assert.equal(slacks().length, 1);
  assert.match(JSON.parse(slacks()[0]?.body ?? '{}').text, /Open relay \(was Not an open relay\)/);
  const mail = await lab.sink.waitFor((m) => m.rcptTo.includes(ALERTS_TO), AbortSignal.timeout(30_000));
  assert.match(unfolded(mail.head), /Subject: relayprobe: 127\.1\.\d+\.\d+ port \d+: Open relay \(was Not an open relay\)/);
  assert.ok(mail.head.includes(`/r/${probeId}`), 'the e-mail links the result');
  assert.equal(mails().length, 1);
});

test('open again: an unchanged run sends nothing', async () => {
  const { watch } = await runNow();
  assert.equal(watch.state.verdict?.code, 'open');
  assert.equal(watch.deliveries.length, 3);
  assert.deepEqual([hooks().length, slacks().length, mails().length], [1, 1, 1]);
});

test('flipped back closed: one recovery alert on each channel', async () => {
  await reconfigurePostfix(target, CLOSED);
  const { probeId, watch } = await runNow();
  assert.equal(watch.state.verdict?.code, 'closed');
  assert.equal(watch.deliveries.length, 6);
  assert.equal(hooks().length, 2);
  checkWebhook(1, 'open', 'closed', probeId);
  assert.equal(slacks().length, 2);
  await lab.sink.waitFor((m) => m.rcptTo.includes(ALERTS_TO) && /Not an open relay \(was Open relay\)/.test(unfolded(m.head)), AbortSignal.timeout(30_000));
  assert.equal(mails().length, 2);
  assert.deepEqual(
    watch.history.map((r) => r.verdict?.code),
    ['closed', 'open', 'open', 'closed'],
  );
});
