// Checking the form before anything is sent, roughly as the server's target grammar does
// (SECURITY.md §1; packages/probe target-input.ts is the authority): refuse what is plainly wrong
// here, with a sentence saying what, and let the server judge the rest. Nothing here must refuse
// an input the server would accept.
import { escapeForDisplay, type CreateProbeBody } from '@relayprobe/contracts';
import { probeBody } from '../../api/probe-body.js';
import type { FormFields } from '../../store/form-slice.js';

/** The request body, or what is wrong and in which field. */
export type FormCheck = { ok: true; body: CreateProbeBody } | { ok: false; field: keyof FormFields; message: string };

// Cc (C0, DEL, C1), Cf (bidi controls, zero-width), line and paragraph separators.
const CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const WHITESPACE = /\s/u;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i; // RFC 3986 §3.1
const MAILTO = /^mailto:/i;
const NUMERIC_LABELS = /^(?:(?:0x[0-9a-f]*|[0-9]+)\.)*(?:0x[0-9a-f]*|[0-9]+)\.?$/i;
const DOTTED_QUAD = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;
const MAX_TARGET_LENGTH = 320; // RFC 5321 §4.5.3.1: 64-octet local part, "@", 255-octet domain

/** Where `pattern` first matches `text`, described for a person ("a tab at position 4"). */
function describeCharacter(text: string, pattern: RegExp): string | undefined {
  const match = pattern.exec(text);
  if (!match) return undefined;
  const ch = match[0];
  const name = ch === ' ' ? 'a space' : ch === '\t' ? 'a tab' : `the character ${escapeForDisplay(ch)}`;
  return `${name} at position ${match.index + 1}`;
}

/** What is wrong with the target as typed, or undefined when it may be sent. */
export function targetProblem(target: string): string | undefined {
  if (target === '') return 'Enter a mail server: a host name, IP address, domain or e-mail address.';
  if (target.length > MAX_TARGET_LENGTH) return `The mail server is ${target.length} characters long; the limit is ${MAX_TARGET_LENGTH}.`;
  const control = describeCharacter(target, CONTROL);
  if (control) return `The mail server contains a control or invisible character (${control}); type it again without it.`;
  const space = describeCharacter(target, WHITESPACE);
  if (space) return `The mail server contains whitespace (${space}); enter just the name or address.`;
  if (URL_SCHEME.test(target) || MAILTO.test(target)) return 'That is a URL; enter only the host name, IP address, domain or e-mail address.';
  const host = target.includes('@') ? target.slice(target.lastIndexOf('@') + 1) : target;
  if (host === '') return 'The e-mail address has no domain after "@".';
  if (host.includes('/')) return 'The mail server contains "/"; enter only the host name, IP address, domain or e-mail address, not a URL or path.';
  if (/^\[[^\]]*\]:/.test(host) || (!host.startsWith('[') && host.split(':').length === 2)) {
    return 'The mail server includes a port; put the port in the Port field instead.';
  }
  if (!host.includes(':') && NUMERIC_LABELS.test(host) && !DOTTED_QUAD.test(host)) {
    return 'That is not an IPv4 address as four decimal parts without leading zeros (a.b.c.d); resolvers read such forms differently.';
  }
  return undefined;
}

/** What is wrong with the port, or undefined. Decimal 1–65535, no sign or leading zero, like the server. */
export function portProblem(port: string): string | undefined {
  return /^[1-9][0-9]{0,4}$/.test(port) && Number(port) <= 65535 ? undefined : 'The port must be a whole number from 1 to 65535.';
}

/** What is wrong with the optional recipient of the test message, or undefined. */
export function recipientProblem(to: string): string | undefined {
  if (to === '') return undefined;
  if (CONTROL.test(to) || WHITESPACE.test(to)) return 'The recipient must not contain spaces or control characters.';
  if (to.length < 3 || to.length > 256 || !/^[^@]+@[^@]+$/.test(to.replace(/^".*"@/, 'x@'))) return 'The recipient must be one e-mail address, like you@example.org.';
  return undefined;
}

/** Check the whole form; on success, the body for POST /api/v1/probes. */
export function checkForm(fields: FormFields): FormCheck {
  const target = targetProblem(fields.target);
  if (target) return { ok: false, field: 'target', message: target };
  const port = portProblem(fields.port);
  if (port) return { ok: false, field: 'port', message: port };
  const to = fields.sendMessage ? recipientProblem(fields.to) : undefined;
  if (to) return { ok: false, field: 'to', message: to };
  return { ok: true, body: probeBody({ ...fields, port: Number(fields.port) }) };
}
