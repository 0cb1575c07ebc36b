// Where the prober may connect (SECURITY.md §1). The person typing a target and the DNS answers
// for it are untrusted; without this check the prober is an SSRF tool that reads banners from
// loopback, private networks and cloud metadata services. One module, used by the CLI and the
// web server, so both judge an address the same way.
//
// Order of the checks, and why:
// 1. Only strict literals are judged (ip-literal.ts): "0x7f.1" or "fe80::1%eth0" are refused
//    rather than interpreted.
// 2. IPv4-mapped IPv6 is judged as the IPv4 address it carries (ipaddr.process semantics),
//    because that is where a socket to it goes; and a mapped form of a public address is still
//    refused by default (SECURITY.md §1 lists IPv4-mapped under default deny: no real MX host
//    publishes one, so an answer like that is a trick).
// 3. Cloud metadata is refused always: the known endpoints, all of link-local 169.254.0.0/16
//    (where every large provider serves metadata, credentials, DNS and time) and AWS's IPv6
//    service range fd00:ec2::/32. Neither allowPrivate nor an allow CIDR lifts it, and an IPv6
//    form that embeds it (NAT64, 6to4, Teredo, IPv4-compatible, IPv4-translated) is refused too.
// 4. Default deny for every special-purpose range (special-address-ranges.ts); allowPrivate
//    (the CLI, on the operator's own network) or an allow CIDR (RELAYPROBE_ALLOW_TARGETS) lifts it.
import ipaddr from 'ipaddr.js';
import { escapeForDisplay } from '@relayprobe/contracts';
import { parseIpLiteral } from './ip-literal.js';
import { classifySpecial, type SpecialRange } from './special-address-ranges.js';

/** How permissive the policy is. */
export interface AddressPolicyOptions {
  /** Allow private and special ranges: CLI default true (operator's own network); server default false. */
  allowPrivate: boolean;
  /** Exempt ranges (RELAYPROBE_ALLOW_TARGETS), e.g. ['127.0.0.0/8', '::1/128']. */
  allowCidrs?: string[];
}

/** The policy's answer for one address. */
export type AddressVerdict = { allowed: true; via?: 'allowlist' } | { allowed: false; code: 'address-refused'; reason: string };

/** Judges IP addresses before any connection. */
export interface AddressPolicy {
  /** Judge one IP literal (strict text form). */
  check(address: string): AddressVerdict;
}

/** Result of createAddressPolicy. */
export type AddressPolicyResult = { ok: true; policy: AddressPolicy } | { ok: false; code: 'invalid-option'; message: string };

/**
 * Cloud instance-metadata and credential endpoints, named as such when refused (each is also inside
 * an always-refused range below, or is refused on its own).
 */
export const CLOUD_METADATA_ADDRESSES: readonly string[] = Object.freeze([
  '169.254.169.254', // the instance metadata service of AWS, GCP, Azure, Oracle, DigitalOcean, OpenStack
  '169.254.170.2', // AWS ECS task metadata and credentials
  '169.254.169.253', // AWS VPC DNS resolver
  '169.254.169.123', // AWS time sync
  'fd00:ec2::254', // AWS instance metadata over IPv6
  'fd00:ec2::253', // AWS DNS over IPv6
  'fd00:ec2::123', // AWS time sync over IPv6
  'fd00:ec2::23', // AWS ECS task metadata over IPv6
  '100.100.100.200', // Alibaba Cloud metadata
  '168.63.129.16', // Azure wireserver
]);

/** A range refused whatever the configuration, with the words that complete "<address> is ...". */
interface AlwaysRefusedRange {
  cidr: string;
  description: string;
}

/**
 * Refused whatever the configuration, because providers put their instance services there: any
 * other address in them is one that a cloud may start using for the same purpose.
 */
