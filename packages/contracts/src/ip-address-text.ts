// Strict text forms of IP addresses: the one IPv4 parser and the one IPv6 parser of relayprobe,
// used for typed targets, address literals in HELO names and mailboxes, DNS answers, operator
// settings and the address policy (through packages/probe ip-literal.ts, which wraps the parts
// in ipaddr.js objects for range checks).
//
// Lenient parsers are the danger (SECURITY.md §1): inet_aton, and ipaddr.js on purpose, read
// "0x7f.1", "127.1" and "010.0.0.1" as addresses; ipaddr.js accepts zone ids ("fe80::1%eth0")
// and rewrites "::1.2.3.4" (IPv4-compatible, RFC 4291 §2.5.5.1) into "::ffff:1.2.3.4"
// (IPv4-mapped), which changes the address. Only the grammar below is accepted.
//
// Invariant: a value returned here re-parses to the same address, by us, by ipaddr.js and by the
// operating system's inet_pton; nothing here does I/O or needs Node.

/** The four octets of a dotted-quad IPv4 address. */
export type IPv4Octets = readonly [number, number, number, number];

/** An IPv6 address as parsed, with how it was written (RFC 5321 §4.1.3 restricts "::"). */
export interface ParsedIPv6 {
  /** Eight 16-bit groups. */
  parts: readonly number[];
  /** How many zero groups the "::" stands for; undefined when the text has no "::". */
  elided: number | undefined;
}

/** An IPv4 or IPv6 address with its canonical text: dotted quad, or RFC 5952 lower case. */
export type IpAddressText = { kind: 'ipv4'; octets: IPv4Octets; canonical: string } | { kind: 'ipv6'; parts: readonly number[]; canonical: string };

// RFC 3986 §3.2.2 dec-octet: no leading zeros, so "012" (octal to inet_aton) is not one.
const DEC_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const DOTTED_QUAD = new RegExp(`^${DEC_OCTET}(?:\\.${DEC_OCTET}){3}$`);
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Parse a dotted-quad IPv4 address: four decimal parts 0–255, no leading zeros, nothing else. */
export function parseIPv4(text: string): IPv4Octets | undefined {
  if (!DOTTED_QUAD.test(text)) return undefined;
  const [a = 0, b = 0, c = 0, d = 0] = text.split('.').map(Number);
  return [a, b, c, d];
}

/**
 * Parse an IPv6 address in the text forms of RFC 4291 §2.2 (eight groups, at most one "::", an
 * optional trailing dotted quad); no zone id, no brackets.
 */
export function parseIPv6(text: string): ParsedIPv6 | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0) return undefined;

  // Form 3 (x:x:x:x:x:x:d.d.d.d): the dotted quad stands for the last two groups.
  let head = text;
  const tail: number[] = [];
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIPv4(last);
    if (!v4) return undefined;
    const [a, b, c, d] = v4;
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
  return { parts, elided: compressed ? zeros.length : undefined };
}

/**
 * RFC 5952 §4 text of eight 16-bit groups: lower-case hex without leading zeros, the longest run
 * of two or more zero groups (the first of equal runs) written "::". Embedded IPv4 addresses are
 * written in hex too (ipaddr.js's toRFC5952String does the same; a test keeps the two in step).
 */
export function formatIPv6(parts: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < parts.length;) {
    if (parts[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < parts.length && parts[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (groups: readonly number[]) => groups.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(parts);
  return `${hex(parts.slice(0, bestStart))}::${hex(parts.slice(bestStart + bestLength))}`;
}

/** Parse an IPv4 or IPv6 address (strict grammar, no brackets, no zone id) with its canonical text. */
export function parseIpAddress(text: string): IpAddressText | undefined {
  const octets = parseIPv4(text);
  if (octets) return { kind: 'ipv4', octets, canonical: octets.join('.') };
  const v6 = parseIPv6(text);
  if (v6) return { kind: 'ipv6', parts: v6.parts, canonical: formatIPv6(v6.parts) };
  return undefined;
}
