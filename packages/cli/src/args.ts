// Command-line flags, exactly as DESIGN.md's contract lists them, turned into probe options.
// A bad flag gets one line naming the problem (exit 1, nothing sent).
import { parseArgs } from 'node:util';
import type { ProbeOptions } from '@relayprobe/probe';
import { SUITE_SIZES } from '@relayprobe/contracts';

export const USAGE = `Usage: relayprobe <target> [options]

Tests whether a mail server is an open relay: connects the way a spammer would, tries every
known relay trick plus controls that tell "open" from "accepts everything", and prints the
SMTP conversation live and a verdict.

<target>  a host name, IPv4/IPv6 address, domain (tested through its MX hosts) or an e-mail
          address (its domain). A name with MX records is a domain test: every MX host and
          every address of each gets its own session and verdict (two at a time), printed
          server by server, then a table of the servers and the domain's verdict, the worst
          of theirs (the exit status is that one's). To test one host that also has MX
          records, give its IP address.

Options:
  --port N                 TCP port (default 25; 465 implies implicit TLS with --tls auto)
  --suite NAME             quick: R01 and the controls; standard (default): nmap's vectors
                           and more; thorough: all ${SUITE_SIZES.thorough} vectors, repeated per local name
  --tls MODE               auto (default): STARTTLS when offered, implicit TLS on 465 and
                           on any port that sends no greeting for 3 s but answers TLS;
                           starttls: require STARTTLS; implicit: TLS from the first byte;
                           none: plain text only
  --helo NAME              name to send in EHLO/HELO (default: this machine's name if
                           fully qualified, else relayprobe.invalid)
  --test-domain DOMAIN     external domain for the relay recipients (default example.com);
                           must be a real domain the target does not serve
  --source-address IP      local address to connect from
  --dns-server IP[:PORT]   ask this DNS server instead of the system's (repeat for more);
                           private addresses then get reverse lookups too
  --timeout SECONDS        how long to wait for each reply (default 30; a timeout is
                           reported as such, never as a refusal)
  --greylist-wait SECONDS  when a greylister defers tests, wait for its delay (at most this
                           long, default 360; 0 turns it off) and retry them once
  --send-message           after the first accepted relay vector, send one test message
                           (DATA) to see whether the server really takes it; never by default
  --to ADDRESS             recipient for --send-message, so you can receive it
  --json                   print the result document (JSON) instead of the transcript
  --deny-private           refuse private, loopback and other internal addresses (allowed by
                           default: you run this on your own network); cloud metadata
                           addresses are always refused
  -h, --help               show this help
  -V, --version            show the version

Exit status: 0 not an open relay, 2 open relay, 3 suspicious or accepts every recipient,
4 inconclusive, 5 unreachable, 1 usage or internal error.`;

export type ParsedArgs = { kind: 'help' } | { kind: 'version' } | { kind: 'probe'; options: ProbeOptions; json: boolean } | { kind: 'error'; message: string };

const FLAGS = {
  port: { type: 'string' },
  suite: { type: 'string' },
  tls: { type: 'string' },
  helo: { type: 'string' },
  'test-domain': { type: 'string' },
  'source-address': { type: 'string' },
  'dns-server': { type: 'string', multiple: true },
  timeout: { type: 'string' },
  'greylist-wait': { type: 'string' },
  'send-message': { type: 'boolean' },
  to: { type: 'string' },
  json: { type: 'boolean' },
  'deny-private': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** Parse argv (without node and the script); nothing is validated beyond flag syntax here. */
export function parseCommandLine(argv: readonly string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    return { kind: 'error', message: (error as Error).message.replace(/\. To specify a positional argument.*$/s, '') };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  if (positionals.length === 0) return { kind: 'error', message: 'no target given: name a mail server, domain or e-mail address' };
  if (positionals.length > 1) return { kind: 'error', message: `one target at a time (got ${positionals.length}: ${positionals.slice(0, 3).join(' ')})` };
  const options: ProbeOptions = {
    target: positionals[0] as string,
    allowedPorts: 'any',
    allowPrivate: !values['deny-private'],
    sendMessage: values['send-message'] === true,
    ...(values.port !== undefined ? { port: values.port } : {}),
    ...(values.suite !== undefined ? { suite: values.suite } : {}),
    ...(values.tls !== undefined ? { tls: values.tls } : {}),
    ...(values.helo !== undefined ? { helo: values.helo } : {}),
    ...(values['test-domain'] !== undefined ? { testDomain: values['test-domain'] } : {}),
    ...(values['source-address'] !== undefined ? { sourceAddress: values['source-address'] } : {}),
    ...(values['dns-server'] !== undefined ? { dnsServers: values['dns-server'] } : {}),
    ...(values.timeout !== undefined ? { timeoutSeconds: values.timeout } : {}),
    ...(values['greylist-wait'] !== undefined ? { greylistWaitSeconds: values['greylist-wait'] } : {}),
    ...(values.to !== undefined ? { to: values.to } : {}),
  };
  return { kind: 'probe', options, json: values.json === true };
}
