// The relayprobe command against real in-process SMTP servers: the built binary as a child
// process for exit codes and output, and main() in-process for terminal behaviour.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { closedPort, startProfile, startTrapListener, type ProfileName, type ServerHandle } from '@relayprobe/testkit';
import { ResultDocument, schemaErrors } from '@relayprobe/contracts';
import { main } from '../src/main.js';
import type { OutputStream } from '../src/terminal-output.js';

const BIN = fileURLToPath(new URL('../bin/relayprobe.js', import.meta.url));
const servers: ServerHandle[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
const start = async (name: ProfileName) => {
  const server = await startProfile(name);
  servers.push(server);
  return server;
};

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

// --greylist-wait 0: the testkit's greylister never lets a retry through (the retry is tested
// against a real one, postgrey, in packages/mta-lab).
const local = (port: number, ...more: string[]) => ['127.0.0.1', '--port', String(port), '--timeout', '5', '--helo', 'prober.relayprobe.test', '--greylist-wait', '0', ...more];

const cases: [ProfileName, number, RegExp][] = [
  ['postfix-closed', 0, /Verdict: Not an open relay\./],
  ['open-relay', 2, /Verdict: Open relay\./],
  ['accept-all', 3, /Verdict: Accepts every recipient\./],
  ['domainless-only', 3, /Verdict: Suspicious\./],
  ['greylisting', 4, /Verdict: Inconclusive\./],
];

for (const [profile, code, verdict] of cases) {
  test(`${profile}: exit ${code} and the verdict line`, async () => {
    const result = await run(local((await start(profile)).port));
    assert.equal(result.code, code, result.stderr);
    assert.match(result.stdout, verdict);
    assert.match(result.stdout, /^<- {2}220 /m, 'received lines use the swaks arrow');
    assert.match(result.stdout, /^ -> EHLO prober\.relayprobe\.test$/m);
    assert.match(result.stdout, /\(\d+ ms\)$/m, 'per-reply milliseconds shown');
    assert.ok(!result.stdout.includes('\x1b['), 'no colour when stdout is not a TTY');
  });
}

test('a port nobody listens on: unreachable, exit 5, said in words, and no port-25 advice (a refusal is not a blocked port)', async () => {
  const port = await closedPort();
  const result = await run(local(port));
  assert.equal(result.code, 5);
  assert.match(result.stdout, /Verdict: Unreachable\./);
  assert.match(result.stdout, new RegExp(`Nothing is listening on 127\\.0\\.0\\.1 port ${port}`));
  assert.doesNotMatch(result.stdout, /port 25 is blocked/i);
  assert.doesNotMatch(result.stdout, /Verdict:.*ECONNREFUSED/);
});

test('--json prints one result document that matches the schema', async () => {
  const result = await run(local((await start('postfix-closed')).port, '--json', '--suite', 'quick'));
  assert.equal(result.code, 0);
  const doc = JSON.parse(result.stdout) as unknown;
  assert.deepEqual(schemaErrors(ResultDocument, doc), []);
  assert.equal((doc as { verdict: { code: string } }).verdict.code, 'closed');
});

test('bad flags and targets: one line, exit 1, nothing sent', async () => {
  const trap = await startTrapListener();
  servers.push(trap);
  for (const args of [
    ['127.0.0.1', '--port', String(trap.port), '--suite', 'huge'],
    ['127.0.0.1', '--port', String(trap.port), '--tls', 'maybe'],
    ['127.0.0.1', '--port', String(trap.port), '--helo', 'bad\rname'],
    ['127.0.0.1', '--port', String(trap.port), '--timeout', 'soon'],
    ['127.0.0.1', '--port', String(trap.port), '--to', 'me@mine.example'],
    ['127.0.0.1', '--port', String(trap.port), '--test-domain', 'no_underscores.example'],
    ['127.0.0.1', '--port', String(trap.port), '--deny-private'],
    ['127.0.0.1:25'],
    ['0x7f.1', '--port', String(trap.port)],
    ['127.0.0.1', '--port', '25abc'],
    ['127.0.0.1', '--bogus'],
  ]) {
    const result = await run(args);
    assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stdout, '', args.join(' '));
    assert.match(result.stderr, /^relayprobe: [^\n]+\n$/, args.join(' '));
  }
  assert.equal(trap.connections, 0);
});

test('--help and --version', async () => {
  const help = await run(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: relayprobe <target>/);
  const version = await run(['--version']);
  assert.match(version.stdout, /^relayprobe \d+\.\d+\.\d+\n$/);
});

class Capture implements OutputStream {
  text = '';
  constructor(readonly isTTY: boolean) {}
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

test('on a TTY: colour on stdout, a progress line on stderr that is cleared at the end', async () => {
  const server = await start('open-relay');
  const stdout = new Capture(true);
  const stderr = new Capture(true);
  const code = await main(local(server.port, '--suite', 'quick'), { stdout, stderr, env: {} });
  assert.equal(code, 2);
  assert.ok(stdout.text.includes('\x1b[31m'), 'coloured');
  assert.match(stderr.text, /test 1 of 4 \(C1\)/);
  assert.ok(stderr.text.endsWith('\r\x1b[K'), 'progress cleared');
});

test('NO_COLOR turns colour off even on a TTY', async () => {
  const server = await start('postfix-closed');
  const stdout = new Capture(true);
  await main(local(server.port, '--suite', 'quick'), { stdout, stderr: new Capture(false), env: { NO_COLOR: '1' } });
  assert.ok(!stdout.text.includes('\x1b['));
});

test('aborting (Ctrl-C) stops the probe, prints the result so far, exit 130', async () => {
  const server = await start('postfix-closed');
  const controller = new AbortController();
  const stdout = new Capture(false);
  const pending = main(local(server.port), { stdout, stderr: new Capture(false), env: {}, signal: controller.signal });
  setTimeout(() => controller.abort(), 5);
  assert.equal(await pending, 130);
  assert.match(stdout.text, /Verdict: /);
});

// The bug as a user met it: `relayprobe HOST --port 2465` (default --tls auto) against a server
// with implicit TLS on a port other than 465 waited the whole reply timeout and said "possible
// tarpit". The built binary, default timings (the 3 s TLS check), against the testkit's
// implicit-tls server on a random port: the decision is an `===` line and the probe goes on in TLS.
test('implicit TLS on a non-standard port with --tls auto: detected after 3 s, said in an === line, verdict as usual', { timeout: 60_000 }, async () => {
  const server = await start('implicit-tls');
  const result = await run(['127.0.0.1', '--port', String(server.port), '--suite', 'quick', '--helo', 'prober.relayprobe.test']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /^=== No greeting after 3 s in plain text; checking on a second connection whether this port speaks TLS from the first byte \(implicit TLS\)\.\.\.$/m);
  assert.match(
    result.stdout,
    /^=== No greeting after 3 s in plain text; this port speaks TLS from the first byte \(implicit TLS\)\. Going on over TLS \(--tls auto\); the plain connection is closed\.$/m,
  );
  assert.match(result.stdout, /^=== TLS started: /m);
  assert.match(result.stdout, /^<~ {2}220 /m, 'the greeting arrived inside TLS');
  assert.match(result.stdout, /^ ~> EHLO prober\.relayprobe\.test$/m);
  assert.doesNotMatch(result.stdout, /tarpit|No complete greeting/);
  assert.match(result.stdout, /Verdict: Not an open relay\./);
});
