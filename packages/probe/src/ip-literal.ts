// Strict text forms of IP addresses.
//
// ipaddr.js's own parser is lenient on purpose: it reads "0x7f.1", "127.1" and "010.0.0.1" the
// way inet_aton does, accepts zone ids ("fe80::1%eth0"), and rewrites "::1.2.3.4" (an
// IPv4-compatible address, RFC 4291 §2.5.5.1) into "::ffff:1.2.3.4" (IPv4-mapped), which changes
// the address. So every literal relayprobe accepts or judges goes through the grammar below, and
// only the parsed parts are handed to ipaddr.js (for ranges and RFC 5952 formatting).
//
// Invariant: a value returned here re-parses to the same address, by us, by ipaddr.js and by the
// operating system's inet_pton.
import ipaddr from 'ipaddr.js';

/** A parsed IP literal with its canonical text (dotted quad, or RFC 5952 lower-case IPv6). */
export type IpLiteral =
  | { kind: 'ipv4'; ip: ipaddr.IPv4; canonical: string }
  | { kind: 'ipv6'; ip: ipaddr.IPv6; canonical: string };

// RFC 3986 §3.2.2 dec-octet: no leading zeros, so "012" (octal to inet_aton) is not one.
const DEC_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const DOTTED_QUAD = new RegExp(`^${DEC_OCTET}(?:\\.${DEC_OCTET}){3}$`);
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Parse a dotted-quad IPv4 address with four decimal parts and no leading zeros. */
export function parseIPv4Literal(text: string): ipaddr.IPv4 | undefined {
  if (!DOTTED_QUAD.test(text)) return undefined;
  return new ipaddr.IPv4(text.split('.').map(Number));
}

/**
 * Parse an IPv6 address in the text forms of RFC 4291 §2.2 (eight groups, one "::", an optional
 * trailing dotted quad); no zone id, no brackets.
 */
export function parseIPv6Literal(text: string): ipaddr.IPv6 | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0) return undefined;

  // Form 3 (x:x:x:x:x:x:d.d.d.d): the dotted quad stands for the last two groups.
  let head = text;
  const tail: number[] = [];
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIPv4Literal(last);
    if (!v4) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = v4.octets;
    tail.push((a << 8) | b, (c << 8) | d);
    head = text.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }

  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const left = groupsOf(halves[0] ?? '');
  const right = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  // An empty group here comes from a lone leading or trailing colon (":1::", "1::2:").
  if (![...left, ...right].every((g) => HEX_GROUP.test(g))) return undefined;

  const explicit = left.length + right.length + tail.length;
  const compressed = halves.length === 2;
  // "::" stands for one or more zero groups, so with it at most seven groups are written.
  if (compressed ? explicit > 7 : explicit !== 8) return undefined;

  const zeros = new Array<number>(8 - explicit).fill(0);
  const parts = [...left.map((g) => parseInt(g, 16)), ...zeros, ...right.map((g) => parseInt(g, 16)), ...tail];
  return new ipaddr.IPv6(parts);
}

/** Parse an IPv4 or IPv6 literal (strict grammar, no brackets, no zone id). */
export function parseIpLiteral(text: string): IpLiteral | undefined {
  const v4 = parseIPv4Literal(text);
  if (v4) return { kind: 'ipv4', ip: v4, canonical: v4.toString() };
  const v6 = parseIPv6Literal(text);
  if (v6) return { kind: 'ipv6', ip: v6, canonical: v6.toRFC5952String() };
  return undefined;
}
