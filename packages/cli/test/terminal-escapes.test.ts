// Attack: a mail server takes over the terminal of whoever runs relayprobe (issue 12, item 1). Its
// greeting, EHLO and HELO replies carry a window-title sequence, a screen clear, a fake verdict,
// U+202E and every other control, bidi and invisible character (testkit's terminal-escapes); the
// verdict quotes the HELO refusal. The built binary's stdout, as text and as --json, must hold
// none of those characters raw; the JSON must still parse to the exact text the server sent.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TERMINAL_ESCAPES_TEXT, rawHostileCharacters as rawIn, startHostile, type ServerHandle } from '@relayprobe/testkit';
import type { ReplyEvent, ResultDocument } from '@relayprobe/contracts';

const BIN = fileURLToPath(new URL('../bin/relayprobe.js', import.meta.url));
const servers: ServerHandle[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function probe(...more: string[]) {
  const server = await startHostile('terminal-escapes');
  servers.push(server);
  return run(['127.0.0.1', '--port', String(server.port), '--timeout', '5', '--helo', 'prober.relayprobe.test', '--suite', 'quick', ...more]);
}

test('the transcript and the verdict on stdout show every such character as an escape', async () => {
  const { code, stdout, stderr } = await probe();
  assert.equal(code, 4, `inconclusive: EHLO and HELO refused (${stderr})`);
  assert.deepEqual(rawIn(stdout), []);
  assert.deepEqual(rawIn(stderr), []);
  const verdict = stdout.split('\n').find((line) => line.startsWith('=== Verdict:')) ?? '';
  assert.match(verdict, /refused both EHLO and HELO: 550 \\e\]0;pwned\\x07\\e\[2J\\e\[HNot an open relay\. \\u202ereversed \\x00\\x01/, verdict);
  assert.ok(stdout.includes('\\u200b\\u200c\\u200d\\u200e\\u200f'), 'zero-width characters and marks are visible');
});

test('--json: no such character raw in the text, and the exact values when parsed', async () => {
  const { code, stdout } = await probe('--json');
  assert.equal(code, 4);
  assert.deepEqual(rawIn(stdout), []);
  const doc = JSON.parse(stdout) as ResultDocument;
  const greeting = doc.events.find((e): e is ReplyEvent => e.type === 'reply' && e.phase === 'greeting');
  assert.deepEqual(greeting?.lines, [`220 mx.relay-test.example ${TERMINAL_ESCAPES_TEXT}`], 'the greeting exactly as sent');
  assert.ok(doc.verdict?.summary.includes(TERMINAL_ESCAPES_TEXT), 'the summary quotes the server exactly');
  assert.ok(stdout.includes('\\u202e') && stdout.includes('\\u001b]0;pwned'), 'written as JSON escapes');
});
