// The LDH host-name grammar (RFC 1123 §2.1, RFC 5321 §4.1.2 "Domain"), used for typed targets and
// for every MX exchange name a DNS answer hands us (SECURITY.md §1: "validate every MX name the
// same way"). Input must already be ASCII: IDN conversion happens before (target-input.ts).
//
// Invariant: an accepted name is lower-case, has no trailing dot, labels of 1–63 characters of
// a-z 0-9 and "-" that neither start nor end with "-", at most 253 characters in all, and a last
// label that is not all digits (RFC 3696 §2: a top-level domain is never all-numeric, and a
// numeric last label is how "127.1" or "1.2.3.4.5" would sneak past as a "name").
import { escapeForDisplay } from '@relayprobe/contracts';

/** Longest host name in text form (RFC 1035 §2.3.4: 255 octets on the wire). */
export const MAX_HOST_NAME_LENGTH = 253;
/** Longest label (RFC 1035 §2.3.4). */
export const MAX_LABEL_LENGTH = 63;

const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** Check an ASCII host name; on success the name is lower-cased with one trailing dot removed. */
export function checkHostName(name: string): { ok: true; host: string } | { ok: false; problem: string } {
  let host = name.toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host === '') return { ok: false, problem: 'the host name is empty' };
  if (host.length > MAX_HOST_NAME_LENGTH) {
    return { ok: false, problem: `the host name is ${host.length} characters long; the limit is ${MAX_HOST_NAME_LENGTH}` };
  }
  const labels = host.split('.');
  for (const label of labels) {
    if (label === '') return { ok: false, problem: 'it has an empty label (two dots in a row, or a leading dot)' };
    if (label.length > MAX_LABEL_LENGTH) {
      return { ok: false, problem: `a label is ${label.length} characters long; the limit is ${MAX_LABEL_LENGTH}` };
    }
    if (!LDH_LABEL.test(label)) {
      const bad = /[^a-z0-9-]/.exec(label);
      return bad
        ? { ok: false, problem: `it contains "${escapeForDisplay(bad[0])}"; host names use only letters, digits, "-" and "."` }
        : { ok: false, problem: `the label "${label}" starts or ends with "-"` };
    }
  }
  const tld = labels[labels.length - 1] ?? '';
  if (/^[0-9]+$/.test(tld)) {
    return { ok: false, problem: `its last label "${tld}" is all digits, so it is neither a host name nor an IPv4 address` };
  }
  return { ok: true, host };
}
