// Judging one reply (RELAY-TESTS.md §4). Decisions rest on the complete reply: the basic code,
// the RFC 3463 enhanced code when present, and known phrases — never on a code found as a
// substring of raw bytes (Metasploit's /250/ and nmap's "530" anywhere both misjudge).
import type { ResultFlag, VectorOutcome } from '@relayprobe/contracts';

/** The parts of a complete reply that judging needs. */
export interface JudgedReply {
  code: number;
  enhanced?: string | undefined;
  /** Text of all lines, codes removed, joined with spaces. */
  text: string;
}

// Relay refusals as real servers word them (RELAY-TESTS.md §4 and §6).
const RELAY_PHRASES = [
  /relay(ing)? access denied/i, // Postfix, Exchange Online
  /relay(ing)? not permitted/i, // Exim
  /relaying denied/i, // Sendmail
  /isn'?t in my list of allowed rcpthosts/i, // qmail
  /unable to relay/i, // Exchange
  /not a gateway/i,
  /not allowed to relay/i,
  /not configured to relay/i,
  /we do not relay/i,
  /relaying .{0,60}not allowed/i,
  /relay(ing)? (is )?(denied|prohibited|refused|forbidden)/i,
  /requires authentication .{0,60}non-?local/i,
];

const AUTH_PHRASES = [/authentication required/i, /must authenticate/i, /not authenticated/i, /auth(entication)? first/i];
const STARTTLS_PHRASES = [/starttls/i, /must issue a starttls/i, /encryption required/i];
const GREYLIST_PHRASES = [/grey ?list/i, /gray ?list/i, /try again later/i, /please retry/i, /come back later/i, /deferred/i];
const RATE_PHRASES = [/rate limit/i, /too many (connections|messages|recipients|errors|concurrent)/i, /slow down/i, /throttl/i];
const ERROR_LIMIT_PHRASES = [/too many errors/i];
const BLOCKLIST_PHRASES = [/block(ed)? using/i, /black ?list/i, /block ?list/i, /\bdnsbl\b/i, /\brbl\b/i, /spamhaus/i, /spamcop/i, /client host .{0,40}(rejected|blocked)/i, /(poor|bad) reputation/i];
// Recipient-domain problems (X.1.2 bad destination system, X.1.8 bad sender system, X.1.10 null MX).
const DOMAIN_DETAILS = new Set(['1.2', '1.8', '1.10']);
const DOMAIN_PHRASES = [/domain not found/i, /null ?mx/i, /does not accept mail/i, /unknown (recipient|sender)? ?domain/i, /host or domain name not found/i];

// Our HELO name refused (Postfix reject_unknown_helo_hostname: "450 4.7.1 <name>: Helo command
// rejected: Host not found"; Exim verify = helo): a fact about the prober, not about relaying.
const HELO_PHRASES = [/helo command rejected/i, /\bhelo\b.{0,40}(rejected|refused|not found|invalid|denied)/i, /\b(invalid|bad|unknown) (helo|ehlo)\b/i];
// Our sender refused for its domain (Postfix reject_unknown_sender_domain: "450 4.1.8 <x@ext>:
// Sender address rejected: Domain not found"): the test domain does not resolve for the server.
const SENDER_DOMAIN_PHRASES = [/sender address rejected: domain not found/i, /sender (domain|address).{0,40}(not found|does not exist|unresolv|no such)/i];

const any = (phrases: RegExp[], text: string) => phrases.some((p) => p.test(text));
const detailOf = (enhanced: string | undefined) => enhanced?.split('.').slice(1).join('.');

/** Reason flags a reply carries, whatever the command: greylisting, rate-limited, error-limit, blocklisted, helo-refused, sender-domain-refused. */
export function causeFlags(reply: JudgedReply): ResultFlag[] {
  const flags: ResultFlag[] = [];
  if (reply.code >= 400 && reply.code < 500 && any(GREYLIST_PHRASES, reply.text)) flags.push('greylisting');
  if (any(RATE_PHRASES, reply.text) && !any(ERROR_LIMIT_PHRASES, reply.text)) flags.push('rate-limited');
  if (any(ERROR_LIMIT_PHRASES, reply.text)) flags.push('error-limit');
  if (reply.code >= 400 && any(BLOCKLIST_PHRASES, reply.text)) flags.push('blocklisted');
  if (reply.code >= 400 && any(HELO_PHRASES, reply.text)) flags.push('helo-refused');
  if (reply.code >= 400 && (detailOf(reply.enhanced) === '1.8' || any(SENDER_DOMAIN_PHRASES, reply.text))) flags.push('sender-domain-refused');
  return flags;
}

