// From a parsed target to what a probe tests: one server (an address literal, a host name without
// MX records, a domain whose MX set is one address) or, for a domain with MX records, every MX
// host and every address of each, each a server of its own (docs/domain-test.md).
//
// RFC 5321 §5.1 and RFC 7505 as in mx-resolution.ts (its MX step is shared); then, for a domain:
// - every MX host (the first MAX_MX_HOSTS_LOOKED_UP by preference; the rest are counted, not
//   asked) is asked for A and AAAA at once, all hosts at once, under one deadline, so a domain
//   costs one round of lookups however many hosts it has; each address's PTR name is asked as soon
//   as its address answer arrives, under the same deadline;
// - SECURITY.md §1 per name: a host with one refused answer is refused whole (DNS rebinding), its
//   addresses listed as not tested with the reason; the other hosts are still tested. A domain
//   with nothing left to test is refused as a whole, as a single-server target is;
// - an address already listed under a better MX host is listed again as a duplicate, not tested
//   twice; a host is listed with at most MAX_ADDRESSES_PER_HOST addresses; at most MAX_SERVERS
//   servers get a session, the rest are listed as past the limit.
//
// Invariant: each name is asked once per record type, and only through the resolver handed in.
import { performance } from 'node:perf_hooks';
import { validateDomain, type PlannedServer, type ReasonCode, type Resolution, type ResolvedAddress, type TargetInput } from '@relayprobe/contracts';
import { isPrivateOrSpecial } from './address-policy.js';
import { queryWithDeadline, type DnsOutcome } from './dns-query.js';
import {
  MAX_MX_HOSTS_LOOKED_UP,
  addReverseNames,
  answered,
  judge,
  lookupMx,
  noAddressError,
  refusalOf,
  resolveHosts,
  resolveLiteral,
  type LookupProblem,
  type ResolveOptions,
} from './mx-resolution.js';

/** Servers given a session in one domain test (Postfix tries 5 addresses for one delivery; a test may look further). */
const MAX_SERVERS = 10;
/** Addresses listed per MX host: a hostile host may answer hundreds. */
const MAX_ADDRESSES_PER_HOST = 4;

/** A server of a domain test, and why it gets no session when it does not. */
export interface DomainServer extends PlannedServer {
  reverseName?: string;
  notTested?: { code: ReasonCode; text: string };
}

/** The servers of a domain test, in MX preference order. */
export interface DomainPlan {
  servers: DomainServer[];
  /** MX hosts past the lookup limit. */
  omittedHosts: number;
}

/** What a probe tests: the resolution of its one server, or of a domain with its plan of servers. */
export interface ResolvedTarget {
  resolution: Resolution;
  domain?: DomainPlan;
}

/** Options of resolveForProbe: those of resolveTarget, and whether private addresses get PTR lookups. */
export interface ProbeResolveOptions extends ResolveOptions {
  reversePrivate: boolean;
}

/** Resolve a target once, for a single-server test or a domain test. */
export async function resolveForProbe(input: string, target: TargetInput, options: ProbeResolveOptions): Promise<ResolvedTarget> {
  if (target.kind === 'ipv4' || target.kind === 'ipv6') {
    // An address literal's reverse name is one of the names the relay tricks use, as a host's is.
    const resolution = resolveLiteral(input, target, options.policy);
    if (!resolution.error) await addReverseNames(resolution, options.resolver, options.timeoutMs, options.reversePrivate);
    return { resolution };
  }
  const step = await lookupMx(input, target.host, target.kind, options);
  if (step.done) return { resolution: step.resolution };
  if (step.implicit) {
    // A host name without MX records stays a single-server test, with fallback between its addresses.
    const resolution = await resolveHosts(step, options);
    if (!resolution.error) await addReverseNames(resolution, options.resolver, options.timeoutMs, options.reversePrivate);
    return { resolution };
  }
  return planDomain(step.resolution, step.hosts, step.mxAnswer, options);
}

/** One MX host's answers: its checked addresses (IPv4 first), and the failures of its lookups. */
interface HostAnswers {
  host: string;
  preference: number;
  entries: ResolvedAddress[];
  problems: LookupProblem[];
}

