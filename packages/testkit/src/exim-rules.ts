// Exim 4.96 in miniature, for the exim-closed profile: how it parses a MAIL/RCPT path, the RCPT
// ACL of packages/mta-lab (configs/exim/exim.conf, flavour closed: Exim's stock ACL, relaying for
// nobody) and which replies count towards smtp_max_synprot_errors. Every rule here was seen in
// Exim 4.96, packages/mta-lab exim-closed (relayprobe --suite standard and thorough against it,
// and the other forms sent by hand); the texts are in reply-texts.ts.
import { LOCAL_USERS, type RelayIntent } from './relay-intent.js';
import {
  EXIM_SYNTAX,
  EXIM_TEXTS,
  REPLY,
  eximAccepted,
  eximRecipientNeedsDomain,
  eximRestricted,
  eximSenderNeedsDomain,
  eximSenderVerifyFailed,
  eximSenderVerifyFailedAgain,
  eximSyntaxError,
  eximTooManySyntaxErrors,
  eximUnrouteable,
} from './reply-texts.js';
import type { ReplyLines, SessionContext, SyntaxErrorLimit } from './server-policy.js';

/** An address as Exim's parser leaves it, or the reason it refused it. */
type Parsed = { localPart: string; domain: string | null; address: string } | { reason: string };

// A domain is read as far as these characters go, then must be a DNS name: `<r@ex_ample.com>`
// fails at `_` ("may not follow"), `<r@-bad.example>` and `<r@mx.example.>` as a whole
// ("domain missing or malformed").
const DOMAIN_CHARS = /^[A-Za-z0-9.-]*/;
const DNS_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/**
 * parse_extract_address with allow_domain_literals = false: a source route is dropped (unless it
 * names a literal), a quoted local part loses its quotes, the first domain ends the address and
 * anything after it is "malformed address: <rest> may not follow <path so far>".
 */
export function eximParse(path: string): Parsed {
  const text = path.trim();
  let i = text.startsWith('<') ? 1 : 0;
  if (text[i] === '@') {
    const colon = text.indexOf(':', i);
    if (colon === -1) return { reason: EXIM_SYNTAX.localPartMalformed };
    if (
      text
        .slice(i, colon)
        .split(',')
        .some((hop) => hop.trim().startsWith('@['))
    )
      return { reason: EXIM_SYNTAX.domainLiteral };
    i = colon + 1;
  }
  const start = i;
  let localPart = '';
  if (text[i] === '"') {
    for (i++; i < text.length && text[i] !== '"'; i++) localPart += text[text[i] === '\\' ? ++i : i] ?? '';
    i++;
  }
  for (; i < text.length && text[i] !== '@' && text[i] !== '>'; i++) localPart += text[i];
  if (localPart === '') return { reason: EXIM_SYNTAX.localPartMalformed };
  let domain: string | null = null;
  if (text[i] === '@') {
    if (text[i + 1] === '[') return { reason: EXIM_SYNTAX.domainLiteral };
    domain = DOMAIN_CHARS.exec(text.slice(i + 1))?.[0] ?? '';
    if (!DNS_NAME.test(domain)) return { reason: EXIM_SYNTAX.domainMalformed };
    i += 1 + domain.length;
  }
  const address = text.slice(start, i);
  if (text.startsWith('<')) {
    if (i >= text.length) return { reason: EXIM_SYNTAX.noClosingBracket };
    if (text[i] === '>') i++;
  }
  if (i < text.length) return { reason: EXIM_SYNTAX.mayNotFollow(text.slice(i), text.slice(0, i)) };
  return { localPart, domain, address };
}

/** local_domains = @ : localhost : <the lab's domain>; the kit's local domains play `@` and the domain. */
function isLocal(domain: string, ctx: SessionContext): boolean {
  const lower = domain.toLowerCase();
  return lower === 'localhost' || ctx.localDomains.some((d) => d.toLowerCase() === lower);
}

const isLocalUser = (localPart: string): boolean => LOCAL_USERS.includes(localPart.toLowerCase());

