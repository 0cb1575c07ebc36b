// Address ranges that are not the public internet, each with the words and the RFC that explain
// it to a person. The address policy denies these by default (SECURITY.md §1); it also denies
// whatever ipaddr.js does not call "unicast" and, for IPv6, anything outside 2000::/3, so this
// table is for naming a range well, not the only line of defence.
//
// Invariant: within each list, a more specific range comes before the range containing it, so
// the first match is the best name (255.255.255.255 before 240/4, Teredo before 2001::/23).
import ipaddr from 'ipaddr.js';

/** A named special-purpose range. */
export interface SpecialRange {
  cidr: string;
  /** Completes "<address> is ...". */
  description: string;
  rfc: string;
}

const IPV4_RANGES: readonly SpecialRange[] = [
  { cidr: '0.0.0.0/8', description: 'an unspecified ("this network") address', rfc: 'RFC 1122 §3.2.1.3' },
  { cidr: '10.0.0.0/8', description: 'a private address', rfc: 'RFC 1918' },
  { cidr: '100.64.0.0/10', description: 'a carrier-grade NAT (shared) address', rfc: 'RFC 6598' },
  { cidr: '127.0.0.0/8', description: 'a loopback address', rfc: 'RFC 1122 §3.2.1.3' },
  { cidr: '169.254.0.0/16', description: 'a link-local address', rfc: 'RFC 3927' },
  { cidr: '172.16.0.0/12', description: 'a private address', rfc: 'RFC 1918' },
  { cidr: '192.0.0.0/24', description: 'an IETF protocol assignment', rfc: 'RFC 6890' },
  { cidr: '192.0.2.0/24', description: 'a documentation address', rfc: 'RFC 5737' },
  { cidr: '192.88.99.0/24', description: 'a deprecated 6to4 relay anycast address', rfc: 'RFC 7526' },
  { cidr: '192.168.0.0/16', description: 'a private address', rfc: 'RFC 1918' },
  { cidr: '198.18.0.0/15', description: 'a benchmarking address', rfc: 'RFC 2544' },
  { cidr: '198.51.100.0/24', description: 'a documentation address', rfc: 'RFC 5737' },
  { cidr: '203.0.113.0/24', description: 'a documentation address', rfc: 'RFC 5737' },
  { cidr: '224.0.0.0/4', description: 'a multicast address', rfc: 'RFC 5771' },
  { cidr: '255.255.255.255/32', description: 'the limited broadcast address', rfc: 'RFC 919' },
  { cidr: '240.0.0.0/4', description: 'a reserved address', rfc: 'RFC 1112 §4' },
];

// IPv4-mapped addresses (::ffff:0:0/96) are absent on purpose: the policy judges them as the
// IPv4 address they carry (ipaddr.process semantics), which is where a socket would go.
const IPV6_RANGES: readonly SpecialRange[] = [
  { cidr: '::/128', description: 'the unspecified address', rfc: 'RFC 4291 §2.5.2' },
  { cidr: '::1/128', description: 'the loopback address', rfc: 'RFC 4291 §2.5.3' },
  { cidr: '::/96', description: 'a deprecated IPv4-compatible address', rfc: 'RFC 4291 §2.5.5.1' },
  { cidr: '64:ff9b::/96', description: 'a NAT64 address', rfc: 'RFC 6052' },
  { cidr: '64:ff9b:1::/48', description: 'a local-use NAT64 address', rfc: 'RFC 8215' },
  { cidr: '100::/64', description: 'a discard-only address', rfc: 'RFC 6666' },
  { cidr: '2001::/32', description: 'a Teredo tunnel address', rfc: 'RFC 4380' },
  { cidr: '2001:db8::/32', description: 'a documentation address', rfc: 'RFC 3849' },
  { cidr: '2001::/23', description: 'an IETF protocol assignment', rfc: 'RFC 2928' },
  { cidr: '2002::/16', description: 'a 6to4 tunnel address', rfc: 'RFC 3056' },
  { cidr: '3fff::/20', description: 'a documentation address', rfc: 'RFC 9637' },
  { cidr: '5f00::/16', description: 'a segment-routing address', rfc: 'RFC 9602' },
  { cidr: 'fc00::/7', description: 'a unique local (private) address', rfc: 'RFC 4193' },
  { cidr: 'fe80::/10', description: 'a link-local address', rfc: 'RFC 4291 §2.5.6' },
  { cidr: 'fec0::/10', description: 'a deprecated site-local address', rfc: 'RFC 3879' },
  { cidr: 'ff00::/8', description: 'a multicast address', rfc: 'RFC 4291 §2.7' },
];

type Parsed = readonly [SpecialRange, ipaddr.IPv4 | ipaddr.IPv6, number];
const parse = (range: SpecialRange): Parsed => {
  const [network, bits] = ipaddr.parseCIDR(range.cidr);
  return [range, network, bits];
};
const PARSED_IPV4 = IPV4_RANGES.map(parse);
const PARSED_IPV6 = IPV6_RANGES.map(parse);
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** The first special range containing `ip`, undefined for public addresses. */
function findSpecialRange(ip: ipaddr.IPv4 | ipaddr.IPv6): SpecialRange | undefined {
  const table = ip.kind() === 'ipv4' ? PARSED_IPV4 : PARSED_IPV6;
  for (const [range, network, bits] of table) {
    if (ip.kind() === network.kind() && ip.match(network, bits)) return range;
  }
  return undefined;
}

/**
 * Default deny (SECURITY.md §1): the named range if any; else what ipaddr.js calls it when that is
 * not "unicast"; else, for IPv6, anything outside global unicast 2000::/3 (RFC 4291 §2.4).
 */
export function classifySpecial(ip: ipaddr.IPv4 | ipaddr.IPv6): SpecialRange | undefined {
  const named = findSpecialRange(ip);
  if (named) return named;
  const range = ip.range();
  if (range !== 'unicast') {
    return { cidr: `ipaddr.js range "${range}"`, description: 'a special-purpose address', rfc: 'RFC 6890' };
  }
  if (ip.kind() === 'ipv6' && !ip.match(GLOBAL_UNICAST_V6)) {
    return { cidr: 'outside 2000::/3', description: 'not a global unicast IPv6 address', rfc: 'RFC 4291 §2.4' };
  }
  return undefined;
}
