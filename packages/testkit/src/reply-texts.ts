// Reply lines the fake servers send, copied from real servers (RELAY-TESTS.md §6; Postfix 3.x
// smtpd unless noted). One row per reply, so a test of the probe can match the exact text.
// Functions take the recipient as written without its angle brackets, and quote it as `<addr>`.

/** Fixed reply lines (RFC 5321 §4.2 codes, RFC 3463 enhanced codes). */
export const REPLY = {
  /** RSET, NOOP. */
  ok: '250 2.0.0 Ok',
  /** MAIL accepted. */
  senderOk: '250 2.1.0 Ok',
  /** RCPT accepted. */
  recipientOk: '250 2.1.5 Ok',
  /** DATA accepted, send the message (RFC 5321 §4.2.2: 354 carries no enhanced code). */
  startData: '354 End data with <CR><LF>.<CR><LF>',
  /** QUIT. */
  bye: '221 2.0.0 Bye',
  /** STARTTLS accepted (RFC 3207 §4). */
  readyToStartTls: '220 2.0.0 Ready to start TLS',
  /** VRFY (Exchange's text; Postfix would look the user up). */
  cannotVerify: '252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery',
  /** Any verb the server does not know or does not offer (EHLO on ehlo-refused). */
  unknownCommand: '502 5.5.2 Error: command not recognized',
  /** MAIL before HELO/EHLO. */
  sendHeloFirst: '503 5.5.1 Error: send HELO/EHLO first',
  /** RCPT or DATA without MAIL. */
  needMail: '503 5.5.1 Error: need MAIL command',
  /** A second MAIL in one transaction. */
  nestedMail: '503 5.5.1 Error: nested MAIL command',
  /** DATA when no recipient was accepted. */
  noValidRecipients: '554 5.5.1 No valid recipients',
  /** EHLO without a name. */
  ehloSyntax: '501 5.5.4 Syntax: EHLO hostname',
  /** HELO without a name. */
  heloSyntax: '501 5.5.4 Syntax: HELO hostname',
  /** MAIL not followed by FROM:. */
  mailSyntax: '501 5.5.4 Syntax: MAIL FROM:<address>',
  /** RCPT not followed by TO:. */
  rcptSyntax: '501 5.5.4 Syntax: RCPT TO:<address>',
  /** RCPT TO:<> (an empty recipient). */
  badRecipientSyntax: '501 5.1.3 Bad recipient address syntax',
  /** MAIL with SIZE= over the advertised limit (RFC 1870 §6). */
  messageTooBig: '552 5.3.4 Message size exceeds fixed limit',
  /** MAIL/RCPT/DATA before STARTTLS on a server that requires TLS (smtpd_tls_security_level=encrypt). */
  mustStartTls: '530 5.7.0 Must issue a STARTTLS command first',
  /** STARTTLS inside TLS. */
  tlsAlreadyActive: '554 5.5.1 Error: TLS already active',
  /** AUTH with any credentials: the kit knows no accounts. */
  authFailed: '535 5.7.8 Error: authentication failed',
  /** A foreign recipient on a server that relays only for authenticated clients. */
  authRequired: '530 5.7.0 Authentication required',
  /** Exim's refusal of a foreign recipient (no enhanced code). */
  eximRelayDenied: '550 relay not permitted',
  /** qmail's refusal of a foreign recipient (enhanced code in the text). */
  qmailRelayDenied: "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)",
  /** Exchange's refusal of a foreign recipient. */
  exchangeRelayDenied: '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain',
  /** A server closing mid-session. */
  shuttingDown: '421 4.7.0 Service shutting down',
  /** A greeting refusing service (RFC 5321 §3.1). */
  noService: '554 5.7.1 No SMTP service here',
  /** Every command but QUIT after a 554 greeting (RFC 5321 §3.1: "MUST ... respond with 503"). */
  noServiceSequence: '503 5.5.1 Error: no SMTP service',
} as const;

/** Postfix, smtpd_relay_restrictions = reject_unauth_destination. */
export const postfixRelayDenied = (addr: string): string => `554 5.7.1 <${addr}>: Relay access denied`;
/** Postfix's default, defer_unauth_destination (also any Postfix with soft_bounce). */
export const postfixRelayDeferred = (addr: string): string => `454 4.7.1 <${addr}>: Relay access denied`;
/** Postfix, local_recipient_maps: a local domain's unknown user (control C2). */
export const postfixUnknownUser = (addr: string): string => `550 5.1.1 <${addr}>: Recipient address rejected: User unknown in local recipient table`;
/** Postfix + postgrey. */
export const postfixGreylisted = (addr: string): string => `450 4.7.1 <${addr}>: Recipient address rejected: Greylisted`;
/** Postfix, reject_unknown_recipient_domain on a null-MX domain (RFC 7505 §4.2). */
export const postfixNullMx = (addr: string, domain: string): string => `556 5.1.10 <${addr}>: Recipient address rejected: Domain ${domain} does not accept mail (nullMX)`;
/** Sendmail's refusal of a foreign recipient. */
export const sendmailRelayDenied = (addr: string): string => `550 5.7.1 <${addr}>... Relaying denied`;
/** Sendmail's parser on `<r@ext@host>` (R13, R15): seen in Sendmail 8.17, packages/mta-lab sendmail-closed. */
export const sendmailInvalidRoute = (addr: string): string => `553 5.1.3 <${addr}>... Invalid route address`;
/** Sendmail's parser on an empty domain, `<r%ext@>` (R22): seen in Sendmail 8.17, packages/mta-lab sendmail-closed. */
export const sendmailHostnameRequired = (addr: string): string => `553 5.1.3 <${addr}>... Hostname required`;
/** OpenSMTPD's refusal of a foreign recipient (no relay wording, no enhanced code). */
export const opensmtpdInvalidRecipient = (addr: string): string => `550 Invalid recipient: <${addr}>`;
/** Postfix's error limit (smtpd_hard_error_limit). */
export const postfixTooManyErrors = (host: string): string => `421 4.7.0 ${host} Error: too many errors`;
/** End of data accepted. */
export const queuedAs = (queueId: string): string => `250 2.0.0 Ok: queued as ${queueId}`;

