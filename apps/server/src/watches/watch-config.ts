// Parsers of the alert variables of config.ts (RELAYPROBE_ALERT_SMTP_URL, RELAYPROBE_ALERT_FROM):
// checked at boot like every other value, so a typo stops the start instead of failing the first
// alert hours later.
import { checkHostName, parseIpAddress, validateMailbox } from '@relayprobe/contracts';

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** smtp://[user:password@]host[:port] or smtps://...; the value is kept as written (it may hold a password). */
export function parseAlertSmtpUrl(text: string): Parsed<string> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: 'must be a URL such as smtp://mail.example.com:587 or smtps://user:password@mail.example.com' };
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return { ok: false, message: 'must start with smtp:// (STARTTLS when offered) or smtps:// (implicit TLS)' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host || (!parseIpAddress(host) && !checkHostName(host).ok)) return { ok: false, message: 'must name the SMTP server by host name or IP address' };
  if ((url.pathname !== '' && url.pathname !== '/') || url.hash) return { ok: false, message: 'must be only scheme, optional user:password, host and port' };
  return { ok: true, value: text };
}

/** An RFC 5321 mailbox for the From of alert e-mail. */
export function parseAlertFrom(text: string): Parsed<string> {
  const problem = validateMailbox(text);
  return problem ? { ok: false, message: `must be an e-mail address: ${problem}` } : { ok: true, value: text };
}
