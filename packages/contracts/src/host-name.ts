// The LDH host-name grammar (RFC 1123 §2.1, RFC 5321 §4.1.2 "Domain"), written once: typed
// targets, every MX exchange name a DNS answer hands us (SECURITY.md §1: "validate every MX name
// the same way"), reverse names, and the SMTP Domain of HELO names, test domains and mailboxes
// (smtp-syntax.ts, which words the same problems for the operator) all go through `ldhProblem`.
// Input must already be ASCII: IDN conversion happens before (target-grammar.ts).
//
//   sub-domain = Let-dig [Ldh-str]        Let-dig = ALPHA / DIGIT
//   Ldh-str    = *( ALPHA / DIGIT / "-" ) Let-dig
//
// Invariant: a name checkHostName accepts is lower-case, has no trailing dot, labels of 1–63
// characters of a-z 0-9 and "-" that neither start nor end with "-", at most 253 characters in
// all, and a last label that is not all digits (RFC 3696 §2: a top-level domain is never
// all-numeric, and a numeric last label is how "127.1" or "1.2.3.4.5" would sneak past as a name).
import { escapeForDisplay } from './display-text.js';

/** Longest host name in text form (RFC 1035 §2.3.4: 255 octets on the wire, 253 written out without the root dot). */
export const MAX_HOST_NAME_LENGTH = 253;
/** Longest label (RFC 1035 §2.3.4). */
export const MAX_LABEL_LENGTH = 63;

/** The first way a name breaks the LDH grammar. */
export type LdhProblem =
  | { kind: 'too-long'; length: number }
  | { kind: 'empty-label' }
  | { kind: 'long-label'; length: number }
  | { kind: 'bad-character'; character: string }
  | { kind: 'hyphen-at-edge'; label: string }
  | { kind: 'numeric-last-label'; label: string };

const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Check `name` against the LDH grammar, letters compared without case; a trailing dot is an empty
 * last label here (callers that forgive one remove it first). Undefined when the name is fine.
 */
export function ldhProblem(name: string): LdhProblem | undefined {
  if (name.length > MAX_HOST_NAME_LENGTH) return { kind: 'too-long', length: name.length };
  const labels = name.toLowerCase().split('.');
  for (const label of labels) {
    if (label === '') return { kind: 'empty-label' };
    if (label.length > MAX_LABEL_LENGTH) return { kind: 'long-label', length: label.length };
    if (!LDH_LABEL.test(label)) {
      const bad = /[^a-z0-9-]/.exec(label);
      return bad ? { kind: 'bad-character', character: bad[0] } : { kind: 'hyphen-at-edge', label };
    }
  }
  const last = labels[labels.length - 1] ?? '';
  if (/^[0-9]+$/.test(last)) return { kind: 'numeric-last-label', label: last };
  return undefined;
}

/** Check an ASCII host name; on success the name is lower-cased with one trailing dot removed. */
export function checkHostName(name: string): { ok: true; host: string } | { ok: false; problem: string } {
  let host = name.toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host === '') return { ok: false, problem: 'the host name is empty' };
  const problem = ldhProblem(host);
  if (!problem) return { ok: true, host };
  switch (problem.kind) {
    case 'too-long':
      return { ok: false, problem: `the host name is ${problem.length} characters long; the limit is ${MAX_HOST_NAME_LENGTH}` };
    case 'empty-label':
      return { ok: false, problem: 'it has an empty label (two dots in a row, or a leading dot)' };
    case 'long-label':
      return { ok: false, problem: `a label is ${problem.length} characters long; the limit is ${MAX_LABEL_LENGTH}` };
    case 'bad-character':
      return { ok: false, problem: `it contains "${escapeForDisplay(problem.character)}"; host names use only letters, digits, "-" and "."` };
    case 'hyphen-at-edge':
      return { ok: false, problem: `the label "${problem.label}" starts or ends with "-"` };
    case 'numeric-last-label':
      return { ok: false, problem: `its last label "${problem.label}" is all digits, so it is neither a host name nor an IPv4 address` };
  }
}
