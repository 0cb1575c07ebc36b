// The registry of verdict reason codes: each names one piece of evidence or one cause of an
// "could not tell". docs/error-codes.md lists them too, and a test keeps the two in step.

export const REASON_CODES = {
  // Findings
  'strong-accepted': 'A strong relay vector was accepted: the server took responsibility for a foreign domain.',
  'weak-accepted': 'Only weak vectors were accepted; such forms are often a local user accepted and bounced later.',
  'controls-discriminate': 'The server refused a local mailbox that does not exist (C2), so its acceptance of a foreign recipient means it relays.',
  'catch-all': 'The server accepted a local mailbox that does not exist (C2): a catch-all or accept-everything server, whose 250s prove nothing.',
  'no-domain-check': 'The server accepted a recipient in a domain that cannot exist (C3): it does not check recipient domains in DNS at RCPT (common, not a fault).',
  'queued-not-proof':
    'The test message was queued, which proves nothing on a server that accepts everything: accept-then-bounce servers queue and bounce later. Only delivery to a mailbox you read confirms.',
  'message-accepted': 'A test message was accepted at end of data.',
  'message-refused': 'The test message was refused.',
  'all-refused': 'Every relay vector was refused.',
  'auth-required': 'The server requires authentication before relaying.',
  'postmaster-refused': 'The server refused postmaster, which RFC 5321 requires it to accept.',
  'rcpt-252': 'The server answered 252 at RCPT, a code defined for VRFY.',
  'internal-vantage': 'The target shares a private network with the prober: the result reflects the internal policy, not what the internet sees.',
  'no-local-name': 'No host name of the server was known, so vectors that need one were not run.',
  'too-long': "Some vectors would have exceeded the 512-octet SMTP command line with this server's names, so they were not sent.",
  'tls-problem': 'The TLS certificate has a problem.',
  // Causes of "could not tell"
  greylisting: 'The server deferred recipients with a greylisting reply; retry after the greylist delay.',
  deferred: 'The server deferred recipients with a temporary (4xx) reply.',
  tarpit: 'The server answered too slowly (a tarpit, or a very slow server).',
  'error-limit': 'The server closed the session for too many errors.',
  'rate-limited': 'The server limited our rate or connections.',
  'test-domain-refused':
    'The server refused the test domain itself (domain not found or null MX); use a real, mail-accepting domain you control that the target does not host (--test-domain, or RELAYPROBE_TEST_DOMAIN on the web service).',
  'sender-domain-refused':
    "The server refused our sender's domain because it could not resolve it (not a relay refusal); use a real, resolvable test domain (--test-domain, or RELAYPROBE_TEST_DOMAIN on the web service).",
  'helo-name-refused': 'The server refused our HELO name because it could not verify it (not a relay refusal); use a real, resolvable host name (--helo, or RELAYPROBE_HELO_NAME on the web service).',
  blocklisted: 'The server refused our address or sender outright (a blocklist or reputation refusal).',
  'sender-refused': 'The server refused every sender we tried.',
  'connection-lost': 'The connection was lost before every vector got an answer.',
  'not-run': 'Some vectors were not run.',
  'starttls-unavailable': 'TLS was required but could not be established.',
  'probe-deadline': 'The whole-probe deadline passed.',
  'probe-aborted': 'The probe was stopped before it finished.',
  'internal-error': 'relayprobe hit a bug and stopped this probe; please report it with the transcript.',
  'protocol-error': 'The server broke the SMTP protocol (malformed reply or a size cap exceeded); the session was ended.',
  'helo-refused': 'The server refused both EHLO and HELO.',
  // Unreachable
  'dns-failed': 'The name could not be resolved to a mail server address.',
  'null-mx': 'The domain publishes a null MX: it accepts no mail.',
  'address-refused': 'Every address of the target is refused by the address policy.',
  'connect-failed': 'No TCP connection could be opened to any address.',
  'port-25-blocked': 'Outbound port 25 is blocked by most cloud providers and many ISPs; try from another network.',
  'no-service': 'The server greeted with 554/521 or never completed a greeting: no SMTP service for us.',
  // Domain tests: the verdict of one server, and why a server got no session (not a fault of the server)
  'server-verdict': "One server's verdict; a domain's verdict is the worst of its servers'.",
  'no-ipv6-route': 'Not tested: this machine has no IPv6 connectivity (no route to the address); the server itself may be fine.',
  'host-not-resolved': 'Not tested: the MX host name gave no address (it does not exist, has no A or AAAA record, or its lookup failed).',
  'duplicate-address': 'Not tested again: another MX host of the domain has the same address, which was tested once.',
  'server-limit': 'Not tested: past the number of servers one domain test covers.',
  'server-busy': 'Not tested: another probe of this server was running on this service.',
  'server-rate-limited': 'Not tested: this server was probed too often in the last hour on this service.',
  'domain-deadline': "Not tested: the domain test's overall deadline passed before its turn.",
} as const satisfies Record<string, string>;

export type ReasonCode = keyof typeof REASON_CODES;
