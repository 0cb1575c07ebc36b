// What a caller (CLI, server) may ask of a probe, its defaults, and the validation every field
// gets before anything is resolved or sent (SECURITY.md §2: user fields never reach the wire
// unchecked; a bad field gets one sentence naming it).
import { hostname } from 'node:os';
import {
  SUITES,
  TLS_MODES,
  escapeForDisplay,
  parseIpAddress,
  parsePort,
  readTarget,
  recipientRefusal,
  validateDomain,
  validateHeloName,
  type ProbeRequest,
  type Suite,
  type TargetInput,
  type TlsMode,
} from '@relayprobe/contracts';
import type { ResultLimits } from '@relayprobe/engine';
import { createAddressPolicy, type AddressPolicy } from './address-policy.js';
import type { DnsResolver } from './mx-resolution.js';

const DEFAULT_PORTS: readonly number[] = [25, 465, 587];
const DEFAULT_TEST_DOMAIN = 'example.com';
const DEFAULT_TIMEOUT_SECONDS = 30;
const DEFAULT_PROBE_DEADLINE_SECONDS = 300;
/** A domain test: two servers at once (Postfix's smtp_mx_session_limit is 2), and 15 minutes for all of them. */
const DEFAULT_SERVER_CONCURRENCY = 2;
const MAX_SERVER_CONCURRENCY = 10;
const DEFAULT_DOMAIN_DEADLINE_SECONDS = 900;
/** Longest wait for a greylister's delay before the one retry (postgrey's default delay is 300 s). */
const DEFAULT_GREYLIST_WAIT_SECONDS = 360;
const MAX_GREYLIST_WAIT_SECONDS = 3600;
/** Longest per-reply wait accepted: RFC 5321 §4.5.3.2 allows up to 10 minutes for some replies. */
const MAX_TIMEOUT_SECONDS = 600;

export interface ProbeOptions {
  target: string;
  port?: number | string;
  suite?: Suite | string;
  tls?: TlsMode | string;
  /** Our EHLO name; default: this machine's name when it is fully qualified, else relayprobe.invalid. */
  helo?: string;
  testDomain?: string;
  sendMessage?: boolean;
  /** Delivery-stage recipient (needs sendMessage). */
  to?: string;
  /** Per-reply timeout in seconds (default 30). */
  timeoutSeconds?: number | string;
  sourceAddress?: string;
  /** Longest wait for a greylister before retrying its deferred tests once; 0: no retry (default 360). */
  greylistWaitSeconds?: number | string;
  probeDeadlineSeconds?: number;
  /** Address policy: allow private ranges (CLI default true; server false). */
  allowPrivate?: boolean;
  allowCidrs?: string[];
  /** Allowed target ports; 'any' for the CLI. Default 25, 465, 587. */
  allowedPorts?: readonly number[] | 'any';
  resolver?: DnsResolver;
  /** DNS servers to ask instead of the system's ("IP" or "IP:PORT"); also turns on reverse lookups of private addresses. */
  dnsServers?: readonly string[];
  dnsTimeoutMs?: number;
  /** --tls auto: milliseconds without a greeting byte before checking for implicit TLS (default 3000; 0: never). Tests set it small. */
  tlsSniffMs?: number;
  /** Extra trust roots for judging the server's certificate (tests use the fixture CA). */
  trustedCa?: string | string[];
  /** What the result may store (the engine's DEFAULT_RESULT_LIMITS unless set; tests set smaller ones). */
  resultLimits?: Partial<ResultLimits>;
  /** Result id; default 128-bit random, base64url. */
  id?: string;
  /**
   * How long prepareProbe waits for a name's resolution (the server's POST: a few hundred ms).
   * Past it the probe is prepared pending: it resolves in the background, and its refusals and
   * findings come in the result, not as errors. Default: wait for it (the CLI).
   */
  resolveWithinMs?: number;
  /** Domain test: servers tested at once (default 2; never two sessions to one address). */
  serverConcurrency?: number;
  /** Domain test: the deadline of the whole test, in seconds (default 900). */
  domainDeadlineSeconds?: number;
  /** Domain test: whether this machine has a route to an IPv6 address (default: asks the kernel; tests inject one). */
  ipv6Route?: (address: string) => Promise<boolean>;
}

