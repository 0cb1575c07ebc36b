// Where an alert webhook may go (SECURITY.md §1, applied to webhook URLs as to probe targets): an
// http(s) URL without credentials whose host is written plainly (no `http://2130706433/`, which
// the URL parser would quietly read as 127.0.0.1); every address of the name resolved once with
// the asynchronous resolver and checked by the address policy (loopback and private ranges only
// through RELAYPROBE_ALLOW_WEBHOOKS, cloud metadata never); the request then goes to the checked
// address (webhook-sender.ts), so a second DNS answer cannot move it. Checked when the watch is
// saved and again before every delivery.
import { checkHostName, escapeForDisplay, parseIpAddress } from '@relayprobe/contracts';
import type { AddressPolicy, DnsResolver } from '@relayprobe/probe';

/** A checked webhook: the URL, and the address the request must go to. */
export interface WebhookTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

export type WebhookCheck = { ok: true; target: WebhookTarget } | { ok: false; status: 400 | 403; code: 'invalid-option' | 'address-refused'; message: string };

const bad = (message: string): WebhookCheck => ({ ok: false, status: 400, code: 'invalid-option', message });

/** The host as written between "//" and the port or path, lower-cased. */
function writtenHost(text: string): string | undefined {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(text)?.[1];
  if (authority === undefined || authority.includes('@')) return undefined;
  const host = authority.startsWith('[') ? authority.slice(0, authority.indexOf(']') + 1) : authority.replace(/:\d*$/, '');
  return host.toLowerCase();
}

async function addressesOf(host: string, resolver: DnsResolver): Promise<{ address: string; family: 4 | 6 }[] | string> {
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const found = [
    ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 as const })) : []),
    ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 as const })) : []),
  ];
  if (found.length > 0) return found;
  const reason = v4.status === 'rejected' ? (v4.reason as { code?: string }).code : undefined;
  return `the webhook host ${host} has no address (${reason ?? 'no A or AAAA record'})`;
}

/** Check a webhook URL and resolve it to the one address the request will use. */
export async function checkWebhookUrl(text: string, field: string, resolver: DnsResolver, policy: AddressPolicy): Promise<WebhookCheck> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad(`"${field}" must be an absolute http:// or https:// URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return bad(`"${field}" must start with https:// or http://.`);
  if (url.username || url.password) return bad(`"${field}" must not carry a user name or password; put a token in the path or use the webhook secret.`);
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (writtenHost(text) !== url.hostname) return bad(`"${field}": write the host as a plain name or address (${escapeForDisplay(url.hostname)}), not in another notation.`);
  let addresses: { address: string; family: 4 | 6 }[];
  const ip = parseIpAddress(literal);
  if (ip) addresses = [{ address: literal, family: literal.includes(':') ? 6 : 4 }];
  else {
    const name = checkHostName(literal);
    if (!name.ok) return bad(`"${field}": ${name.problem}`);
    const found = await addressesOf(name.host, resolver);
    if (typeof found === 'string') return bad(`"${field}": ${found}.`);
    addresses = found;
  }
  // Any refused answer refuses the name, naming the address (SECURITY.md §1).
  for (const { address } of addresses) {
    const verdict = policy.check(address);
    if (!verdict.allowed) return { ok: false, status: 403, code: 'address-refused', message: `"${field}": ${verdict.reason.replace('RELAYPROBE_ALLOW_TARGETS', 'RELAYPROBE_ALLOW_WEBHOOKS')}.` };
  }
  const chosen = addresses.find((a) => a.family === 4) ?? (addresses[0] as { address: string; family: 4 | 6 });
  return { ok: true, target: { url, ...chosen } };
}
