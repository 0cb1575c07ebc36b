// From a parsed target to the ordered, policy-checked addresses the probe may connect to.
//
// RFC 5321 §5.1: a domain's MX records, by preference, name its mail servers; with no MX record
// the domain itself is the implicit MX; MX records that are all unusable are an error, not a
// reason to fall back. RFC 7505: a single MX of "." (a null MX) means the domain accepts no mail.
// SECURITY.md §1: every MX name passes the same LDH grammar as a typed target; every address
// passes the address policy, and one refused address refuses the whole target (a name that
// answers public + private is a DNS-rebinding attempt or a misconfiguration, and either way the
// probe must not pick); each name is asked once and the caller connects to these checked
// literals, never to a name; work is capped (Postfix's default of 5 addresses).
//
// Invariant: only the DnsResolver handed in talks to DNS, and never dns.lookup (blocking, thread
// pool, and it reads the numeric quirks the target grammar refuses).
import { promises as dnsPromises } from 'node:dns';
import { checkHostName, escapeForDisplay, parseIpAddress, validateDomain, type ErrorCode, type Resolution, type ResolvedAddress, type TargetInput } from '@relayprobe/contracts';
import { isPrivateOrSpecial, type AddressPolicy } from './address-policy.js';
import { queryWithDeadline, type DnsFailure, type DnsOutcome } from './dns-query.js';

/** The subset of dns.promises.Resolver we use; tests inject fakes. */
export interface DnsResolver {
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  /** PTR names of an address; optional (a resolver without it means no reverse lookups). */
  reverse?(address: string): Promise<string[]>;
}

/** What resolveTarget needs. */
export interface ResolveOptions {
  resolver: DnsResolver;
  policy: AddressPolicy;
  /** Bound on each DNS query, in milliseconds. */
  timeoutMs: number;
  /** Most addresses listed (refused ones found on the way are listed too); default 5. */
  maxAddresses?: number;
}

/** An address lookup that failed for one host (other hosts may still have answered). */
export interface LookupProblem {
  host: string;
  failure: DnsFailure;
  detail: string;
}

/** Postfix's smtp_mx_address_limit default. */
const DEFAULT_MAX_ADDRESSES = 5;
/** A hostile zone can publish hundreds of MX records, each costing two queries: look up at most this many. */
export const MAX_MX_HOSTS_LOOKED_UP = 10;

/** The system's asynchronous resolver (c-ares, /etc/resolv.conf), never dns.lookup. */
export function createSystemResolver(timeoutMs: number, servers?: readonly string[]): DnsResolver {
  const resolver = new dnsPromises.Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers && servers.length > 0) resolver.setServers([...servers]);
  return {
    resolveMx: (name) => resolver.resolveMx(name),
    resolve4: (name) => resolver.resolve4(name),
    resolve6: (name) => resolver.resolve6(name),
    reverse: (address) => resolver.reverse(address),
  };
}

/** At most this many addresses get a reverse lookup (the ones a probe may connect to). */
const MAX_REVERSE_LOOKUPS = 5;

/**
 * Add the reverse-DNS name of each allowed address (RELAY-TESTS.md §1: the rDNS name is one of
 * the names T a server may treat as its own), concurrently, under the same deadline as every
 * other lookup. Private and loopback addresses are looked up only when asked (`includePrivate`,
 * set when the user named a DNS server): their PTR queries mean nothing to public resolvers.
 */
export async function addReverseNames(resolution: Resolution, resolver: DnsResolver, timeoutMs: number, includePrivate: boolean): Promise<void> {
  const reverse = resolver.reverse?.bind(resolver);
  if (!reverse) return;
  const wanted = resolution.addresses.filter((a) => a.allowed && (includePrivate || !isPrivateOrSpecial(a.address))).slice(0, MAX_REVERSE_LOOKUPS);
  await Promise.all(
    wanted.map(async (entry) => {
      const answer = await queryWithDeadline(() => reverse(entry.address), timeoutMs);
      if (!answer.ok) return;
      // The name goes into SMTP addresses as a local name, so it must be an RFC 5321 Domain.
      const name = answer.value.map((n) => n.toLowerCase().replace(/\.$/, '')).find((n) => validateDomain(n) === null);
      if (name) entry.reverseName = name;
    }),
  );
}