/** MAIL FROM: `<>` and qualified senders pass (the MAIL ACL accepts); parser errors and unqualified senders are refused. */
export function eximSender(path: string): string | null {
  if (path.trim() === '<>') return null;
  const parsed = eximParse(path);
  if ('reason' in parsed) return eximSyntaxError(path, parsed.reason);
  return parsed.domain === null ? eximSenderNeedsDomain(path) : null;
}

/** verify = sender: the sender's address when it is in a local domain but no local user. */
function failedSender(ctx: SessionContext): string | null {
  const parsed = ctx.mailFrom === null || ctx.mailFrom.trim() === '<>' ? null : eximParse(ctx.mailFrom);
  if (!parsed || 'reason' in parsed || parsed.domain === null) return null;
  return isLocal(parsed.domain, ctx) && !isLocalUser(parsed.localPart) ? parsed.address : null;
}

/** RCPT TO: the parser, then the ACL in its order (restricted characters, postmaster, verify sender, verify recipient, relay). */
export function eximRecipient(_intent: RelayIntent, ctx: SessionContext, path: string): ReplyLines {
  const parsed = eximParse(path);
  if ('reason' in parsed) return eximSyntaxError(path, parsed.reason);
  const { localPart } = parsed;
  // RFC 5321 §4.5.1: a bare postmaster is qualified with the host name; any other bare local part is refused.
  if (parsed.domain === null && localPart.toLowerCase() !== 'postmaster') return eximRecipientNeedsDomain(path);
  const local = isLocal(parsed.domain ?? ctx.host, ctx);
  const restricted = local ? /^\.|[@%!/|]/ : /^[./|]|[@%!]|\/\.\.\//;
  if (restricted.test(localPart)) return eximRestricted;
  if (local && localPart.toLowerCase() === 'postmaster') return eximAccepted;
  const sender = failedSender(ctx);
  if (sender !== null) {
    // The details only once per transaction.
    return ctx.refused.some((r) => r.startsWith('550-Verification failed')) ? eximSenderVerifyFailedAgain : eximSenderVerifyFailed(sender);
  }
  if (local) return isLocalUser(localPart) ? eximAccepted : eximUnrouteable;
  return REPLY.eximRelayDenied;
}

/** A RCPT right after a refused MAIL (or after such a RCPT), once PIPELINING was advertised: the client was pipelining. */
function pipelinedAfterRefusedMail(ctx: SessionContext): boolean {
  const p = ctx.previous;
  if (ctx.greeted !== 'EHLO' || p === null) return false;
  return (p.verb === 'MAIL' && !p.reply.startsWith('2')) || (p.verb === 'RCPT' && p.reply === EXIM_TEXTS.needMail && !p.syntaxError);
}

/**
 * smtp_max_synprot_errors = 3 (the compiled-in default): the 4th syntax or protocol error is
 * answered `NNN-<reason>` + `NNN Too many syntax or protocol errors` and the connection dropped
 * (a bad EHLO/HELO keeps its one line). Counted: parser errors (501), unknown commands (500),
 * RCPT/DATA out of sequence unless pipelined, a second MAIL, STARTTLS/AUTH not advertised. Not
 * counted: "must contain a domain", "HELO or EHLO required", and every ACL refusal (550).
 */
export const EXIM_SYNTAX_ERRORS: SyntaxErrorLimit = {
  max: 3,
  counts(verb, reply, ctx) {
    if (reply.startsWith('501')) return !reply.endsWith('must contain a domain');
    if (reply === EXIM_TEXTS.needMail) return !pipelinedAfterRefusedMail(ctx);
    if (verb === 'DATA' && reply === EXIM_TEXTS.noValidRecipients) return !(ctx.greeted === 'EHLO' && ctx.previous?.verb === 'RCPT');
    return reply === EXIM_TEXTS.unknownCommand || (reply.startsWith('503') && reply !== EXIM_TEXTS.sendHeloFirst);
  },
  lastReply(verb, lines) {
    if (verb === 'EHLO' || verb === 'HELO') return [...lines];
    const code = lines[0]?.slice(0, 3) ?? '500';
    return [...lines.map((line) => `${line.slice(0, 3)}-${line.slice(4)}`), eximTooManySyntaxErrors(code)];
  },
};