async function planDomain(resolution: Resolution, hosts: string[], mxAnswer: DnsOutcome<unknown>, options: ProbeResolveOptions): Promise<ResolvedTarget> {
  const domain = resolution.domain as string;
  const deadline = performance.now() + options.timeoutMs;
  const remaining = () => Math.max(1, Math.round(deadline - performance.now()));
  const lookedUp = hosts.slice(0, MAX_MX_HOSTS_LOOKED_UP);
  const preferenceOf = (host: string) => resolution.mx.find((m) => m.exchange === host)?.preference ?? 0;
  const answers = await Promise.all(lookedUp.map((host) => lookUpHost(host, preferenceOf(host), options, remaining)));

  resolution.addresses = answers.flatMap((a) => a.entries);
  const plan = planServers(answers, hosts.length - lookedUp.length);
  const testable = plan.servers.filter((s) => s.notTested === undefined);
  if (testable.length === 0) {
    // Nothing to test: the domain is refused (a refused address) or unreachable (no address), as a single-server target is.
    const refused = resolution.addresses.find((entry) => !entry.allowed);
    resolution.error = refused
      ? refusalOf(refused.host ?? domain, refused)
      : noAddressError(
          domain,
          false,
          mxAnswer,
          lookedUp,
          answers.flatMap((a) => a.problems),
        );
    return { resolution };
  }
  // One MX host with one address and nothing else: the single-server test it always was.
  if (plan.servers.length === 1 && plan.omittedHosts === 0) return { resolution };
  return { resolution, domain: plan };
}

/** A and AAAA of one host at once, then each allowed address's PTR name, all before `remaining()` runs out. */
async function lookUpHost(host: string, preference: number, options: ProbeResolveOptions, remaining: () => number): Promise<HostAnswers> {
  const { resolver, policy } = options;
  const problems: LookupProblem[] = [];
  const family = async (query: () => Promise<string[]>, version: 4 | 6): Promise<ResolvedAddress[]> => {
    const entries = answered(await queryWithDeadline(query, remaining()), host, problems).map((address) => judge(address, version, host, policy));
    await Promise.all(entries.slice(0, MAX_ADDRESSES_PER_HOST).map((entry) => reverseName(entry, options, remaining)));
    return entries;
  };
  const [v4, v6] = await Promise.all([family(() => resolver.resolve4(host), 4), family(() => resolver.resolve6(host), 6)]);
  const seen = new Set<string>();
  const entries = [...v4, ...v6].filter((entry) => !seen.has(entry.address) && seen.add(entry.address));
  return { host, preference, entries, problems };
}

/** The PTR name of an allowed address (a local name the vectors use), when it is an RFC 5321 Domain. */
async function reverseName(entry: ResolvedAddress, options: ProbeResolveOptions, remaining: () => number): Promise<void> {
  const reverse = options.resolver.reverse?.bind(options.resolver);
  if (!reverse || !entry.allowed || (!options.reversePrivate && isPrivateOrSpecial(entry.address))) return;
  const answer = await queryWithDeadline(() => reverse(entry.address), remaining());
  if (!answer.ok) return;
  const name = answer.value.map((n) => n.toLowerCase().replace(/\.$/, '')).find((n) => validateDomain(n) === null);
  if (name) entry.reverseName = name;
}

/** Number the servers in preference order and decide, for each, whether it gets a session. */
function planServers(answers: readonly HostAnswers[], omittedHosts: number): DomainPlan {
  const servers: DomainServer[] = [];
  const firstWith = new Map<string, DomainServer>();
  let sessions = 0;
  for (const { host, preference, entries, problems } of answers) {
    const base = { preference, host };
    if (entries.length === 0) {
      servers.push({ server: servers.length + 1, ...base, notTested: { code: 'host-not-resolved', text: noAddressText(host, problems) } });
      continue;
    }
    const refused = entries.find((entry) => !entry.allowed);
    for (const entry of entries.slice(0, MAX_ADDRESSES_PER_HOST)) {
      const server: DomainServer = { server: servers.length + 1, ...base, address: entry.address, family: entry.family, ...(entry.reverseName ? { reverseName: entry.reverseName } : {}) };
      const earlier = firstWith.get(entry.address);
      if (refused) {
        server.notTested = { code: 'address-refused', text: `${host} resolves to an address the policy refuses, so none of its addresses is tested: ${refused.refusal ?? refused.address}` };
      } else if (earlier) {
        server.notTested = { code: 'duplicate-address', text: `${entry.address} is also server ${earlier.server} (${earlier.host}), tested once` };
      } else if (sessions >= MAX_SERVERS) {
        server.notTested = { code: 'server-limit', text: `a domain test gives at most ${MAX_SERVERS} servers a session; this is server ${server.server}` };
      } else {
        sessions += 1;
      }
      if (!earlier) firstWith.set(entry.address, server);
      servers.push(server);
    }
  }
  return { servers, omittedHosts };
}

/** Why a host gave no address, in words. */
function noAddressText(host: string, problems: readonly LookupProblem[]): string {
  const worst = problems.find((p) => p.failure === 'timeout') ?? problems.find((p) => p.failure === 'failed');
  if (worst) return `the address lookup for ${host} failed: ${worst.detail}`;
  if (problems.length > 0 && problems.every((p) => p.failure === 'not-found')) return `${host} does not exist in DNS (NXDOMAIN)`;
  return `${host} has no address (A or AAAA)`;
}