/** Options after validation, defaults filled in. */
export interface ValidatedProbe {
  request: ProbeRequest;
  target: TargetInput;
  to?: { localPart: string; domain: string } | undefined;
  policy: AddressPolicy;
  probeDeadlineMs: number;
  /** Domain test: servers at once, and the whole test's deadline. */
  serverConcurrency: number;
  domainDeadlineMs: number;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; code: 'invalid-target' | 'invalid-option' | 'port-not-allowed'; field: string; message: string };

const bad = (field: string, message: string, code: 'invalid-option' | 'port-not-allowed' = 'invalid-option'): Validation<never> => ({ ok: false, code, field, message });
const quote = (value: string) => `"${escapeForDisplay(value.slice(0, 80))}"`;

/** A port list as short text: "25, 465, 587" or "1024-65535". */
function describePorts(ports: readonly number[]): string {
  const sorted = [...new Set(ports)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++;
    runs.push(j - i >= 2 ? `${sorted[i]}-${sorted[j]}` : sorted.slice(i, j + 1).join(', '));
    i = j + 1;
  }
  return runs.length > 12 ? `${runs.slice(0, 12).join(', ')} and ${runs.length - 12} more ranges` : runs.join(', ');
}

/** "IP", "IPv4:PORT" or "[IPv6]:PORT", as dns.Resolver.setServers takes them. */
export function isDnsServer(text: string): boolean {
  const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text);
  const v4port = /^([\d.]+):(\d{1,5})$/.exec(text);
  const [address, port] = bracketed ? [bracketed[1], bracketed[2]] : v4port ? [v4port[1], v4port[2]] : [text, undefined];
  if (address === undefined || !parseIpAddress(address)) return false;
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
}

/** The default EHLO name: this host's name when it is a valid FQDN (RFC 5321 §4.1.1.1), else a reserved one. */
export function defaultHeloName(): string {
  const name = hostname().toLowerCase();
  return name.includes('.') && validateHeloName(name) === null ? name : 'relayprobe.invalid';
}