// Exim 4.96 (Debian's exim4-daemon-light, stock-like ACLs): every text below seen in Exim 4.96,
// packages/mta-lab exim-closed (relayprobe --suite standard and thorough against it, and the
// other commands sent by hand). No enhanced status codes anywhere.

/** Exim's replies where the engine would give Postfix's (EngineTexts); `{host}` etc. are filled in. */
export const EXIM_TEXTS = {
  helo: '250 {host} Hello {helo} [{client}]',
  ehloHello: '{host} Hello {helo} [{client}]',
  ok: '250 OK',
  reset: '250 Reset OK',
  senderOk: '250 OK',
  bye: '221 {host} closing connection',
  /** Also MAIL without FROM: and RCPT without TO: (Exim matches "MAIL FROM:" as the verb). */
  unknownCommand: '500 unrecognized command',
  mailSyntax: '500 unrecognized command',
  rcptSyntax: '500 unrecognized command',
  sendHeloFirst: '503 HELO or EHLO required',
  needMail: '503 sender not yet given',
  nestedMail: '503 sender already given',
  dataWithoutMail: '503 valid RCPT command must precede DATA',
  noValidRecipients: '503 valid RCPT command must precede DATA',
  ehloSyntax: '501 Syntactically invalid EHLO argument(s)',
  heloSyntax: '501 Syntactically invalid HELO argument(s)',
  badRecipientSyntax: '501 <>: missing or malformed local part',
  messageTooBig: '552 Message size exceeds maximum permitted',
  startData: '354 Enter message, ending with "." on a line by itself',
  queuedAs: '250 OK id={id}',
  cannotVerify: '252 Administrative prohibition',
  readyToStartTls: '220 TLS go ahead',
  tlsAlreadyActive: '503 STARTTLS command used when not advertised',
  starttlsNotOffered: '503 STARTTLS command used when not advertised',
  authNotOffered: '503 AUTH command used when not advertised',
} as const;

/** RCPT accepted. */
export const eximAccepted = '250 Accepted';
/** A MAIL/RCPT path Exim's address parser refuses: `501 <path as sent>: <reason>`. */
export const eximSyntaxError = (path: string, reason: string): string => `501 ${path}: ${reason}`;
/** Exim's parser reasons (parse.c), and allow_domain_literals = false. */
export const EXIM_SYNTAX = {
  domainLiteral: 'domain literals not allowed',
  domainMalformed: 'domain missing or malformed',
  localPartMalformed: 'missing or malformed local part',
  noClosingBracket: "'>' missing at end of address",
  /** `%.32s` of the rest, from the offending character; the path as sent up to it. */
  mayNotFollow: (rest: string, before: string): string => `malformed address: ${rest.slice(0, 32)} may not follow ${before}`,
} as const;
/** An unqualified sender (sender_unqualified_hosts unset); not counted as a syntax error. */
export const eximSenderNeedsDomain = (path: string): string => `501 ${path}: sender address must contain a domain`;
/** An unqualified recipient other than postmaster; not counted as a syntax error. */
export const eximRecipientNeedsDomain = (path: string): string => `501 ${path}: recipient address must contain a domain`;
/** The stock ACL's refusal of `@ % ! / |` (and a leading dot) in a local part. */
export const eximRestricted = '550 Restricted characters in address';
/** verify = recipient: an unknown local part of a local domain. */
export const eximUnrouteable = '550 Unrouteable address';
/**
 * verify = sender on a local sender that does not exist: the details the first time in a
 * transaction, "550 Sender verify failed" alone for every later RCPT of that transaction.
 */
export const eximSenderVerifyFailed = (sender: string): string[] => [`550-Verification failed for <${sender}>`, '550-Unrouteable address', '550 Sender verify failed'];
export const eximSenderVerifyFailedAgain = '550 Sender verify failed';
/** smtp_max_synprot_errors: the last line of the reply to the error past the limit, before the drop. */
export const eximTooManySyntaxErrors = (code: string): string => `${code} Too many syntax or protocol errors`;