const ALWAYS_REFUSED_RANGES: readonly AlwaysRefusedRange[] = [
  { cidr: '169.254.0.0/16', description: 'a link-local address (169.254.0.0/16, RFC 3927), where cloud providers serve instance metadata and credentials' },
  { cidr: 'fd00:ec2::/32', description: "an address of AWS's IPv6 instance services (fd00:ec2::/32), where it serves instance metadata and credentials" },
];

const METADATA_NORMALIZED = new Set(CLOUD_METADATA_ADDRESSES.map((a) => ipaddr.parse(a).toNormalizedString()));
const ALWAYS_REFUSED_PARSED = ALWAYS_REFUSED_RANGES.map((range) => ({ range, cidr: ipaddr.parseCIDR(range.cidr) }));

const METADATA_RULE = 'relayprobe never connects to it, whatever the configuration';
const PRIVATE_RULE = 'relayprobe does not connect to private, loopback or reserved addresses unless the operator allows the range (RELAYPROBE_ALLOW_TARGETS)';

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

type Classification =
  | { kind: 'invalid' }
  /** Always refused: `reached` is the address in the refused range, `direct` when that is the address itself. */
  | { kind: 'metadata'; reached: string; description: string; direct: boolean }
  | {
      kind: 'special';
      range: SpecialRange;
      /** The address as judged (the IPv4 address of an IPv4-mapped one). */
      ip: ipaddr.IPv4 | ipaddr.IPv6;
      judged: string;
      /** The address as written, for matching IPv6 allow CIDRs. */
      raw: ipaddr.IPv4 | ipaddr.IPv6;
      mapped: boolean;
    }
  | { kind: 'public' };

/** Build a policy; a malformed allow CIDR gives an `invalid-option` naming it. */
export function createAddressPolicy(options: AddressPolicyOptions): AddressPolicyResult {
  const allowed: Cidr[] = [];
  for (const entry of options.allowCidrs ?? []) {
    const parsed = parseAllowCidr(entry);
    if (!parsed.ok) return { ok: false, code: 'invalid-option', message: parsed.message };
    allowed.push(parsed.cidr);
  }
  const allowPrivate = options.allowPrivate;

  const check = (address: string): AddressVerdict => {
    const c = classify(address);
    switch (c.kind) {
      case 'public':
        return { allowed: true };
      case 'invalid':
        return refuse(`"${escapeForDisplay(address.slice(0, 100))}" is not an IP address in strict form, so it is not connected to`);
      case 'metadata': {
        const what = c.direct ? `${address} is` : `${address} reaches ${c.reached}, which is`;
        return refuse(`${what} ${c.description}; ${METADATA_RULE}`);
      }
      case 'special': {
        if (allowPrivate) return { allowed: true };
        if (allowed.some((cidr) => inCidr(c.ip, cidr) || inCidr(c.raw, cidr))) return { allowed: true, via: 'allowlist' };
        const what = c.mapped ? `${address} is an IPv4-mapped form of ${c.judged}, which is` : `${address} is`;
        return refuse(`${what} ${c.range.description} (${c.range.cidr}, ${c.range.rfc}); ${PRIVATE_RULE}`);
      }
    }
  };
  return { ok: true, policy: Object.freeze({ check }) };
}

/** True for anything but a public unicast address (metadata and unparsable strings included: fail closed). */
export function isPrivateOrSpecial(address: string): boolean {
  return classify(address).kind !== 'public';
}

const MAPPED_RANGE: SpecialRange = { cidr: '::ffff:0:0/96', description: 'an IPv4-mapped IPv6 address', rfc: 'RFC 4291 §2.5.5.2' };

