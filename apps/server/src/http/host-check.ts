// Against DNS rebinding (issue 12, item 9; SECURITY.md §4). A page on evil.example that rebinds its
// name to this service's address is same-origin with it in the visitor's browser, so neither
// same-origin rules nor comparing Origin with Host stops it: the Host header is the one thing that
// still says "evil.example". Every request, REST, pages and WebSocket upgrades alike, must name a
// host the service is reached by: RELAYPROBE_PUBLIC_URL's, the listen address, localhost, or one
// of RELAYPROBE_ALLOWED_HOSTS; when it listens on every interface, any IP literal too (a literal
// cannot be rebound: a page served from it is the service itself). Other hosts get 421
// (Misdirected Request, RFC 9110 §15.5.20). A request that carries an Origin must come from the
// service's own pages (its Host, or RELAYPROBE_PUBLIC_URL's origin), or it gets 403: a cross-site
// form or script has no business here either.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkHostName, escapeForDisplay, parseIpAddress } from '@relayprobe/contracts';
import { sendError } from './api-errors.js';

/** Where the service is reached. */
export interface HostCheckOptions {
  publicUrl: string | undefined;
  /** RELAYPROBE_HOST. */
  listenHost: string;
  /** RELAYPROBE_ALLOWED_HOSTS, as config.ts normalized them. */
  allowedHosts: readonly string[];
}

const WILDCARD_LISTEN = new Set(['0.0.0.0', '::']);

/**
 * The host of a Host header (or a host name or address) in one comparable form: lower case, no
 * port, no trailing dot, an IP address in its canonical text (IPv6 in brackets); undefined when it
 * is neither a host name nor an IP address.
 */
export function comparableHost(text: string): string | undefined {
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    const rest = text.slice(end + 1);
    const address = end > 0 ? parseIpAddress(text.slice(1, end)) : undefined;
    return address?.kind === 'ipv6' && (rest === '' || /^:\d{1,5}$/.test(rest)) ? `[${address.canonical}]` : undefined;
  }
  const [name = '', port, ...more] = text.split(':');
  if (more.length > 0 || (port !== undefined && !/^\d{1,5}$/.test(port))) return undefined;
  const address = parseIpAddress(name);
  if (address) return address.kind === 'ipv4' ? address.canonical : undefined;
  const checked = checkHostName(name);
  return checked.ok ? checked.host : undefined;
}

/** An onRequest hook: 421 for a Host the service is not reached by, 403 for a foreign Origin. */
export function hostCheck(options: HostCheckOptions) {
  const wildcard = WILDCARD_LISTEN.has(options.listenHost);
  const publicOrigin = options.publicUrl === undefined ? undefined : new URL(options.publicUrl).origin;
  const names = new Set(['localhost', ...options.allowedHosts]);
  for (const host of [options.publicUrl === undefined ? undefined : new URL(options.publicUrl).host, wildcard ? undefined : listenLiteral(options.listenHost)]) {
    const comparable = host === undefined ? undefined : comparableHost(host);
    if (comparable !== undefined) names.add(comparable);
  }
  const reachedBy = (host: string | undefined) => host !== undefined && (names.has(host) || (wildcard && (host.startsWith('[') || parseIpAddress(host) !== undefined)));

  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const hostHeader = request.host ?? '';
    if (!reachedBy(comparableHost(hostHeader))) {
      const shown = escapeForDisplay(hostHeader.slice(0, 100));
      return void (await sendError(
        reply,
        421,
        'host-not-allowed',
        `This server is not reached as "${shown}": the names it answers to are its RELAYPROBE_PUBLIC_URL, its listen address, localhost and RELAYPROBE_ALLOWED_HOSTS.`,
      ));
    }
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== publicOrigin && !sameOrigin(origin, hostHeader)) {
      await sendError(reply, 403, 'invalid-request', 'Requests from other sites are not accepted (Origin not allowed): open relayprobe at its own address.');
    }
  };
}

/** The listen address as a Host would name it (IPv6 in brackets). */
function listenLiteral(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** True when `origin` is an http(s) origin whose host (and port) is the request's Host. */
function sameOrigin(origin: string, host: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}
