// A domain test through the built binary, against a real DNS server on loopback (--dns-server)
// and fake MX hosts on 127.0.2.N: server after server with a header line each, the table of
// servers, the domain's verdict and its exit status; --json holds the domain document.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startDnsServer, startOnSharedPort } from '@relayprobe/testkit';
import { ResultDocument, schemaErrors } from '@relayprobe/contracts';

const BIN = fileURLToPath(new URL('../bin/relayprobe.js', import.meta.url));
const mx = await startOnSharedPort([
  { host: '127.0.2.31', profile: 'postfix-closed' },
  { host: '127.0.2.32', profile: 'open-relay', options: { hostname: 'mx2.cli.test' } },
]);
const dns = await startDnsServer({
  mx: {
    'cli.test': [
      { exchange: 'mx1.cli.test', priority: 10 },
      { exchange: 'mx2.cli.test', priority: 20 },
      { exchange: 'mx3.cli.test', priority: 30 },
    ],
  },
  a: { 'mx1.cli.test': ['127.0.2.31'], 'mx2.cli.test': ['127.0.2.32'] },
});
after(async () => {
  await mx.close();
  await dns.close();
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const flags = ['--dns-server', dns.address, '--port', String(mx.port), '--suite', 'quick', '--timeout', '5', '--helo', 'prober.relayprobe.test', '--greylist-wait', '0'];

test('relayprobe cli.test: each server in turn under its header, then the table, then "Open relay" and exit 2', async () => {
  const { code, stdout, stderr } = await run(['cli.test', ...flags]);
  assert.equal(code, 2, stderr);
  const lines = stdout.split('\n');
  const first = lines.indexOf('=== Server 1 of 3: mx1.cli.test (127.0.2.31), MX preference 10');
  const second = lines.indexOf('=== Server 2 of 3: mx2.cli.test (127.0.2.32), MX preference 20');
  const table = lines.indexOf('=== Servers of cli.test:');
  assert.ok(first > 0 && second > first && table > second, stdout);
  // Each server's transcript is in one piece: server 1's lines name only its address.
  assert.ok(!lines.slice(first, second).some((l) => l.includes('127.0.2.32')), 'server 2 lines inside server 1');
  assert.ok(lines.slice(first, second).some((l) => l.startsWith('=== Verdict: Not an open relay.')));
  assert.ok(lines.slice(second, table).some((l) => l.startsWith('=== Verdict: Open relay.')));
  assert.ok(lines.includes('=== Server 3 not tested: mx3.cli.test does not exist in DNS (NXDOMAIN)'));
  assert.match(lines[table + 1] ?? '', /^ {4}# +MX +host +address +verdict +seconds$/);
  assert.match(lines[table + 2] ?? '', /^ {4}1 +10 +mx1\.cli\.test +127\.0\.2\.31 +Not an open relay +\d+\.\d$/);
  assert.match(lines[table + 3] ?? '', /^ {4}2 +20 +mx2\.cli\.test +127\.0\.2\.32 +Open relay +\d+\.\d$/);
  assert.match(lines[table + 4] ?? '', /^ {4}3 +30 +mx3\.cli\.test +- +not tested: host-not-resolved +-$/);
  assert.equal(lines[table + 5], '=== Verdict: Open relay. mx2.cli.test (127.0.2.32) is an open relay; mx1.cli.test (127.0.2.31) is not an open relay; 1 server was not tested.');
});

test('--json: the domain document, servers inside, exit status the domain verdict’s', async () => {
  const { code, stdout } = await run(['postmaster@cli.test', ...flags, '--json']);
  assert.equal(code, 2);
  const doc = JSON.parse(stdout) as ResultDocument;
  assert.deepEqual(schemaErrors(ResultDocument, doc), []);
  assert.equal(doc.schemaVersion, 2);
  assert.deepEqual(
    doc.servers?.map((s) => [s.host, s.verdict?.code ?? s.notTested?.code]),
    [
      ['mx1.cli.test', 'closed'],
      ['mx2.cli.test', 'open'],
      ['mx3.cli.test', 'host-not-resolved'],
    ],
  );
  assert.equal(doc.verdict?.code, 'open');
});