function classify(address: string): Classification {
  const literal = parseIpLiteral(address);
  if (!literal) return { kind: 'invalid' };
  const raw = literal.ip;
  const mapped = literal.kind === 'ipv6' && literal.ip.isIPv4MappedAddress();
  const ip = literal.kind === 'ipv6' && mapped ? literal.ip.toIPv4Address() : raw;

  const candidates = ip instanceof ipaddr.IPv6 ? [ip, ...embeddedIPv4(ip)] : [ip];
  for (const candidate of candidates) {
    const description = alwaysRefused(candidate);
    if (description) return { kind: 'metadata', reached: candidate.toString(), description, direct: candidate === ip && !mapped };
  }

  const range = classifySpecial(ip) ?? (mapped ? MAPPED_RANGE : undefined);
  if (!range) return { kind: 'public' };
  return { kind: 'special', range, judged: ip.toString(), mapped, raw, ip };
}

/**
 * IPv4 addresses an IPv6 address leads to through a translator or tunnel: IPv4-compatible
 * (RFC 4291 §2.5.5.1), IPv4-translated (::ffff:0:a.b.c.d, RFC 2765 §2.1) and NAT64 (RFC 6052
 * §2.2, RFC 8215, /96 position) carry it in the last 32 bits, 6to4 (RFC 3056 §2) in bits 16–47, Teredo (RFC 4380 §4) the server in bits 32–63 and the
 * client, inverted, in the last 32 bits.
 */
function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4[] {
  const v4 = (hi: number, lo: number): ipaddr.IPv4 => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const [p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0] = ip.parts;
  const out: ipaddr.IPv4[] = [];
  if (p0 === 0 && p1 === 0 && p2 === 0 && p3 === 0 && p4 === 0 && p5 === 0) out.push(v4(p6, p7));
  if (p0 === 0 && p1 === 0 && p2 === 0 && p3 === 0 && p4 === 0xffff && p5 === 0) out.push(v4(p6, p7));
  if (p0 === 0x64 && p1 === 0xff9b && (p2 === 0 || p2 === 1)) out.push(v4(p6, p7));
  if (p0 === 0x2002) out.push(v4(p1, p2));
  if (p0 === 0x2001 && p1 === 0) out.push(v4(p2, p3), v4(~p6 & 0xffff, ~p7 & 0xffff));
  return out;
}

function parseAllowCidr(entry: string): { ok: true; cidr: Cidr } | { ok: false; message: string } {
  const text = entry.trim();
  const shown = `"${escapeForDisplay(entry)}"`;
  const slash = text.indexOf('/');
  const literal = parseIpLiteral(slash < 0 ? text : text.slice(0, slash));
  if (!literal) {
    return { ok: false, message: `allowed target range ${shown} is not a CIDR range such as 10.0.0.0/8 or fd00::/8` };
  }
  const maxBits = literal.kind === 'ipv4' ? 32 : 128;
  let bits = maxBits;
  if (slash >= 0) {
    const length = text.slice(slash + 1);
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(length) || Number(length) > maxBits) {
      return { ok: false, message: `allowed target range ${shown} has an invalid prefix length (0 to ${maxBits})` };
    }
    bits = Number(length);
  }
  const network = literal.kind === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${literal.canonical}/${bits}`) : ipaddr.IPv6.networkAddressFromCIDR(`${literal.canonical}/${bits}`);
  if (network.toString() !== literal.ip.toString()) {
    return { ok: false, message: `allowed target range ${shown} has host bits set; did you mean ${network.toString()}/${bits}?` };
  }
  return { ok: true, cidr: [literal.ip, bits] };
}

/** How an always-refused address is described, or undefined when `ip` is not one. */
function alwaysRefused(ip: ipaddr.IPv4 | ipaddr.IPv6): string | undefined {
  if (METADATA_NORMALIZED.has(ip.toNormalizedString())) return 'a cloud metadata address';
  return ALWAYS_REFUSED_PARSED.find(({ cidr }) => inCidr(ip, cidr))?.range.description;
}

function inCidr(ip: ipaddr.IPv4 | ipaddr.IPv6, [network, bits]: Cidr): boolean {
  return ip.kind() === network.kind() && ip.match(network, bits);
}

function refuse(reason: string): AddressVerdict {
  return { allowed: false, code: 'address-refused', reason };
}