/** A 530 or 5.7.x/"STARTTLS" reply meaning "upgrade to TLS first" (RFC 3207 §4), which is not "auth required". */
function demandsStartTls(reply: JudgedReply): boolean {
  return (reply.code === 530 || reply.code === 554 || reply.code === 550) && any(STARTTLS_PHRASES, reply.text) && !any(AUTH_PHRASES, reply.text);
}

function isAuthRequired(reply: JudgedReply): boolean {
  if (reply.enhanced === '5.7.57') return true;
  if (reply.code === 530) return true;
  return reply.code >= 500 && (reply.enhanced === '5.7.0' || reply.enhanced === undefined) && any(AUTH_PHRASES, reply.text);
}

function isRelayDenial(reply: JudgedReply): boolean {
  if (any(RELAY_PHRASES, reply.text)) return true; // includes Postfix's 454 4.7.1 Relay access denied
  if (reply.code < 500) return false;
  const e = reply.enhanced;
  return e === '5.7.54' || e === '5.7.64' || detailOf(e) === '7.1';
}

function isDomainRefusal(reply: JudgedReply): boolean {
  const detail = detailOf(reply.enhanced);
  if (detail !== undefined && DOMAIN_DETAILS.has(detail)) return true;
  return reply.code === 556 || any(DOMAIN_PHRASES, reply.text);
}

export interface RcptJudgement {
  outcome: VectorOutcome;
  flags: ResultFlag[];
}

/** Judge the reply to RCPT TO (RELAY-TESTS.md §4's table, top row first). */
export function judgeRcpt(reply: JudgedReply): RcptJudgement {
  const flags = causeFlags(reply);
  const { code } = reply;
  if (code === 250 || code === 251) return { outcome: 'accepted', flags };
  if (code === 252) return { outcome: 'accepted', flags: [...flags, 'rcpt-252'] };
  if (code === 421) return { outcome: 'not-completed', flags };
  if (code >= 200 && code < 300) return { outcome: 'accepted', flags: [...flags, 'unexpected-code'] };
  if (code < 400) return { outcome: 'denied', flags: [...flags, 'unexpected-code'] };
  // Answered, so never "not run": refused until TLS (the verdict names the cause).
  if (demandsStartTls(reply)) return { outcome: 'denied', flags: [...flags, 'starttls-required'] };
  if (flags.includes('helo-refused')) return { outcome: code < 500 ? 'deferred' : 'denied', flags };
  if (isAuthRequired(reply)) return { outcome: 'auth-required', flags };
  if (isRelayDenial(reply)) return { outcome: 'relay-denied', flags };
  if (isDomainRefusal(reply)) return { outcome: 'domain-refused', flags };
  if (code < 500) return { outcome: 'deferred', flags };
  return { outcome: 'denied', flags };
}

export type MailJudgement =
  | { kind: 'ok' }
  | { kind: 'closing' } // 421
  | { kind: 'starttls-required' }
  | { kind: 'auth-required' }
  | { kind: 'deferred'; flags: ResultFlag[] }
  | { kind: 'domain-refused'; flags: ResultFlag[] } // our sender's domain (the test domain) refused
  | { kind: 'refused'; flags: ResultFlag[] };

/** Judge the reply to MAIL FROM. */
export function judgeMail(reply: JudgedReply): MailJudgement {
  const { code } = reply;
  if (code >= 200 && code < 300) return { kind: 'ok' };
  if (code === 421) return { kind: 'closing' };
  if (demandsStartTls(reply)) return { kind: 'starttls-required' };
  if (isAuthRequired(reply)) return { kind: 'auth-required' };
  const flags = causeFlags(reply);
  if (isDomainRefusal(reply)) return { kind: 'domain-refused', flags };
  if (code >= 400 && code < 500) return { kind: 'deferred', flags };
  return { kind: 'refused', flags };
}