/** Check every field; nothing is resolved or sent. */
export function validateProbeOptions(options: ProbeOptions): Validation<ValidatedProbe> {
  // Surrounding spaces and tabs are forgiven, nothing else (readTarget; SECURITY.md §2).
  const target = readTarget(typeof options.target === 'string' ? options.target : '');
  if (!target.ok) return { ok: false, code: target.code, field: 'target', message: target.message };

  const port = parsePort(options.port ?? 25);
  if (!port.ok) return bad('port', port.message);
  const allowedPorts = options.allowedPorts ?? DEFAULT_PORTS;
  if (allowedPorts !== 'any' && !allowedPorts.includes(port.port)) {
    return bad('port', `Port ${port.port} is not allowed; allowed ports: ${describePorts(allowedPorts)}.`, 'port-not-allowed');
  }

  const suite = options.suite ?? 'standard';
  if (!(SUITES as readonly string[]).includes(suite)) return bad('suite', `Unknown suite ${quote(String(suite))}; use quick, standard or thorough.`);
  const tls = options.tls ?? 'auto';
  if (!(TLS_MODES as readonly string[]).includes(tls)) return bad('tls', `Unknown TLS mode ${quote(String(tls))}; use auto, starttls, implicit or none.`);

  const helo = options.helo ?? defaultHeloName();
  const heloProblem = validateHeloName(helo);
  if (heloProblem) return bad('helo', `Invalid HELO name ${quote(helo)}: ${heloProblem}`);
  const testDomain = (options.testDomain ?? DEFAULT_TEST_DOMAIN).toLowerCase();
  const domainProblem = validateDomain(testDomain);
  if (domainProblem) return bad('testDomain', `Invalid test domain ${quote(testDomain)}: ${domainProblem}`);

  let to: ValidatedProbe['to'];
  if (options.to !== undefined) {
    if (!options.sendMessage) return bad('to', 'A recipient (to, --to) only makes sense with the delivery stage (sendMessage, --send-message).');
    const refusal = recipientRefusal(options.to);
    if (refusal) return bad('to', refusal);
    const at = options.to.lastIndexOf('@');
    to = { localPart: options.to.slice(0, at), domain: options.to.slice(at + 1).toLowerCase() };
  }

  const timeout = Number(options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS);
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > MAX_TIMEOUT_SECONDS || (typeof options.timeoutSeconds === 'string' && !/^\d+(\.\d+)?$/.test(options.timeoutSeconds))) {
    return bad('timeout', `Invalid timeout ${quote(String(options.timeoutSeconds))}: give seconds, more than 0 and at most ${MAX_TIMEOUT_SECONDS}.`);
  }
  if (options.sourceAddress !== undefined && !parseIpAddress(options.sourceAddress)) {
    return bad('sourceAddress', `Invalid source address ${quote(options.sourceAddress)}: give an IPv4 or IPv6 address of this machine.`);
  }
  const greylistWait = Number(options.greylistWaitSeconds ?? DEFAULT_GREYLIST_WAIT_SECONDS);
  if (
    !Number.isFinite(greylistWait) ||
    greylistWait < 0 ||
    greylistWait > MAX_GREYLIST_WAIT_SECONDS ||
    (typeof options.greylistWaitSeconds === 'string' && !/^\d+(\.\d+)?$/.test(options.greylistWaitSeconds))
  ) {
    return bad('greylistWait', `Invalid greylist wait ${quote(String(options.greylistWaitSeconds))}: give seconds, from 0 (no retry) to ${MAX_GREYLIST_WAIT_SECONDS}.`);
  }
  for (const server of options.dnsServers ?? []) {
    if (!isDnsServer(server)) return bad('dnsServer', `Invalid DNS server ${quote(server)}: give an IP address, optionally with a port (192.0.2.53, 192.0.2.53:5353, [2001:db8::53]:53).`);
  }
  const deadline = options.probeDeadlineSeconds ?? DEFAULT_PROBE_DEADLINE_SECONDS;
  if (!Number.isFinite(deadline) || deadline <= 0) return bad('probeDeadline', 'The probe deadline must be a positive number of seconds.');
  const concurrency = options.serverConcurrency ?? DEFAULT_SERVER_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_SERVER_CONCURRENCY)
    return bad('serverConcurrency', `Servers tested at once must be a whole number from 1 to ${MAX_SERVER_CONCURRENCY}.`);
  const domainDeadline = options.domainDeadlineSeconds ?? DEFAULT_DOMAIN_DEADLINE_SECONDS;
  if (!Number.isFinite(domainDeadline) || domainDeadline <= 0) return bad('domainDeadline', 'The domain test deadline must be a positive number of seconds.');

  const policy = createAddressPolicy({ allowPrivate: options.allowPrivate ?? false, allowCidrs: options.allowCidrs ?? [] });
  if (!policy.ok) return bad('allowCidrs', policy.message);

  const request: ProbeRequest = {
    target: target.text,
    port: port.port,
    suite: suite as Suite,
    tls: tls as TlsMode,
    helo,
    testDomain,
    sendMessage: options.sendMessage === true,
    timeoutSeconds: timeout,
    greylistWaitSeconds: greylistWait,
    ...(options.to !== undefined ? { to: options.to } : {}),
    ...(options.sourceAddress !== undefined ? { sourceAddress: options.sourceAddress } : {}),
  };
  return {
    ok: true,
    value: {
      request,
      target: target.target,
      to,
      policy: policy.policy,
      probeDeadlineMs: Math.max(deadline * 1000, timeout * 1000) + greylistWait * 1000,
      serverConcurrency: concurrency,
      domainDeadlineMs: domainDeadline * 1000,
    },
  };
}
