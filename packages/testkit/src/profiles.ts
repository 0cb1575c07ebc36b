// The well-behaved (if sometimes strict) fake mail servers, one policy per profile. Each is a
// real server's configuration in miniature, answering with that server's exact texts
// (RELAY-TESTS.md §2, §4, §6). Discriminating profiles share the local rules of
// relay-intent.ts: existing local users accepted, unknown users 550, `.invalid` domains answered
// like any foreign domain (as the real servers of packages/mta-lab do).
import { EXIM_SYNTAX_ERRORS, eximRecipient, eximSender } from './exim-rules.js';
import type { RelayIntent } from './relay-intent.js';
import {
  EXIM_TEXTS,
  REPLY,
  opensmtpdInvalidRecipient,
  postfixGreylisted,
  postfixNullMx,
  postfixRelayDeferred,
  postfixRelayDenied,
  postfixUnknownUser,
  sendmailHostnameRequired,
  sendmailInvalidRoute,
  sendmailRelayDenied,
} from './reply-texts.js';
import type { ServerPolicy } from './server-policy.js';

/** Names of the fake server profiles. */
export type ProfileName =
  | 'open-relay'
  | 'postfix-closed'
  | 'postfix-default'
  | 'exim-closed'
  | 'qmail-closed'
  | 'sendmail-closed'
  | 'exchange-closed'
  | 'opensmtpd-closed'
  | 'accept-all'
  | 'greylisting'
  | 'auth-required'
  | 'starttls-required'
  | 'implicit-tls'
  | 'percent-hack-only'
  | 'domainless-only'
  | 'error-limit'
  | 'ehlo-refused'
  | 'split-writes'
  | 'recipient-domain-check';

/** Every profile name, in the order of the README. */
export const PROFILE_NAMES: readonly ProfileName[] = [
  'open-relay',
  'postfix-closed',
  'postfix-default',
  'exim-closed',
  'qmail-closed',
  'sendmail-closed',
  'exchange-closed',
  'opensmtpd-closed',
  'accept-all',
  'greylisting',
  'auth-required',
  'starttls-required',
  'implicit-tls',
  'percent-hack-only',
  'domainless-only',
  'error-limit',
  'ehlo-refused',
  'split-writes',
  'recipient-domain-check',
];

/** Postfix's default soft and hard error limits (smtpd_soft_error_limit, smtpd_hard_error_limit). */
export const POSTFIX_ERROR_LIMITS = { soft: 10, hard: 20 } as const;

/** The discriminating part every non-catch-all server shares; `foreign` answers relay attempts. */
function discriminating(foreign: (intent: RelayIntent) => string): (intent: RelayIntent) => string {
  return (intent) => {
    switch (intent.kind) {
      case 'local':
        return REPLY.recipientOk;
      case 'unknown-user':
        return postfixUnknownUser(intent.address);
      // A .invalid recipient is just another foreign domain: real Postfix, Exim and OpenSMTPD
      // answer it as they answer any foreign recipient (250 when open, their relay refusal when
      // closed); none looks the domain up at RCPT unless configured to (packages/mta-lab).
      default:
        return foreign(intent);
    }
  };
}

const postfixGreeting = (host: string): string[] => [`220 ${host} ESMTP Postfix`];
const accept = (): string => REPLY.recipientOk;
const postfixDenied = (intent: RelayIntent): string => postfixRelayDenied(intent.address);

/** Postfix with `smtpd_relay_restrictions = ..., reject_unauth_destination` (the common closed server). */
export function postfixClosedPolicy(): ServerPolicy {
  return { greeting: postfixGreeting, starttls: 'when-configured', rcpt: discriminating(postfixDenied) };
}

/**
 * Sendmail's answer to a foreign recipient: its address parser refuses two forms before the relay
 * rules see them (553, not a relay refusal), everything else is "Relaying denied". Seen in
 * Sendmail 8.17, packages/mta-lab sendmail-closed (--suite thorough): `<r@ext@host>` (R13, R15)
 * "Invalid route address", `<r%ext@>` (R22) "Hostname required", but `<r@ext@>` (R23, both at
 * once) "Relaying denied".
 */
function sendmailForeign(intent: RelayIntent): string {
  const doubleAt = intent.tricks.includes('double-at');
  const emptyDomain = intent.tricks.includes('empty-domain');
  if (doubleAt && !emptyDomain) return sendmailInvalidRoute(intent.address);
  if (emptyDomain && !doubleAt) return sendmailHostnameRequired(intent.address);
  return sendmailRelayDenied(intent.address);
}