/** Resolve a parsed target to its MX hosts and checked addresses, asking each name once. */
export async function resolveTarget(input: string, target: TargetInput, options: ResolveOptions): Promise<Resolution> {
  const maxAddresses = options.maxAddresses ?? DEFAULT_MAX_ADDRESSES;
  if (!Number.isInteger(maxAddresses) || maxAddresses < 1) {
    throw new RangeError(`maxAddresses must be a positive integer, got ${maxAddresses}`);
  }
  if (target.kind === 'ipv4' || target.kind === 'ipv6') return resolveLiteral(input, target, options.policy);
  const step = await lookupMx(input, target.host, target.kind, options);
  return step.done ? step.resolution : resolveHosts(step, options);
}

/** An address literal needs no DNS: only the policy (RFC 5321 §4.1.3 literals name the host). */
export function resolveLiteral(input: string, target: Extract<TargetInput, { kind: 'ipv4' | 'ipv6' }>, policy: AddressPolicy): Resolution {
  const resolution: Resolution = { input, kind: target.kind, mx: [], nullMx: false, implicitMx: false, addresses: [] };
  const entry = judge(target.address, target.kind === 'ipv4' ? 4 : 6, undefined, policy);
  resolution.addresses.push(entry);
  if (!entry.allowed) resolution.error = { code: 'address-refused', text: entry.refusal ?? `${entry.address} is refused` };
  return resolution;
}

/** After the MX lookup: a finished resolution (null MX, a failure), or the hosts whose addresses come next. */
export type MxStep = { done: true; resolution: Resolution } | { done: false; resolution: Resolution; domain: string; hosts: string[]; implicit: boolean; mxAnswer: DnsOutcome<unknown> };

/** The MX question for `domain` (RFC 5321 §5.1, RFC 7505), asked once. */
export async function lookupMx(input: string, domain: string, kind: Resolution['kind'], options: ResolveOptions): Promise<MxStep> {
  const resolution: Resolution = { input, kind, domain, mx: [], nullMx: false, implicitMx: false, addresses: [] };
  const mxAnswer = await queryWithDeadline(() => options.resolver.resolveMx(domain), options.timeoutMs);
  if (mxAnswer.ok && mxAnswer.value.length > 0) {
    const picked = pickExchanges(mxAnswer.value);
    resolution.mx = picked.mx;
    if (picked.nullMx) {
      resolution.nullMx = true;
      resolution.error = { code: 'null-mx', text: `${domain} publishes a null MX (RFC 7505): it accepts no mail, so there is nothing to test` };
      return { done: true, resolution };
    }
    if (picked.hosts.length === 0) {
      resolution.error = { code: 'dns-failed', text: `none of the MX names of ${domain} is a valid host name: ${picked.skipped.join('; ')}` };
      return { done: true, resolution };
    }
    return { done: false, resolution, domain, hosts: picked.hosts, implicit: false, mxAnswer };
  }
  if (mxAnswer.ok || mxAnswer.failure === 'no-data' || mxAnswer.failure === 'not-found') {
    // No MX record: the domain is its own implicit MX (RFC 5321 §5.1). NXDOMAIN falls through too,
    // and its A/AAAA lookups say whether the name really does not exist.
    return { done: false, resolution, domain, hosts: [domain], implicit: true, mxAnswer };
  }
  const code: ErrorCode = mxAnswer.failure === 'timeout' ? 'dns-timeout' : 'dns-failed';
  resolution.error = { code, text: `the MX lookup for ${domain} failed: ${mxAnswer.detail}` };
  return { done: true, resolution };
}

/** The addresses of the MX hosts, in order, for one server with fallback between them (a single-server test). */
export async function resolveHosts(step: Extract<MxStep, { done: false }>, options: ResolveOptions): Promise<Resolution> {
  const maxAddresses = options.maxAddresses ?? DEFAULT_MAX_ADDRESSES;
  const { resolution, domain, hosts, implicit, mxAnswer } = step;
  const { resolver, timeoutMs } = options;
  const problems: LookupProblem[] = [];
  const seen = new Set<string>();
  const lookedUp = hosts.slice(0, MAX_MX_HOSTS_LOOKED_UP);
  for (const host of lookedUp) {
    if (resolution.addresses.length >= maxAddresses) break;
    // Both families at once; IPv4 first in the list (most mail servers are reached over IPv4).
    const [v4, v6] = await Promise.all([queryWithDeadline(() => resolver.resolve4(host), timeoutMs), queryWithDeadline(() => resolver.resolve6(host), timeoutMs)]);
    const found = [...answered(v4, host, problems).map((address) => [address, 4] as const), ...answered(v6, host, problems).map((address) => [address, 6] as const)];
    for (const [address, family] of found) {
      const entry = judge(address, family, host, options.policy);
      if (seen.has(entry.address)) continue;
      seen.add(entry.address);
      // Past the cap only refused addresses are kept: they are the evidence for the refusal below.
      if (resolution.addresses.length < maxAddresses || !entry.allowed) resolution.addresses.push(entry);
    }
  }

  if (resolution.addresses.length === 0) {
    resolution.error = noAddressError(domain, implicit, mxAnswer, lookedUp, problems);
    return resolution;
  }
  resolution.implicitMx = implicit;
  const refused = resolution.addresses.find((entry) => !entry.allowed);
  if (refused) resolution.error = refusalOf(refused.host ?? domain, refused);
  return resolution;
}

