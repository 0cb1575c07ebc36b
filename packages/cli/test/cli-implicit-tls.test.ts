// The bug as a user met it: `relayprobe HOST --port 2465` (default --tls auto) against a server
// with implicit TLS on a port other than 465 waited the whole reply timeout and said "possible
// tarpit". The built binary, default timings (the 3 s TLS check), against the testkit's
// implicit-tls server on a random port: the decision is an `===` line and the probe goes on in TLS.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startProfile, type ServerHandle } from '@relayprobe/testkit';

const BIN = fileURLToPath(new URL('../bin/relayprobe.js', import.meta.url));
const servers: ServerHandle[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

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

test('implicit TLS on a non-standard port with --tls auto: detected after 3 s, said in an === line, verdict as usual', { timeout: 60_000 }, async () => {
  const server = await startProfile('implicit-tls');
  servers.push(server);
  const result = await run(['127.0.0.1', '--port', String(server.port), '--suite', 'quick', '--helo', 'prober.relayprobe.test']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /^=== No greeting after 3 s in plain text; checking on a second connection whether this port speaks TLS from the first byte \(implicit TLS\)\.\.\.$/m);
  assert.match(result.stdout, /^=== No greeting after 3 s in plain text; this port speaks TLS from the first byte \(implicit TLS\)\. Going on over TLS \(--tls auto\); the plain connection is closed\.$/m);
  assert.match(result.stdout, /^=== TLS started: /m);
  assert.match(result.stdout, /^<~ {2}220 /m, 'the greeting arrived inside TLS');
  assert.match(result.stdout, /^ ~> EHLO prober\.relayprobe\.test$/m);
  assert.doesNotMatch(result.stdout, /tarpit|No complete greeting/);
  assert.match(result.stdout, /Verdict: Not an open relay\./);
});
