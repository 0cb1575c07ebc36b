// A domain test against real mail servers (issue 9): Postfix closed on 127.0.1.1 and Postfix open
// on 127.0.1.2, both on port 25 as MX hosts are, behind a dnsmasq on loopback serving the test
// zones (STACK.md fact 9), probed through the relayprobe CLI and the HTTP API of the built server.
// The backup MX is the open relay, the primary is closed, the domain is "Open relay", exit 2.
// Needs root (port 25, the daemons) and the packages of scripts/ensure-mtas.sh.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultDocument, schemaErrors } from '@relayprobe/contracts';
import { startServerProcess, type ServingProcess } from '../../../apps/server/test/helpers/server-process.js';
import { labInstance } from '../src/instances.js';
import { startLab, startZoneDns, type Lab, type LabZone } from '../src/lab.js';
import { runApiBody, runCliTarget } from './lab-runner.js';

const SOURCE = '127.0.0.2';
const fifty = Array.from({ length: 50 }, (_, i) => ({ domain: 'many.example.test', exchange: `mx${i + 1}.many.example.test`, preference: i + 1 }));
const ZONE: LabZone = {
  domains: ['example.test'],
  mx: [
    { domain: 'example.test', exchange: 'mx1.example.test', preference: 10 },
    { domain: 'example.test', exchange: 'mx2.example.test', preference: 20 },
    { domain: 'mixed.example.test', exchange: 'mx1.example.test', preference: 10 },
    { domain: 'mixed.example.test', exchange: 'inside.example.test', preference: 20 },
    { domain: 'mixed.example.test', exchange: 'ghost.example.test', preference: 30 },
    { domain: 'nullmx.example.test', exchange: '.', preference: 0 },
    ...fifty,
  ],
  hosts: [
    { name: 'mx1.example.test', addresses: ['127.0.1.1'] },
    { name: 'mx2.example.test', addresses: ['127.0.1.2'] },
    { name: 'inside.example.test', addresses: ['10.0.0.5'] },
    { name: 'nullmx.example.test', addresses: ['127.0.1.1'] },
    { name: 'implicit.example.test', addresses: ['127.0.1.2'] },
    // Nothing listens on 127.0.5.N: each session ends at once with "connection refused".
    ...fifty.map((m, i) => ({ name: m.exchange, addresses: [`127.0.5.${i + 1}`] })),
  ],
};

let lab: Lab;
let dns: Awaited<ReturnType<typeof startZoneDns>>;
let api: ServingProcess;
const dataDir = mkdtempSync(join(tmpdir(), 'relayprobe-domain-lab-'));
const dnsServer = () => `${dns.host}:${dns.port}`;

before(async () => {
  if (process.getuid?.() !== 0) throw new Error('The real-MTA lab needs root (port 25 and the daemons): run it as root.');
  lab = await startLab();
  dns = await startZoneDns(ZONE);
  // The MX hosts of example.test: each calls itself by its MX name and receives mail for example.test.
  await lab.start(labInstance('postfix-closed'), { host: '127.0.1.1', port: 25, hostname: 'mx1.example.test', localDomain: 'example.test' });
  await lab.start(labInstance('postfix-open'), { host: '127.0.1.2', port: 25, hostname: 'mx2.example.test', localDomain: 'example.test' });
  api = await startServerProcess({
    RELAYPROBE_DATA_DIR: dataDir,
    RELAYPROBE_ALLOW_TARGETS: '127.0.0.0/8',
    RELAYPROBE_PORTS: '25',
    RELAYPROBE_SOURCE_ADDRESS: SOURCE,
    RELAYPROBE_HELO_NAME: 'prober.relayprobe-lab.test',
    RELAYPROBE_TIMEOUT: '10',
    RELAYPROBE_GREYLIST_WAIT: '30',
    RELAYPROBE_DNS_SERVERS: dnsServer(),
    RELAYPROBE_RATE_LIMIT: '100000',
    RELAYPROBE_TARGET_HOURLY_LIMIT: '100000',
    RELAYPROBE_LOG_LEVEL: 'warn',
  });
});

after(async () => {
  await api?.stop();
  await dns?.stop();
  await lab?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function checkTwoMx(result: ResultDocument, where: string): void {
  assert.deepEqual(schemaErrors(ResultDocument, result), [], where);
  assert.deepEqual(
    result.servers?.map((s) => [s.server, s.preference, s.host, s.address, s.verdict?.code]),
    [
      [1, 10, 'mx1.example.test', '127.0.1.1', 'closed'],
      [2, 20, 'mx2.example.test', '127.0.1.2', 'open'],
    ],
    where,
  );
  assert.equal(result.verdict?.code, 'open', where);
  assert.equal(result.verdict?.label, 'Open relay', where);
  assert.match(result.verdict?.summary ?? '', /^mx2\.example\.test \(127\.0\.1\.2\) is an open relay; mx1\.example\.test \(127\.0\.1\.1\) is not an open relay\.$/, where);
  assert.ok(
    result.servers?.[1]?.vectors.some((v) => v.key === 'R01' && v.outcome === 'accepted'),
    where,
  );
  assert.ok(
    result.servers?.[0]?.vectors.filter((v) => v.weight !== 'control').every((v) => v.outcome !== 'accepted'),
    where,
  );
}

test('CLI: relayprobe example.test --dns-server: the backup MX is open, the primary closed, the domain "Open relay", exit 2', async () => {
  const run = await runCliTarget('example.test', 25, { source: SOURCE, dnsServer: dnsServer() });
  assert.equal(run.exitCode, 2, run.stderr);
  checkTwoMx(run.result, 'CLI');
});

test('API: the same domain, the same servers and verdicts', async () => {
  const { result } = await runApiBody(api.base, { target: 'example.test', port: 25 });
  checkTwoMx(result, 'API');
});

test('API: an MX the policy refuses and an MX that does not resolve are listed; the one allowed MX is tested', async () => {
  const { result } = await runApiBody(api.base, { target: 'mixed.example.test', port: 25, suite: 'quick' });
  assert.deepEqual(
    result.servers?.map((s) => [s.host, s.status, s.notTested?.code, s.verdict?.code]),
    [
      ['mx1.example.test', 'done', undefined, 'closed'],
      ['inside.example.test', 'not-tested', 'address-refused', undefined],
      ['ghost.example.test', 'not-tested', 'host-not-resolved', undefined],
    ],
  );
  assert.equal(result.verdict?.code, 'closed');
});

test('CLI: a null MX is unreachable (exit 5), a name without MX a single-server test, 50 MX records bounded', async () => {
  const nullMx = await runCliTarget('nullmx.example.test', 25, { source: SOURCE, dnsServer: dnsServer() });
  assert.equal(nullMx.exitCode, 5);
  assert.equal(nullMx.result.verdict?.reasons[0]?.code, 'null-mx');
  const implicit = await runCliTarget('implicit.example.test', 25, { source: SOURCE, dnsServer: dnsServer(), args: ['--suite', 'quick'] });
  assert.equal(implicit.result.servers, undefined);
  assert.equal(implicit.result.session?.address, '127.0.1.2');
  const many = await runCliTarget('many.example.test', 25, { source: SOURCE, dnsServer: dnsServer() });
  assert.equal(many.exitCode, 5);
  assert.equal(many.result.servers?.length, 10);
  assert.ok(many.result.servers?.every((s) => s.verdict?.code === 'unreachable'));
  assert.match(many.result.verdict?.summary ?? '', /40 more MX hosts were not looked up/);
});
