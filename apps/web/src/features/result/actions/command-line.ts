// "Copy as command": the CLI invocation that runs the same probe (DESIGN.md "Contracts":
// relayprobe <target> [--port N] [--suite ...] [--tls ...] [--send-message [--to ADDRESS]]); the
// API body for "Run again" is api/probe-body.ts's. Words are quoted for a POSIX shell: a target
// may legally contain characters a shell reads ("!", "$", "'", "*", quotes in local parts).
import type { ProbeOptions } from '../../../api/probe-body.js';

const SAFE_WORD = /^[A-Za-z0-9@%+=:,./_-]+$/;

/** `word` as one POSIX shell word: as is when safe, otherwise in single quotes ('\'' for a quote). */
export function shellQuote(word: string): string {
  return SAFE_WORD.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The equivalent `relayprobe` command line. */
export function commandLine(request: ProbeOptions): string {
  const words = ['relayprobe', shellQuote(request.target), '--port', String(request.port), '--suite', request.suite, '--tls', request.tls];
  if (request.sendMessage) {
    words.push('--send-message');
    if (request.to !== undefined && request.to !== '') words.push('--to', shellQuote(request.to));
  }
  return words.join(' ');
}
