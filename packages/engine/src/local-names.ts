// Local names T (RELAY-TESTS.md §1): names the target may treat as its own. Taken from the
// input host, the MX name, the first word of the 220 greeting and the name in the EHLO reply,
// but only tokens that look like host names: nmap takes the greeting's word blindly and ends up
// testing addresses like x@ESMTP.

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const NUMERIC_TLD = /^[0-9]+$/;

/** True when `token` looks like a fully qualified host name: LDH labels, a dot, a non-numeric TLD. */
function looksLikeHostName(token: string): boolean {
  const name = token.toLowerCase().replace(/\.$/, '');
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (labels.length < 2) return false;
  if (!labels.every((label) => LABEL.test(label))) return false;
  return !NUMERIC_TLD.test(labels[labels.length - 1] as string);
}

/** The first word after the code in a greeting or EHLO reply line ("220 mx.example.com ESMTP"). */
export function nameFromReplyText(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const word = text.trim().split(/\s+/, 1)[0] ?? '';
  return looksLikeHostName(word) ? word.toLowerCase().replace(/\.$/, '') : undefined;
}

/** Add names in order, keeping only host-name-like, distinct, lower-cased ones. */
export function mergeLocalNames(existing: readonly string[], candidates: ReadonlyArray<string | undefined>): string[] {
  const names = [...existing];
  for (const candidate of candidates) {
    if (candidate === undefined || !looksLikeHostName(candidate)) continue;
    const name = candidate.toLowerCase().replace(/\.$/, '');
    if (!names.includes(name)) names.push(name);
  }
  return names;
}
