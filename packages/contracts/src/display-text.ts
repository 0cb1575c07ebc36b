// Making server-controlled text safe to show (SECURITY.md §4): every character that can act on a
// terminal or a reader instead of being read becomes a visible escape, so a banner can neither
// move the cursor, set a window title or clear a terminal (C0, C1, DEL), reorder a line (bidi
// controls such as U+202E, the Trojan Source trick), hide or join text (zero-width and other
// invisible characters) nor break a line. The text stays text: renderers must still never
// interpret it as markup.
//
// One character class, two notations: escapeForDisplay writes \xNN and \uNNNN for people (the
// CLI's lines, the web page, copied transcripts, link previews, logs); toSafeJson writes JSON's
// own \uNNNN escapes, so a JSON document keeps the exact values (JSON.parse gives them back) while
// its text holds none of these characters and can be printed on a terminal as it is.

// C0 controls, DEL, C1 controls, soft hyphen, Arabic letter mark, Mongolian vowel separator,
// zero-width space / non-joiner / joiner, LRM, RLM, line and paragraph separators, bidi
// embeddings and overrides, word joiner and the invisible operators, bidi isolates and the
// deprecated format characters, zero-width no-break space (BOM), interlinear annotation
// characters, and the invisible tag characters (U+E0000-U+E007F). U+FFFD stays visible as is.
const BEYOND_C0 = '\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb\\u{e0000}-\\u{e007f}';
const UNSAFE = new RegExp(`[\\u0000-\\u001f${BEYOND_C0}]`, 'gu');
// JSON.stringify escapes C0 inside strings itself; a raw C0 character in its output is the
// structural white space of `space`, which must stay.
const UNSAFE_IN_JSON = new RegExp(`[${BEYOND_C0}]`, 'gu');
const UNSAFE_CHARACTER_IN_JSON = new RegExp(`^[${BEYOND_C0}]$`, 'u');

const NAMED: Record<string, string> = { '\t': '\\t', '\r': '\\r', '\n': '\\n', '\u001b': '\\e' };

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** Escape control, bidi and invisible characters as \xNN / \uNNNN / \u{NNNNN} (and \t \r \n \e) for display. */
export function escapeForDisplay(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const named = NAMED[ch];
    if (named) return named;
    const cp = ch.codePointAt(0) as number;
    if (cp <= 0xff) return `\\x${hex(cp, 2)}`;
    return cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\u{${hex(cp, 5)}}`;
  });
}

/** True when `text` needs no escaping. */
export function isDisplaySafe(text: string): boolean {
  UNSAFE.lastIndex = 0;
  return !UNSAFE.test(text);
}

/**
 * JSON.stringify, with every character escapeForDisplay would escape written as a JSON \u escape
 * (surrogate pairs for the tag characters): the same values, an inert text. These characters
 * only ever appear inside strings, so only string contents change.
 */
export function toSafeJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(UNSAFE_IN_JSON, (ch) => {
    let out = '';
    for (let i = 0; i < ch.length; i++) out += `\\u${hex(ch.charCodeAt(i), 4)}`;
    return out;
  });
}

/** Bytes one character (a UTF-16 unit or a surrogate pair) takes in toSafeJson's output (UTF-8), inside a string. */
function storedCharSize(ch: string): number {
  const code = ch.charCodeAt(0);
  if (code < 0x20) return code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d ? 2 : 6;
  if (code === 0x22 || code === 0x5c) return 2;
  if (code < 0x7f) return 1;
  if (UNSAFE_CHARACTER_IN_JSON.test(ch)) return 6 * ch.length;
  if (ch.length === 2) return 4;
  return code < 0x800 ? 2 : 3;
}

/**
 * The longest start of `text` whose toSafeJson form (quotes excepted) takes at most `maxBytes`
 * bytes of UTF-8, and that size: what a result stores of a string (engine's result-limits.ts).
 * A surrogate pair is never split.
 */
export function cutToStoredSize(text: string, maxBytes: number): { kept: string; size: number } {
  let size = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    const width = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? 2 : 1;
    const add = storedCharSize(width === 1 ? (text[i] as string) : text.slice(i, i + 2));
    if (size + add > maxBytes) break;
    size += add;
    i += width;
  }
  return { kept: i === text.length ? text : text.slice(0, i), size };
}
