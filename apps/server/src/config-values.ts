// The value types of the RELAYPROBE_* variables (config.ts's table): each parses one text and says
// in words what was wrong with it.
import { isIP } from 'node:net';
import { createAddressPolicy, isDnsServer } from '@relayprobe/probe';
import { comparableHost } from './http/host-check.js';
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };
export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const no = (message: string): Parsed<never> => ({ ok: false, message });

const list = (text: string) => text.split(/[\s,]+/).filter((s) => s.length > 0);

export function integer(min: number, max: number) {
  return (text: string): Parsed<number> => {
    if (!/^\d+$/.test(text)) return no(`must be a whole number between ${min} and ${max}`);
    const n = Number(text);
    return n >= min && n <= max ? ok(n) : no(`must be between ${min} and ${max}`);
  };
}

export function cidrList(text: string): Parsed<string[]> {
  const cidrs = list(text);
  const policy = createAddressPolicy({ allowPrivate: false, allowCidrs: cidrs });
  return policy.ok ? ok(cidrs) : no(policy.message);
}

export function portList(text: string): Parsed<number[]> {
  const ports = new Set<number>();
  for (const item of list(text)) {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(item);
    const from = Number(m?.[1]);
    const to = Number(m?.[2] ?? m?.[1]);
    if (!m || from < 1 || to > 65535 || from > to) return no(`"${item}" is not a port or a range like 2525-2530 (ports 1-65535)`);
    if (to - from > 65535) return no(`"${item}" is too wide`);
    for (let p = from; p <= to; p++) ports.add(p);
  }
  return ports.size > 0 ? ok([...ports].sort((a, b) => a - b)) : no('must list at least one port');
}

export function dnsServers(text: string): Parsed<string[]> {
  const items = list(text);
  const wrong = items.find((item) => !isDnsServer(item));
  if (wrong !== undefined) return no(`"${wrong}" is not an IP address with an optional port (192.0.2.53, 192.0.2.53:5353, [2001:db8::53]:53)`);
  return items.length > 0 ? ok(items) : no('must list at least one DNS server');
}

/** RELAYPROBE_ALLOWED_HOSTS: host names or IP addresses (IPv6 in brackets or bare), no ports, no wildcards. */
export function allowedHosts(text: string): Parsed<string[]> {
  const hosts: string[] = [];
  for (const item of list(text)) {
    if (item.includes('*')) return no(`"${item}": list the names themselves; a wildcard would turn the DNS-rebinding check off`);
    const bare = isIP(item) === 6 ? `[${item}]` : item;
    const host = comparableHost(bare);
    if (host === undefined || /:\d+$/.test(bare.replace(/^\[.*\]/, ''))) return no(`"${item}" is not a host name or an IP address without a port (relayprobe.example.com, 192.0.2.7, [2001:db8::7])`);
    hosts.push(host);
  }
  return ok(hosts);
}

const PROXY_KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);

export function trustProxy(text: string): Parsed<string[] | false> {
  const items = list(text);
  if (items.length === 0 || text.trim() === 'false') return ok(false);
  for (const item of items) {
    if (item === 'true' || item === '*') return no('trusting every client would let anyone forge X-Forwarded-For; list your proxy addresses or CIDRs (or loopback)');
    if (PROXY_KEYWORDS.has(item)) continue;
    const [address, bits] = item.split('/');
    if (!address || isIP(address) === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits))) return no(`"${item}" is not an IP address, a CIDR, or one of loopback, linklocal, uniquelocal`);
    if (bits !== undefined && Number(bits) < 8) return no(`"${item}" trusts a huge part of the internet, so anyone could forge X-Forwarded-For; list your proxies' addresses`);
  }
  return ok(items);
}
