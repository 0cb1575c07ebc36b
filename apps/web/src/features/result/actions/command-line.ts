// "Copy as command": the CLI invocation that runs the same probe (DESIGN.md "Contracts":
// relayprobe <target> [--port N] [--suite ...] [--tls ...] [--send-message [--to ADDRESS]]), and the
// body that repeats it through the API ("Run again"). Words are quoted for a POSIX shell: a target
// may legally contain characters a shell reads ("!", "$", "'", "*", quotes in local parts).
import type { CreateProbeBody, ProbeRequest } from '@relayprobe/contracts';

/** The options of a request that the CLI and the API both take. */
export type RepeatableRequest = Pick<ProbeRequest, 'target' | 'port' | 'suite' | 'tls' | 'sendMessage' | 'to'>;

const SAFE_WORD = /^[A-Za-z0-9@%+=:,./_-]+$/;

/** `word` as one POSIX shell word: as is when safe, otherwise in single quotes ('\'' for a quote). */
export function shellQuote(word: string): string {
  return SAFE_WORD.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The equivalent `relayprobe` command line. */
export function commandLine(request: RepeatableRequest): string {
  const words = ['relayprobe', shellQuote(request.target), '--port', String(request.port), '--suite', request.suite, '--tls', request.tls];
  if (request.sendMessage) {
    words.push('--send-message');
    if (request.to !== undefined && request.to !== '') words.push('--to', shellQuote(request.to));
  }
  return words.join(' ');
}

/** The POST /api/v1/probes body that runs the same request again. */
export function repeatBody(request: RepeatableRequest): CreateProbeBody {
  const body: CreateProbeBody = { target: request.target, port: request.port, suite: request.suite, tls: request.tls };
  if (request.sendMessage) {
    body.sendMessage = true;
    if (request.to !== undefined && request.to !== '') body.to = request.to;
  }
  return body;
}
