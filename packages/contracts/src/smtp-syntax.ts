// What a user or operator may put into an SMTP command: the HELO name, a domain, an address
// literal, a mailbox (RFC 5321 §4.1.2 and §4.1.3, lengths from §4.5.3.1). They run on input
// BEFORE anything is sent (SECURITY.md §2) and answer null when the value is fine, else one
// sentence naming the problem. They never echo the offending character itself: the sentence may
// be shown or logged. The labels and addresses are checked by the one LDH rule (host-name.ts) and
// the one IPv4 and IPv6 parser (ip-address-text.ts).
//
//   Domain          = sub-domain *("." sub-domain)
//   address-literal = "[" ( IPv4-address-literal / IPv6-address-literal ) "]"
//   Mailbox         = Local-part "@" ( Domain / address-literal )
//   Local-part      = Dot-string / Quoted-string
//   Dot-string      = Atom *("."  Atom)
//   Quoted-string   = DQUOTE *QcontentSMTP DQUOTE
//   QcontentSMTP    = qtextSMTP / quoted-pairSMTP
//   quoted-pairSMTP = %d92 %d32-126
//   qtextSMTP       = %d32-33 / %d35-91 / %d93-126
import { MAX_HOST_NAME_LENGTH, MAX_LABEL_LENGTH, ldhProblem } from './host-name.js';
import { parseIPv4, parseIPv6 } from './ip-address-text.js';

/** RFC 5321 §4.5.3.1.1. */
export const MAX_LOCAL_PART_LENGTH = 64;
/** RFC 5321 §4.5.3.1.3: a path, angle brackets included. */
const MAX_PATH = 256;

// RFC 5322 atext, which RFC 5321's Atom uses.
const DOT_STRING = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;
const QUOTED_STRING = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;

/** Why a local part is not an RFC 5321 Local-part; undefined when it is one. */
export type LocalPartProblem = 'too-long' | 'invalid-quoted-string' | 'invalid-dot-string';

/** Check a local part's length (§4.5.3.1.1) and syntax (§4.1.2); the caller has checked its characters. */
export function localPartProblem(localPart: string): LocalPartProblem | undefined {
  if (localPart.length > MAX_LOCAL_PART_LENGTH) return 'too-long';
  if (localPart.startsWith('"')) return QUOTED_STRING.test(localPart) ? undefined : 'invalid-quoted-string';
  return DOT_STRING.test(localPart) ? undefined : 'invalid-dot-string';
}

/** null when `name` is a fully qualified LDH domain (labels 1-63, total <= 253, at least one dot). */
export function validateDomain(name: string): string | null {
  const charProblem = checkCharacters(name, 'The domain');
  if (charProblem !== null) return charProblem;
  const problem = ldhProblem(name);
  if (problem?.kind === 'too-long') return `The domain is longer than ${MAX_HOST_NAME_LENGTH} characters.`;
  // RFC 5321 §2.3.5 and §4.1.1.1: the names exchanged must be fully qualified.
  if (!name.includes('.')) return 'The domain is not fully qualified (it needs at least one dot).';
  switch (problem?.kind) {
    case undefined:
      return null;
    case 'empty-label':
      return 'The domain has an empty label (a leading, trailing or doubled dot).';
    case 'long-label':
      return `The domain has a label longer than ${MAX_LABEL_LENGTH} characters.`;
    case 'bad-character':
    case 'hyphen-at-edge':
      return 'The domain has a label with a character other than letters, digits and inner hyphens (IDNs must be written in xn-- form).';
    case 'numeric-last-label':
      // RFC 3696 §2: a top-level domain is never all-numeric; "192.0.2.1" is an address, not a name.
      return 'The domain ends in an all-numeric label; an IP address must be written as an address literal such as [192.0.2.1].';
  }
}

/** null when `name` may follow EHLO/HELO: a domain (see validateDomain) or an address literal. */
export function validateHeloName(name: string): string | null {
  if (name.startsWith('[')) {
    const charProblem = checkCharacters(name, 'The HELO name');
    return charProblem ?? validateAddressLiteral(name);
  }
  const problem = validateDomain(name);
  return problem === null ? null : problem.replace(/^The domain/, 'The HELO name');
}

/** null when `literal` is "[IPv4]" or "[IPv6:...]" (RFC 5321 §4.1.3). */
function validateAddressLiteral(literal: string): string | null {
  if (!literal.startsWith('[') || !literal.endsWith(']')) return 'The address literal must be enclosed in square brackets.';
  const inner = literal.slice(1, -1);
  if (/^IPv6:/i.test(inner)) {
    const v6 = parseIPv6(inner.slice(5));
    // RFC 5321 §4.1.3: in an address literal "::" stands for at least two zero groups.
    return v6 && (v6.elided === undefined || v6.elided >= 2) ? null : 'The address literal is not a valid IPv6 address (RFC 5321 §4.1.3).';
  }
  if (parseIPv4(inner)) return null;
  return 'The address literal is not a dotted-quad IPv4 address (0-255, no leading zeros) or "IPv6:" followed by an IPv6 address.';
}

/** null when `address` is an RFC 5321 Mailbox: local-part "@" (domain / address literal), ASCII only. */
export function validateMailbox(address: string): string | null {
  const charProblem = checkCharacters(address, 'The address');
  if (charProblem !== null) return charProblem;
  if (address.length + 2 > MAX_PATH) return `The address is longer than ${MAX_PATH - 2} characters (a path is at most ${MAX_PATH} octets with its angle brackets).`;
  let localEnd: number;
  if (address.startsWith('"')) {
    // A quoted local part may itself hold "@": find its closing quote, skipping quoted pairs.
    localEnd = closingQuote(address);
    if (localEnd < 0) return 'The address has a quoted local part without its closing quote.';
    localEnd += 1;
  } else {
    localEnd = address.lastIndexOf('@');
    if (localEnd < 0) return 'The address has no "@".';
  }
  if (address[localEnd] !== '@') return 'The address has text between the quoted local part and the "@".';
  const local = address.slice(0, localEnd);
  const domain = address.slice(localEnd + 1);
  if (local.length === 0) return 'The address has an empty local part.';
  switch (localPartProblem(local)) {
    case 'too-long':
      return `The local part is longer than ${MAX_LOCAL_PART_LENGTH} characters.`;
    case 'invalid-quoted-string':
      return 'The quoted local part holds a character that must be escaped with a backslash.';
    case 'invalid-dot-string':
      return "The local part is not a dot-atom (letters, digits and !#$%&'*+-/=?^_`{|}~ between single dots); quote it if it must hold other characters.";
    case undefined:
      break;
  }
  if (domain.length === 0) return 'The address has no domain after the "@".';
  if (domain.startsWith('[')) return validateAddressLiteral(domain);
  return validateDomain(domain);
}

/** A sentence when `value` is empty or holds an octet outside 0x20-0x7E (SECURITY.md §2), else null. */
function checkCharacters(value: string, what: string): string | null {
  if (value.length === 0) return `${what} is empty.`;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x20) return `${what} contains a space (position ${i + 1}).`;
    if (c < 0x20 || c > 0x7e) return `${what} contains a control or non-ASCII character (U+${c.toString(16).toUpperCase().padStart(4, '0')} at position ${i + 1}).`;
  }
  return null;
}

/** Index of the quote closing the quoted string that starts at 0, or -1. */
function closingQuote(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}
