// `relayprobe HOST | head -1`: the reader closes the pipe after one line, so every later write to
// stdout fails with EPIPE. The run must end quietly with the verdict's exit status: no stack trace,
// no exit 1. The built binary as a child process, its stdout closed by us after the first line; the
// fake server greets only once that close is done, so the transcript's next lines are certain to
// hit the closed pipe (no race with the kernel's pipe buffer).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startScriptedServer, REPLY, type RawPeer, type ServerHandle } from '@relayprobe/testkit';

const BIN = fileURLToPath(new URL('../bin/relayprobe.js', import.meta.url));
const servers: ServerHandle[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

/** A server that waits for `gate` before greeting 554 (no service), then answers QUIT: verdict unreachable, exit 5. */
async function gatedNoService(gate: Promise<void>): Promise<ServerHandle> {
  const server = await startScriptedServer(async (peer: RawPeer) => {
    await gate;
    peer.write(`${REPLY.noService}\r\n`);
    for (let line = await peer.readLine(); line !== null; line = await peer.readLine()) {
      if (line.trim().toUpperCase() === 'QUIT') {
        await peer.writeAndWait(`${REPLY.bye}\r\n`);
        return peer.end();
      }
    }
  });
  servers.push(server);
  return server;
}

for (const mode of ['text', 'json'] as const) {
  test(`stdout closed by its reader after the first line (${mode}): quiet, exit status of the verdict (5, unreachable)`, async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const server = await gatedNoService(gate);
    const args = ['127.0.0.1', '--port', String(server.port), '--timeout', '5', '--helo', 'prober.relayprobe.test', ...(mode === 'json' ? ['--json'] : [])];
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    if (mode === 'text') {
      // The resolution line comes before any connection: read it, then close our end like `head -1`.
      await once(child.stdout, 'data');
    }
    child.stdout.destroy();
    await once(child.stdout, 'close');
    open();
    const [code, signal] = await exited;
    assert.equal(signal, null);
    assert.equal(stderr, '', 'nothing on stderr: no EPIPE stack trace');
    assert.equal(code, 5, 'the verdict (unreachable: the server offers no service) decides the exit status');
  });
}
