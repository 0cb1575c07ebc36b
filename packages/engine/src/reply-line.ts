// The pieces of one SMTP reply line (see reply-reader.ts for the grammar): its reply code, its
// text, the RFC 3463 enhanced status code, how its bytes decode (and whether the text reproduces them),
// plus the byte scan that lets the reader take plain ASCII the fast way.
//
// Invariant: every function here is pure; "content" means a line without its CRLF / LF.

/** Returned by replyCodeAt when the line does not start with a valid code and separator. */
export const MALFORMED = -1;

const DIGIT_0 = 0x30;
const SPACE = 0x20;
const HYPHEN = 0x2d;
const DOT = 0x2e;
const TAB = 0x09;

/**
 * The reply code of the line whose content (line end excluded) is bytes[from..from + length), or
 * MALFORMED. RFC 5321 §4.2: Reply-code = %x32-35 %x30-35 %x30-39, then SP, "-" or the line end;
 * so `600`, `190`, `2500`, `25`, `220x` are malformed. Read from the bytes: a non-ASCII byte in
 * the first four is malformed however it would decode.
 */
export function replyCodeAt(bytes: Uint8Array, from: number, length: number): number {
  if (length < 3) return MALFORMED;
  const a = bytes[from]! - DIGIT_0;
  const b = bytes[from + 1]! - DIGIT_0;
  const c = bytes[from + 2]! - DIGIT_0;
  if (a < 2 || a > 5 || b < 0 || b > 5 || c < 0 || c > 9) return MALFORMED;
  if (length > 3) {
    const sep = bytes[from + 3];
    if (sep !== SPACE && sep !== HYPHEN) return MALFORMED;
  }
  return a * 100 + b * 10 + c;
}

/** True when a well-formed line (content at bytes[from..from + length)) continues its reply ("250-..."). */
export function continuesAt(bytes: Uint8Array, from: number, length: number): boolean {
  return length > 3 && bytes[from + 3] === HYPHEN;
}

/** The text after "NNN-" / "NNN ", or "" for a bare code. */
export function textOf(line: string): string {
  return line.length > 4 ? line.substring(4) : '';
}

// RFC 3463 §2: status-code = class "." subject "." detail; class = "2" / "4" / "5";
// subject = 1*3digit; detail = 1*3digit. It leads the text, followed by a space, a tab or the end.
// Scanned by hand: this runs once per reply, on the hot path.

/** The enhanced status code leading `text` when its class matches `code`'s first digit. */
export function enhancedCodeOf(code: number, text: string): string | undefined {
  if (text.charCodeAt(0) !== DIGIT_0 + Math.trunc(code / 100) || text.charCodeAt(1) !== DOT) return undefined;
  const subjectEnd = digitsEnd(text, 2);
  if (subjectEnd === 2 || text.charCodeAt(subjectEnd) !== DOT) return undefined;
  const detailEnd = digitsEnd(text, subjectEnd + 1);
  if (detailEnd === subjectEnd + 1) return undefined;
  const next = text.charCodeAt(detailEnd); // NaN at the end of the text
  if (next === next && next !== SPACE && next !== TAB) return undefined; // also a 4th digit
  return text.substring(0, detailEnd);
}

/** Where the run of at most 3 digits starting at `from` ends. */
function digitsEnd(text: string, from: number): number {
  let i = from;
  while (i < from + 3) {
    const c = text.charCodeAt(i);
    if (!(c >= DIGIT_0 && c <= DIGIT_0 + 9)) break;
    i++;
  }
  return i;
}

/** How one line's bytes decoded. */
export interface DecodedLine {
  /** The line as text; invalid UTF-8 sequences became U+FFFD. */
  line: string;
  /** Every byte was HT or 0x20..0x7E: the text alone reproduces the bytes. */
  plainAscii: boolean;
  /** The bytes were valid UTF-8: the text alone reproduces them, whatever characters it holds. */
  validUtf8: boolean;
}

// ignoreBOM: a leading EF BB BF is server text like any other, not a byte-order mark to strip.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossyDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Decode a line's content bytes (without the line end). */
export function decodeLine(content: Uint8Array): DecodedLine {
  if (isPlainAscii(content, 0, content.length)) {
    return { line: lossyDecoder.decode(content), plainAscii: true, validUtf8: true };
  }
  let line: string;
  try {
    line = strictDecoder.decode(content);
  } catch {
    // Hostile or legacy-charset bytes: keep going with U+FFFD; the caller keeps the exact bytes.
    return { line: lossyDecoder.decode(content), plainAscii: false, validUtf8: false };
  }
  return { line, plainAscii: false, validUtf8: true };
}

/** True when bytes[from..to) are all HT or 0x20..0x7E. */
function isPlainAscii(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const b = bytes[i]!;
    if (b > 0x7e || (b < 0x20 && b !== 0x09)) return false;
  }
  return true;
}

/**
 * Index of the first byte in bytes[from..to) that is not HT, printable ASCII, CRLF or bare LF;
 * `to` if none (the reader passes regions that end with LF, so a CR is regular only before LF). The hot loop of the reader: it tests four bytes at a time (SWAR) and looks at
 * single bytes only in words holding a control character, DEL or a high bit.
 */
export function firstIrregularByte(bytes: Uint8Array, from: number, to: number): number {
  let i = from;
  // Reach a 4-byte boundary of the underlying buffer, so a Uint32Array view can cover the middle.
  const misalign = (bytes.byteOffset + i) & 3;
  const head = misalign === 0 ? i : Math.min(to, i + 4 - misalign);
  for (; i < head; i++) if (!regularAt(bytes, i)) return i;
  const words = (to - i) >> 2;
  if (words > 0) {
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let w = 0; w < words; w++) {
      const x = view[w]!;
      // Per byte: high bit set | value < 0x20 (hasless trick) | value 0x7F (haszero of x ^ 0x7F).
      const y = x ^ 0x7f7f7f7f;
      if (((x | ((x - 0x20202020) & ~x) | ((y - 0x01010101) & ~y)) & 0x80808080) !== 0) {
        const at = i + w * 4;
        for (let k = at; k < at + 4; k++) if (!regularAt(bytes, k)) return k;
      }
    }
    i += words * 4;
  }
  for (; i < to; i++) if (!regularAt(bytes, i)) return i;
  return to;
}

function regularAt(bytes: Uint8Array, i: number): boolean {
  const b = bytes[i]!;
  if (b >= 0x20) return b < 0x7f;
  return b === 0x0a || b === 0x09 || (b === 0x0d && bytes[i + 1] === 0x0a);
}

/** The bytes of a plain-ASCII line and its line end (2 = CRLF, 1 = bare LF), for raw and evidence. */
export function asciiLineBytes(line: string, endLength: number): Uint8Array {
  const out = new Uint8Array(line.length + endLength);
  for (let i = 0; i < line.length; i++) out[i] = line.charCodeAt(i);
  if (endLength === 2) out[line.length] = 0x0d;
  out[out.length - 1] = 0x0a;
  return out;
}
