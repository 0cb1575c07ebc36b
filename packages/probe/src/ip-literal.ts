// IP literals as ipaddr.js objects, for range checks and CIDR matching (address-policy.ts).
//
// ipaddr.js's own parser is lenient on purpose (it reads "0x7f.1", "127.1" and "010.0.0.1" the
// way inet_aton does, accepts zone ids, and rewrites "::1.2.3.4" into "::ffff:1.2.3.4"), so it is
// never asked to parse: the text goes through the one strict grammar of @relayprobe/contracts
// (ip-address-text.ts), and only the parsed parts are handed to ipaddr.js.
import ipaddr from 'ipaddr.js';
import { parseIpAddress } from '@relayprobe/contracts';

/** A parsed IP literal with its canonical text (dotted quad, or RFC 5952 lower-case IPv6). */
export type IpLiteral = { kind: 'ipv4'; ip: ipaddr.IPv4; canonical: string } | { kind: 'ipv6'; ip: ipaddr.IPv6; canonical: string };

/** Parse an IPv4 or IPv6 literal (strict grammar, no brackets, no zone id). */
export function parseIpLiteral(text: string): IpLiteral | undefined {
  const parsed = parseIpAddress(text);
  if (!parsed) return undefined;
  return parsed.kind === 'ipv4'
    ? { kind: 'ipv4', ip: new ipaddr.IPv4([...parsed.octets]), canonical: parsed.canonical }
    : { kind: 'ipv6', ip: new ipaddr.IPv6([...parsed.parts]), canonical: parsed.canonical };
}
