// The target grammar (SECURITY.md §1), applied before any DNS query by the CLI, the server and the
// web form alike (probe-input.ts): what the user typed must be an LDH host name, a dotted-quad
// IPv4 address, an IPv6 literal or an e-mail address, and nothing the system's number parsers
// would read differently from us. inet_aton reads "127.1" as 127.0.0.1, "2130706433" as 127.0.0.1
// and "012.0.0.1" as 10.0.0.1 (octal), so every numeric look-alike that is not a plain dotted
// quad is refused here with a message saying why.
//
// Invariants: nothing here does I/O or needs Node (the web app runs it in the browser); the
// caller trims surrounding blanks (readTarget), we refuse any whitespace that is left; every
// message starts with the input, quoted and escaped (no raw control characters).
import { escapeForDisplay } from './display-text.js';
import { checkHostName } from './host-name.js';
import { formatIPv6, parseIPv4, parseIPv6 } from './ip-address-text.js';
import { localPartProblem, MAX_LOCAL_PART_LENGTH } from './smtp-syntax.js';

/** A target as typed, classified and canonicalised; no DNS has been asked yet. */
export type TargetInput =
  | { kind: 'ipv4'; address: string }
  | { kind: 'ipv6'; address: string } // canonical lower-case (RFC 5952), no brackets
  | { kind: 'host'; host: string } // lower-case ASCII, IDN converted to xn--
  | { kind: 'email'; host: string; localPart: string };

/** Result of parseTarget. */
export type TargetParseResult = { ok: true; target: TargetInput } | { ok: false; code: 'invalid-target'; message: string };

/** Longest target accepted: a 64-octet local part, "@", a 255-octet domain (RFC 5321 §4.5.3.1). */
export const MAX_TARGET_LENGTH = 320;

// Cc (C0, DEL, C1), Cf (bidi controls, zero-width characters, BOM), line and paragraph separators.
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const WHITESPACE = /\s/u;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i; // RFC 3986 §3.1 scheme, then "//"
const MAILTO = /^mailto:/i;
const NUMERIC_LABEL = /^(?:0x[0-9a-f]*|[0-9]+)$/i;
// ASCII characters that may appear next to non-ASCII letters in an IDN. Anything else ("%", "_",
// "/") is refused before conversion: the WHATWG host parser percent-decodes, and stops at "/".
const IDN_ASCII_ALLOWED = /^[A-Za-z0-9.\-\u0080-\u{10ffff}]*$/u;

/** Classify and canonicalise a target (host, IPv4, IPv6 or e-mail address) before any DNS. */
export function parseTarget(input: string): TargetParseResult {
  if (input === '') return { ok: false, code: 'invalid-target', message: 'the target is empty' };
  if (input.length > MAX_TARGET_LENGTH) {
    return refuse(input, `is ${input.length} characters long; the limit is ${MAX_TARGET_LENGTH}`);
  }
  const control = CONTROL_OR_FORMAT.exec(input);
  if (control) {
    return refuse(input, `contains a control or invisible formatting character (${codePoint(control[0])} at position ${control.index + 1})`);
  }
  const space = WHITESPACE.exec(input);
  if (space) return refuse(input, `contains whitespace (${codePoint(space[0])} at position ${space.index + 1})`);
  if (URL_SCHEME.test(input) || MAILTO.test(input)) {
    return refuse(input, 'is a URL; give only the host name, IP address, domain or e-mail address');
  }
  if (input.includes('@')) return parseEmail(input);
  return parseHostPart(input, input, false);
}

function parseEmail(input: string): TargetParseResult {
  // The domain follows the last "@": a quoted local part may itself contain "@" (RFC 5321 §4.1.2).
  const at = input.lastIndexOf('@');
  const localPart = input.slice(0, at);
  const domain = input.slice(at + 1);
  if (localPart === '') return refuse(input, 'has nothing before "@"');
  if (domain === '') return refuse(input, 'has no domain after "@"');
  const localProblem = checkLocalPart(localPart);
  if (localProblem) return refuse(input, localProblem);
  const parsed = parseHostPart(domain, input, true);
  if (!parsed.ok || parsed.target.kind !== 'host') return parsed;
  return { ok: true, target: { kind: 'email', host: parsed.target.host, localPart } };
}

function checkLocalPart(localPart: string): string | undefined {
  if (/[^\x00-\x7f]/.test(localPart)) {
    return 'has a non-ASCII local part; internationalised addresses (SMTPUTF8) are not supported';
  }
  switch (localPartProblem(localPart)) {
    case 'too-long':
      return `has a local part of ${localPart.length} characters; the limit is ${MAX_LOCAL_PART_LENGTH} (RFC 5321 §4.5.3.1.1)`;
    case 'invalid-quoted-string':
      return 'has an invalid quoted local part (RFC 5321 §4.1.2 Quoted-string)';
    case 'invalid-dot-string':
      return 'has an invalid local part (RFC 5321 §4.1.2 Dot-string)';
    case undefined:
      return undefined;
  }
}

