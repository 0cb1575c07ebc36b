// The one registry of error codes (HOUSE-STYLE rule 7). Every ErrorEvent.code and every
// Resolution.error.code is a key of ERROR_CODES; docs/error-codes.md lists the same codes and a
// test keeps the two in step. Codes are stable: rename never, add freely.

export interface ErrorCodeInfo {
  /** Whose side the cause is on. */
  side: 'ours' | 'server';
  /** One sentence a person can act on. */
  description: string;
}

export const ERROR_CODES = {
  // Input and policy (nothing was sent)
  'invalid-target': { side: 'ours', description: 'The target is not a host name, IP address, domain or e-mail address in the accepted grammar.' },
  'invalid-option': { side: 'ours', description: 'An option (port, HELO name, test domain, recipient, timeout, source address) is malformed.' },
  'port-not-allowed': { side: 'ours', description: 'The port is not in the allowed list (25, 465 and 587 unless the operator allows more).' },
  'address-refused': { side: 'ours', description: 'The address policy refuses this address (private, loopback, reserved or cloud metadata range).' },
  // DNS
  'dns-not-found': { side: 'server', description: 'The name does not exist in DNS (NXDOMAIN) or has no address.' },
  'dns-failed': { side: 'server', description: 'DNS lookup failed (SERVFAIL, refused, or another resolver error).' },
  'dns-timeout': { side: 'server', description: 'DNS lookup did not answer in time.' },
  'null-mx': { side: 'server', description: 'The domain publishes a null MX (RFC 7505): it accepts no mail, so there is nothing to test.' },
  // Connection
  'connect-refused': { side: 'server', description: 'The server refused the TCP connection (nothing listens on that port).' },
  'connect-timeout': { side: 'server', description: 'The TCP connection did not open in time; outbound port 25 is often blocked by cloud providers and ISPs.' },
  'connect-failed': { side: 'server', description: 'The TCP connection failed (network unreachable, host unreachable, or another socket error).' },
  'source-address-unavailable': { side: 'ours', description: 'The local source address cannot be used on this machine.' },
  'connection-reset': { side: 'server', description: 'The server reset the connection.' },
  'connection-closed': { side: 'server', description: 'The server closed the connection while a reply was expected.' },
  // SMTP conversation
  'greeting-timeout': { side: 'server', description: 'No complete greeting in time: possibly a tarpit; RFC 5321 lets servers take 5 minutes.' },
  'reply-timeout': { side: 'server', description: 'No complete reply within the per-reply timeout.' },
  'probe-deadline': { side: 'ours', description: 'The whole-probe deadline passed; remaining vectors were not run.' },
  'probe-aborted': { side: 'ours', description: 'The probe was stopped (Ctrl-C or server shutdown) before it finished.' },
  'malformed-reply': { side: 'server', description: 'A reply line does not follow the RFC 5321 grammar (3 digits, then space, hyphen or end of line).' },
  'line-too-long': { side: 'server', description: 'A reply line exceeded the line cap without ending.' },
  'reply-too-large': { side: 'server', description: 'A reply exceeded the size or line-count cap.' },
  'session-too-large': { side: 'server', description: 'The server sent more than the per-session byte cap.' },
  'unsolicited-data': { side: 'server', description: 'The server sent bytes before we spoke or that answer no command.' },
  'service-unavailable': { side: 'server', description: 'The server said 421: it is closing the session.' },
  'no-service': { side: 'server', description: 'The greeting was 554 or 521: the server offers no SMTP service to us.' },
  'unexpected-greeting': { side: 'server', description: 'The greeting was not 220.' },
  'helo-refused': { side: 'server', description: 'Both EHLO and HELO were refused.' },
  // TLS
  'starttls-not-offered': { side: 'server', description: 'STARTTLS was required (--tls starttls) but the server does not advertise it.' },
  'starttls-refused': { side: 'server', description: 'The server did not answer 220 to STARTTLS.' },
  'starttls-injection': { side: 'server', description: 'Bytes followed the 220 to STARTTLS before the handshake: a plaintext injection (cf. CVE-2011-0411); the session was aborted.' },
  'tls-failed': { side: 'server', description: 'The TLS handshake failed.' },
  'tls-timeout': { side: 'server', description: 'The TLS handshake did not finish in time.' },
  // Ours
  'connection-budget': { side: 'ours', description: 'The per-probe connection budget ran out; remaining vectors were not run.' },
  'internal-error': { side: 'ours', description: 'A bug in relayprobe; please report it with the transcript.' },
  // What one result may store (the engine's result-limits.ts)
  'replies-cut': {
    side: 'server',
    description: 'The server sent more than one result keeps (200 replies a connection, 384 KiB of text a result): later replies keep only their code, and each says what was cut.',
  },
  'result-too-large': { side: 'server', description: 'The probe reached the most events one result may hold (4,000); it was stopped there and the remaining vectors were not run.' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** True when `code` is a registered error code. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/** Whose side an error's cause is on: the registry says it, once, for every code. */
export function errorSide(code: ErrorCode): ErrorCodeInfo['side'] {
  return ERROR_CODES[code].side;
}
