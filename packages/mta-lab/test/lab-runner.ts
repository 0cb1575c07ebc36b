// Runs relayprobe against a lab instance the two ways users do: the CLI binary (`relayprobe
// HOST --json`, its exit status) and the HTTP API of the built server. Both return the result
// document, so the tests compare the same things for both.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { ResultDocument } from '@relayprobe/contracts';
import type { RunningInstance } from '../src/lab.js';

const CLI = fileURLToPath(new URL('../../cli/bin/relayprobe.js', import.meta.url));

export interface RunOptions {
  source: string;
  /** The lab's DNS server ("127.0.0.1:PORT"), for reverse names. */
  dnsServer?: string;
  /** CLI flags beyond target, port, source, helo and --json. */
  args?: string[];
  helo?: string;
}

export interface CliRun {
  exitCode: number;
  result: ResultDocument;
  stderr: string;
}

/** The HELO name the lab's probes use (resolvable nowhere: the lab has no DNS). */
export const LAB_HELO = 'prober.relayprobe-lab.test';

/** `relayprobe <host> --port P --source-address S --json ...`; resolves once it exits. */
export function runCli(target: RunningInstance, options: RunOptions): Promise<CliRun> {
  return runCliTarget(target.host, target.port, options);
}

/** `relayprobe <target> --port P --source-address S --json ...` for any target (a domain of a test zone). */
export function runCliTarget(host: string, port: number, options: RunOptions): Promise<CliRun> {
  const args = [
    CLI,
    host,
    '--port',
    String(port),
    '--source-address',
    options.source,
    '--helo',
    options.helo ?? LAB_HELO,
    '--timeout',
    '10',
    '--greylist-wait',
    '30',
    '--json',
    ...(options.dnsServer ? ['--dns-server', options.dnsServer] : []),
    ...(options.args ?? []),
  ];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      try {
        resolve({ exitCode, result: JSON.parse(stdout) as ResultDocument, stderr });
      } catch {
        reject(new Error(`relayprobe exited ${exitCode} without a JSON result:\n${stdout}\n${stderr}`));
      }
    });
  });
}

export interface ApiRun {
  result: ResultDocument;
}

/** POST /api/v1/probes, then GET the result until it is no longer running. */
export function runApi(base: string, target: RunningInstance, body: Record<string, unknown>): Promise<ApiRun> {
  return runApiBody(base, { target: target.host, port: target.port, ...body });
}

/** POST this body, then GET the result once the stream says "done". */
export async function runApiBody(base: string, body: Record<string, unknown>): Promise<ApiRun> {
  const created = await fetch(`${base}/api/v1/probes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const createdBody = (await created.json()) as { id?: string };
  if (created.status !== 201 || !createdBody.id) throw new Error(`POST /api/v1/probes answered ${created.status}: ${JSON.stringify(createdBody)}`);
  // Wait for the state: the WebSocket says "done" once the final state is committed.
  await new Promise<void>((resolve, reject) => {
    const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/api/v1/probes/${createdBody.id}/events`, { origin: base });
    socket.on('message', (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type === 'done') {
        socket.close();
        resolve();
      }
    });
    socket.on('error', reject);
    socket.on('close', (code) => reject(new Error(`the event stream closed (${code}) before "done"`)));
  });
  const response = await fetch(`${base}/api/v1/probes/${createdBody.id}`);
  if (response.status !== 200) throw new Error(`GET /api/v1/probes/${createdBody.id} answered ${response.status}: ${await response.text()}`);
  return { result: (await response.json()) as ResultDocument };
}

/** The CLI flags of a row as API body fields (the API has no per-request HELO, timeout or source). */
export function apiBody(flags: readonly string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i];
    if (flag === '--send-message') body.sendMessage = true;
    else if (flag === '--suite') body.suite = flags[++i];
    else if (flag === '--tls') body.tls = flags[++i];
    else if (flag === '--helo')
      i++; // a server setting: the test starts a server with that HELO name
    else throw new Error(`lab-runner: no API field for ${flag}`);
  }
  return body;
}
