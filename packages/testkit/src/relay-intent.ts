// What a fake server makes of a RCPT TO argument: a local mailbox, an unknown local user, a
// domain that does not exist, or a foreign recipient (a relay attempt), with the address tricks
// of RELAY-TESTS.md §2 it uses. Profiles decide their reply from this and nothing else.
//
// Rules (the brief's, modelled on Postfix's trivial-rewrite + smtpd_recipient_restrictions):
// - local: `postmaster` bare (RFC 5321 §4.5.1 requires it) or `user@D`, D a local domain
//   (case-insensitive), `user` a plain dot-string without `%`, `!`, `@` or quotes, no source
//   route. Angle brackets may be missing (an unbracketed local address is still local).
// - a local user other than postmaster/abuse/info/admin is unknown (control C2).
// - a plain address in a `.invalid` domain (RFC 2606 §2) does not exist (control C3).
// - everything else is foreign, every trick form included.

/** An address trick seen in a recipient (RELAY-TESTS.md §2). */
export type RelayTrick =
  | 'no-brackets' // R02
  | 'source-route' // R17, R18 (RFC 5321 §4.1.1.3, Appendix C)
  | 'quoted' // R09, R10, R14, R16
  | 'percent-hack' // R11, R12, R22
  | 'bang-path' // R19, R20, R21
  | 'double-at' // R13, R15, R23
  | 'empty-domain' // R22, R23
  | 'unqualified'; // a bare local part other than postmaster

/** How a fake server classifies one recipient. */
export interface RelayIntent {
  kind: 'local' | 'unknown-user' | 'domain-not-found' | 'foreign' | 'invalid';
  /** The recipient without its angle brackets, as written (reply texts quote it as `<address>`). */
  address: string;
  /** The part after the last unquoted `@` (source route removed); null when there is no `@`. */
  domain: string | null;
  /** Tricks the recipient uses; empty for a plain `<user@domain>`. */
  tricks: RelayTrick[];
  /** The domain is one of the server's own (a trick "through a local name or literal"). */
  viaLocalDomain: boolean;
  /** No domain after the trick (`<ext!r>`, `<r%ext@>`, `<r@ext@>`): the weak vectors R19, R22, R23. */
  domainless: boolean;
  /** The sender claims a local domain, localhost, or is unqualified (what R04–R07 try). */
  senderLocal: boolean;
}

/** Mailboxes that exist on every fake server. */
export const LOCAL_USERS: readonly string[] = ['postmaster', 'abuse', 'info', 'admin'];

// RFC 5321 §4.1.2 Dot-string, minus `%` and `!` which are tricks here.
const DOT_STRING = /^[A-Za-z0-9#$&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9#$&'*+/=?^_`{|}~-]+)*$/;
// RFC 5321 §4.1.2 A-d-l: "@one,@two:" before the mailbox.
const SOURCE_ROUTE = /^@[^:]*:/;

/** The default local domains for a host name: its parent domain (when it has one) and itself. */
export function defaultLocalDomains(hostname: string): string[] {
  const labels = hostname.split('.');
  const parent = labels.length >= 3 ? labels.slice(1).join('.') : null;
  return parent ? [parent, hostname] : [hostname];
}

/** Classifies a RCPT TO argument (`<r@ext>`, `r@ext`, `<@[1.2.3.4]:r@ext>`, ...) for a server owning `localDomains`. */
export function relayIntent(mailFrom: string, rcptTo: string, localDomains: readonly string[]): RelayIntent {
  const own = new Set(localDomains.map((d) => d.toLowerCase()));
  const parsed = parsePath(rcptTo);
  const { address, domain, tricks, localPart } = parsed;
  const viaLocalDomain = domain !== null && own.has(domain.toLowerCase());
  const intent = (kind: RelayIntent['kind']): RelayIntent => ({
    kind,
    address,
    domain,
    tricks,
    viaLocalDomain,
    domainless: !tricks.includes('quoted') && (domain === null || domain === ''),
    senderLocal: senderClaimsLocal(mailFrom, own),
  });

  if (address === '') return intent('invalid');
  if (address.toLowerCase() === 'postmaster') return intent('local');
  const plain = tricks.every((t) => t === 'no-brackets');
  if (plain && domain !== null && viaLocalDomain && DOT_STRING.test(localPart)) {
    return intent(LOCAL_USERS.includes(localPart.toLowerCase()) ? 'local' : 'unknown-user');
  }
  if (plain && domain !== null && domain.toLowerCase().endsWith('.invalid')) return intent('domain-not-found');
  return intent('foreign');
}

interface ParsedPath {
  address: string;
  localPart: string;
  domain: string | null;
  tricks: RelayTrick[];
}

function parsePath(argument: string): ParsedPath {
  const text = argument.trim();
  const bracketed = text.startsWith('<') && text.endsWith('>');
  const address = bracketed ? text.slice(1, -1) : text;
  const tricks: RelayTrick[] = [];
  if (!bracketed) tricks.push('no-brackets');

  let mailbox = address;
  const route = SOURCE_ROUTE.exec(mailbox);
  if (route) {
    tricks.push('source-route');
    mailbox = mailbox.slice(route[0].length);
  }
  const quoted = mailbox.startsWith('"');
  if (quoted) tricks.push('quoted');

  const ats = unquotedAtPositions(mailbox);
  const lastAt = ats[ats.length - 1];
  const localPart = lastAt === undefined ? mailbox : mailbox.slice(0, lastAt);
  const domain = lastAt === undefined ? null : mailbox.slice(lastAt + 1);
  if (ats.length >= 2) tricks.push('double-at');
  if (domain === '') tricks.push('empty-domain');
  if (!quoted && localPart.includes('%')) tricks.push('percent-hack');
  if (!quoted && localPart.includes('!')) tricks.push('bang-path');
  if (domain === null && !quoted && !tricks.some((t) => t !== 'no-brackets') && address.toLowerCase() !== 'postmaster') {
    tricks.push('unqualified');
  }
  return { address, localPart, domain, tricks };
}

/** Positions of `@` outside double quotes (RFC 5321 §4.1.2 Quoted-string, with `\` escapes). */
function unquotedAtPositions(mailbox: string): number[] {
  const positions: number[] = [];
  let inQuotes = false;
  for (let i = 0; i < mailbox.length; i++) {
    const ch = mailbox[i];
    if (inQuotes && ch === '\\') i++;
    else if (ch === '"') inQuotes = !inQuotes;
    else if (ch === '@' && !inQuotes) positions.push(i);
  }
  return positions;
}

function senderClaimsLocal(mailFrom: string, own: ReadonlySet<string>): boolean {
  const { address, domain } = parsePath(mailFrom);
  if (address === '') return false;
  if (domain === null) return !address.includes('!');
  const lower = domain.toLowerCase();
  return own.has(lower) || lower === 'localhost';
}