/** The error of a target refused because `host` answered a refused address. */
export function refusalOf(host: string, refused: ResolvedAddress): { code: ErrorCode; text: string } {
  return { code: 'address-refused', text: `${host} resolves to an address the policy refuses, so the target is refused: ${refused.refusal ?? refused.address}` };
}

/** Sort MX records by preference (ties by name), detect a null MX, keep the valid, distinct names. */
function pickExchanges(records: { exchange: string; priority: number }[]): {
  mx: Resolution['mx'];
  nullMx: boolean;
  hosts: string[];
  skipped: string[];
} {
  const mx = records
    .map((record) => ({ exchange: normalizeExchange(record.exchange), preference: record.priority }))
    .sort((a, b) => a.preference - b.preference || (a.exchange < b.exchange ? -1 : a.exchange > b.exchange ? 1 : 0));
  if (mx.length === 1 && mx[0]?.exchange === '.') return { mx, nullMx: true, hosts: [], skipped: [] };
  const hosts: string[] = [];
  const skipped: string[] = [];
  for (const { exchange } of mx) {
    if (exchange === '.') {
      // RFC 7505 §3: a null MX must be the only MX; among others it names no host.
      skipped.push('"." (a null MX among other MX records)');
      continue;
    }
    const checked = checkHostName(exchange);
    if (!checked.ok) {
      skipped.push(`"${escapeForDisplay(exchange.slice(0, 100))}" (${checked.problem})`);
      continue;
    }
    if (!hosts.includes(checked.host)) hosts.push(checked.host);
  }
  return { mx, nullMx: false, hosts, skipped };
}

/** Lower case, no trailing dot; the root (node gives "" for it) is written ".". */
function normalizeExchange(exchange: string): string {
  const lower = exchange.toLowerCase();
  if (lower === '' || lower === '.') return '.';
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** The addresses of an answer; a missing record type is an empty list, other failures are noted. */
export function answered(outcome: DnsOutcome<string[]>, host: string, problems: LookupProblem[]): string[] {
  if (outcome.ok) return outcome.value;
  problems.push({ host, failure: outcome.failure, detail: outcome.detail });
  return [];
}

/** Check one address with the policy, in its canonical text form. */
export function judge(address: string, family: 4 | 6, host: string | undefined, policy: AddressPolicy): ResolvedAddress {
  const ip = parseIpAddress(address);
  const base = host === undefined ? {} : { host };
  if (!ip || ip.kind !== (family === 4 ? 'ipv4' : 'ipv6')) {
    const shown = escapeForDisplay(address.slice(0, 100));
    return { address: shown, family, ...base, allowed: false, refusal: `the resolver answered "${shown}", which is not an IPv${family} address` };
  }
  const canonical = ip.canonical; // dotted quad, or RFC 5952 for IPv6
  const verdict = policy.check(canonical);
  return verdict.allowed ? { address: canonical, family, ...base, allowed: true } : { address: canonical, family, ...base, allowed: false, refusal: verdict.reason };
}

/** Why no address was found: the worst failure seen, or that the names have no address. */
export function noAddressError(domain: string, implicit: boolean, mxAnswer: DnsOutcome<unknown>, lookedUp: string[], problems: LookupProblem[]): { code: ErrorCode; text: string } {
  const worst = problems.find((p) => p.failure === 'timeout') ?? problems.find((p) => p.failure === 'failed');
  if (worst) {
    const code: ErrorCode = worst.failure === 'timeout' ? 'dns-timeout' : 'dns-failed';
    return { code, text: `the address lookup for ${worst.host} failed: ${worst.detail}` };
  }
  if (implicit) {
    const nxdomain = !mxAnswer.ok && mxAnswer.failure === 'not-found' && problems.length > 0 && problems.every((p) => p.failure === 'not-found');
    return nxdomain ? { code: 'dns-not-found', text: `${domain} does not exist in DNS (NXDOMAIN)` } : { code: 'dns-not-found', text: `${domain} has no MX record and no address (A or AAAA)` };
  }
  return { code: 'dns-not-found', text: `no mail server of ${domain} has an address (A or AAAA): ${lookedUp.join(', ')}` };
}