/** The policy of a profile; `errorDelayMs` applies to error-limit only. */
export function profilePolicy(name: ProfileName, errorDelayMs = 1000): ServerPolicy {
  switch (name) {
    case 'open-relay':
      return { ...postfixClosedPolicy(), rcpt: discriminating(accept) };
    case 'postfix-closed':
      return postfixClosedPolicy();
    case 'postfix-default':
      return { ...postfixClosedPolicy(), rcpt: discriminating((i) => postfixRelayDeferred(i.address)) };
    case 'exim-closed':
      // Exim 4.96 with the stock ACL, relaying for nobody: its words, its address parser, sender
      // verification and syntax-error limit (exim-rules.ts). Seen in Exim 4.96, packages/mta-lab exim-closed.
      return {
        greeting: (h) => [`220 ${h} ESMTP Exim 4.96 Sun, 29 Nov 2026 04:00:00 +0000`],
        starttls: 'when-configured',
        ehloKeywords: ['SIZE', '8BITMIME', 'PIPELINING', 'PIPECONNECT', 'CHUNKING', 'STARTTLS', 'SMTPUTF8', 'HELP'],
        sizeLimit: 52_428_800,
        texts: EXIM_TEXTS,
        mailFrom: eximSender,
        rcpt: eximRecipient,
        syntaxErrorLimit: EXIM_SYNTAX_ERRORS,
      };
    case 'qmail-closed':
      return { greeting: (h) => [`220 ${h} ESMTP`], starttls: 'when-configured', rcpt: discriminating(() => REPLY.qmailRelayDenied) };
    case 'sendmail-closed':
      return {
        greeting: (h) => [`220 ${h} ESMTP Sendmail 8.17.2/8.17.2; Sun, 29 Nov 2026 04:00:00 GMT`],
        starttls: 'when-configured',
        rcpt: discriminating(sendmailForeign),
      };
    case 'exchange-closed':
      return { greeting: (h) => [`220 ${h} Microsoft ESMTP MAIL Service ready`], starttls: 'when-configured', rcpt: discriminating(() => REPLY.exchangeRelayDenied) };
    case 'opensmtpd-closed':
      return { greeting: (h) => [`220 ${h} ESMTP OpenSMTPD`], starttls: 'when-configured', rcpt: discriminating((i) => opensmtpdInvalidRecipient(i.address)) };
    case 'accept-all':
      // A mail catcher (Mailpit, MailHog): every recipient, every message, one fixed queue id.
      return { ...postfixClosedPolicy(), rcpt: accept, fixedQueueId: 'ABC123' };
    case 'greylisting':
      return { ...postfixClosedPolicy(), rcpt: (i) => postfixGreylisted(i.address) };
    case 'auth-required':
      return { ...postfixClosedPolicy(), auth: true, rcpt: discriminating(() => REPLY.authRequired) };
    case 'starttls-required':
      // Behaves as open-relay once inside TLS; before it, the engine answers 530 to MAIL/RCPT/DATA.
      return { ...postfixClosedPolicy(), starttls: 'required', rcpt: discriminating(accept) };
    case 'implicit-tls':
      return { ...postfixClosedPolicy(), starttls: 'never' };
    case 'percent-hack-only':
      // Postfix with a relay-permitting percent-hack rewrite: R10, R11, R12 (as postfix-percent-hack in packages/mta-lab).
      return {
        ...postfixClosedPolicy(),
        rcpt: discriminating((i) => (isPercentHackThroughLocal(i) || isUnqualifiedPercentHack(i) ? REPLY.recipientOk : postfixDenied(i))),
      };
    case 'domainless-only':
      // A server that qualifies domainless recipients as local, then forwards them: R19, R22, R23.
      return { ...postfixClosedPolicy(), rcpt: discriminating((i) => (i.domainless ? REPLY.recipientOk : postfixDenied(i))) };
    case 'error-limit':
      return { ...postfixClosedPolicy(), errorLimit: { ...POSTFIX_ERROR_LIMITS, delayMs: errorDelayMs } };
    case 'ehlo-refused':
      return { ...postfixClosedPolicy(), ehloRefused: true };
    case 'split-writes':
      return {
        ...postfixClosedPolicy(),
        splitWrites: true,
        greeting: (h) => [`220-${h} ESMTP`, '220-second line', '220 ready'],
        extraExtensions: ['VRFY', 'DSN', 'SMTPUTF8'],
      };
    case 'recipient-domain-check':
      return { ...postfixClosedPolicy(), rcpt: discriminating((i) => (isNullMxDomain(i) ? postfixNullMx(i.address, 'example.com') : postfixDenied(i))) };
  }
}

/** `<r%ext@LOCAL>`: the percent hack through a local name or literal (R11, R12), nothing else. */
function isPercentHackThroughLocal(intent: RelayIntent): boolean {
  return intent.viaLocalDomain && intent.tricks.length === 1 && intent.tricks[0] === 'percent-hack';
}

/**
 * `<"r%ext">` (R10): a domainless percent form, which Postfix qualifies with $myorigin and so
 * rewrites like R11; the real Postfix of packages/mta-lab (postfix-percent-hack) accepts it too.
 */
function isUnqualifiedPercentHack(intent: RelayIntent): boolean {
  return intent.domain === null && intent.address.includes('%') && !intent.address.includes('!');
}

/** A recipient whose delivery domain is example.com, treated as publishing a null MX (RFC 7505). */
function isNullMxDomain(intent: RelayIntent): boolean {
  const onlyRouteOrBrackets = intent.tricks.every((t) => t === 'no-brackets' || t === 'source-route');
  return onlyRouteOrBrackets && intent.domain?.toLowerCase() === 'example.com';
}