/** The part naming a machine: the whole target, or the domain of an e-mail address. */
function parseHostPart(text: string, input: string, inEmail: boolean): TargetParseResult {
  if (text.startsWith('[')) {
    if (/^\[[^\]]*\]:/.test(text)) return refusePort(input);
    if (!text.endsWith(']') || text.indexOf(']') !== text.length - 1) {
      return refuse(input, 'has a malformed "[...]" address literal');
    }
    return parseAddressLiteral(text.slice(1, -1), input);
  }
  // A zone id ("%eth0", RFC 6874) names an interface of the prober, not a host on the internet.
  if (text.includes('%') && text.includes(':')) return refuseZone(input);
  const colons = text.split(':').length - 1;
  if (colons === 1) return refusePort(input);
  if (colons > 1) {
    const v6 = parseIPv6(text);
    if (!v6) return refuse(input, 'is not a valid IPv6 address');
    if (inEmail) return refuse(input, 'has an IPv6 address as its domain; write it as an address literal, e.g. user@[IPv6:2001:db8::1]');
    return { ok: true, target: { kind: 'ipv6', address: formatIPv6(v6.parts) } };
  }
  return parseHostOrIPv4(text, input, inEmail);
}

/** Inside "[...]": RFC 5321 §4.1.3 address literals, plus a bare IPv6 address as URLs write it. */
function parseAddressLiteral(inner: string, input: string): TargetParseResult {
  if (inner.includes('%')) return refuseZone(input);
  if (/^ipv6:/i.test(inner)) {
    const v6 = parseIPv6(inner.slice(5));
    if (!v6) return refuse(input, 'has an invalid IPv6 address literal');
    return { ok: true, target: { kind: 'ipv6', address: formatIPv6(v6.parts) } };
  }
  const v4 = parseIPv4(inner);
  if (v4) return { ok: true, target: { kind: 'ipv4', address: v4.join('.') } };
  const v6 = parseIPv6(inner);
  if (v6) return { ok: true, target: { kind: 'ipv6', address: formatIPv6(v6.parts) } };
  const numeric = describeNumericLookalike(inner);
  return refuse(input, numeric ?? 'has an address literal that is neither an IPv4 nor an IPv6 address');
}

function parseHostOrIPv4(text: string, input: string, inEmail: boolean): TargetParseResult {
  const v4 = parseIPv4(text);
  if (v4) {
    if (inEmail) return refuse(input, `has an IP address as its domain; write it as an address literal: user@[${text}]`);
    return { ok: true, target: { kind: 'ipv4', address: v4.join('.') } };
  }
  const withoutDot = text.endsWith('.') ? text.slice(0, -1) : text;
  if (parseIPv4(withoutDot)) return refuse(input, 'is an IPv4 address with a trailing dot; write it without the dot');
  const numeric = describeNumericLookalike(withoutDot);
  if (numeric) return refuse(input, numeric);

  let ascii = text;
  if (/[^\x00-\x7f]/.test(text)) {
    // IDNA (RFC 5891) through the WHATWG mapping; the result is checked again as plain LDH, so a
    // name whose letters map to digits ("１２７.０.０.１") is refused like its ASCII twin.
    if (!IDN_ASCII_ALLOWED.test(text)) {
      const bad = /[^A-Za-z0-9.\-\u0080-\u{10ffff}]/u.exec(text)?.[0] ?? '';
      return refuse(input, `contains "${escapeForDisplay(bad)}"; host names use only letters, digits, "-" and "."`);
    }
    ascii = domainToASCII(text);
    if (ascii === '') return refuse(input, 'is not a valid internationalised domain name (IDNA)');
  }
  const checked = checkHostName(ascii);
  if (!checked.ok) return refuse(input, `is not a valid host name: ${checked.problem}`);
  return { ok: true, target: { kind: 'host', host: checked.host } };
}

/**
 * UTS #46 ToASCII as the WHATWG URL standard applies it, or "" when the name is not valid. This is
 * what Node's url.domainToASCII computes (it sets the host of a "ws:" URL; a test keeps the two in
 * step), written with the URL class so that browsers run the same code. `text` holds no ASCII
 * character that ends a host in a URL (IDN_ASCII_ALLOWED), so the whole of it is the host.
 */
function domainToASCII(text: string): string {
  try {
    return new URL(`ws://${text}/`).hostname;
  } catch {
    return '';
  }
}

/** Why an all-numeric dotted string is not a dotted quad; undefined when some label is a word. */
function describeNumericLookalike(text: string): string | undefined {
  const labels = text.split('.');
  if (!labels.every((label) => NUMERIC_LABEL.test(label))) return undefined;
  if (labels.length === 1) return 'is a bare number; write an IPv4 address as four decimal parts (a.b.c.d)';
  if (labels.some((label) => /^0x/i.test(label))) {
    return 'has hexadecimal parts; write an IPv4 address as four decimal parts (a.b.c.d)';
  }
  if (labels.length !== 4) {
    return `has ${labels.length} numeric parts; an IPv4 address is written as exactly four (a.b.c.d)`;
  }
  if (labels.some((label) => label.length > 1 && label.startsWith('0'))) {
    return 'has a part with a leading zero, which resolvers may read as octal (012.0.0.1 is 10.0.0.1); write decimal parts without leading zeros';
  }
  return 'has a part greater than 255, so it is not an IPv4 address';
}

function refusePort(input: string): TargetParseResult {
  return refuse(input, 'includes a port; give the port separately (--port)');
}

function refuseZone(input: string): TargetParseResult {
  return refuse(input, 'has an IPv6 zone id ("%..."), which names a local interface; zone ids are not accepted');
}

function refuse(input: string, problem: string): TargetParseResult {
  return { ok: false, code: 'invalid-target', message: `${quote(input)} ${problem}` };
}

/** The input in quotes, escaped for display and shortened when long. */
function quote(input: string): string {
  const shown = input.length > 80 ? `${input.slice(0, 80)}…` : input;
  return `"${escapeForDisplay(shown)}"`;
}

function codePoint(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
