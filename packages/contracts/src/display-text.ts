// Making server-controlled text safe to show: every C0/C1 control character, DEL, and the Unicode
// bidirectional and line/paragraph separators become visible escapes, so a banner can neither
// move the cursor, colour a terminal, reorder a line (U+202E) nor break a line. The text stays
// text: renderers must still never interpret it as markup.

// C0 controls, DEL, C1 controls, bidi embeddings/overrides/isolates, LRM/RLM/ALM,
// line and paragraph separators, zero-width no-break space (BOM), U+FFFD stays visible as is.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { '\t': '\\t', '\r': '\\r', '\n': '\\n', '\u001b': '\\e' };

/** Escape control and bidi characters as \xNN / \uNNNN (and \t \r \n \e) for display. */
export function escapeForDisplay(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const named = NAMED[ch];
    if (named) return named;
    const cp = ch.charCodeAt(0);
    return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  });
}

/** True when `text` needs no escaping. */
export function isDisplaySafe(text: string): boolean {
  UNSAFE.lastIndex = 0;
  return !UNSAFE.test(text);
}
