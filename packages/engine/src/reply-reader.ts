// Incremental SMTP reply reader: bytes in, complete replies out (HOUSE-STYLE rule 3,
// RELAY-TESTS §3, SECURITY §3). RFC 5321 §4.2:
//
//   Greeting    = ( "220 " (Domain / address-literal) [ SP textstring ] CRLF ) /
//                 ( "220-" (Domain / address-literal) [ SP textstring ] CRLF
//                   *( "220-" [ textstring ] CRLF )
//                   "220" [ SP textstring ] CRLF )
//   textstring  = 1*(%d09 / %d32-126) ; HT, SP, Printable US-ASCII
//   Reply-line  = *( Reply-code "-" [ textstring ] CRLF )
//                 Reply-code [ SP textstring ] CRLF
//   Reply-code  = %x32-35 %x30-35 %x30-39
//
// §4.2.1: every line but the last is the code, "-", text; the last is the code, then SP and text or
// the line end. A continuation carrying a different code is malformed (we never guess).
//
// Where we are lenient, and say so: a bare LF ends a line (flag 'bare-lf'); a lone CR inside a line
// is text; non-ASCII and control characters are kept as text, which reproduces their bytes; invalid
// UTF-8 is kept too (U+FFFD in the text, so the exact bytes go in `raw`, the one case where the
// text alone cannot say what was sent: each reply is stored once, as text or with its bytes); a line
// over RFC 5321 §4.5.3.1.5's 512 octets is accepted up to our cap (flag 'long-line').
//
// Invariants: output is identical however the input is split into chunks (every check happens at a
// byte position fixed by the stream, not by the chunking); at most maxLineBytes - 1 bytes of an
// unfinished line are ever buffered; after the first error the reader is dead.
import type { ErrorCode, ReplyFlag } from '@relayprobe/contracts';
import { encodeBase64 } from './base64.js';
import { MALFORMED, asciiLineBytes, continuesAt, decodeLine, enhancedCodeOf, firstIrregularByte, replyCodeAt, textOf } from './reply-line.js';

/** Caps on what one server may make us hold (SECURITY §3 "Bounded reading"). */
export interface ReaderLimits {
  maxLineBytes: number;
  maxReplyBytes: number;
  maxReplyLines: number;
  maxSessionBytes: number;
}

/** 4 KiB per line, 64 KiB or 100 lines per reply, 1 MiB per session. */
export const DEFAULT_READER_LIMITS: ReaderLimits = Object.freeze({
  maxLineBytes: 4096,
  maxReplyBytes: 65536,
  maxReplyLines: 100,
  maxSessionBytes: 1048576,
});

/** Irregularities that did not stop parsing: flags of the contracts' registry (the compiler refuses any other). */
export type ReaderFlag = Registered<ReplyFlag, 'bare-lf' | 'long-line' | 'non-utf8'>;

/** One complete reply. */
export interface ParsedReply {
  /** 200..559. */
  code: number;
  /** RFC 3463 "x.y.z" leading the first line's text, when its class matches the code. */
  enhanced?: string;
  /** Every line, code included, without its line end, decoded as UTF-8 (invalid bytes: U+FFFD). */
  lines: string[];
  /** The text part of each line (after "250-" / "250 "), "" for a bare code. */
  texts: string[];
  /** Base64 of the reply's exact bytes, only when some line was not valid UTF-8 (otherwise the lines reproduce them). */
  raw?: string;
  /** Distinct, in first-seen order. */
  flags: ReaderFlag[];
  /** Bytes consumed, line ends included. */
  byteLength: number;
}

/** Why the reader stopped: codes of the contracts' error registry (the compiler refuses any other). */
export type ReaderErrorCode = Registered<ErrorCode, 'malformed-reply' | 'line-too-long' | 'reply-too-large' | 'session-too-large'>;

/** `Codes`, which must all be members of `Registry`. */
type Registered<Registry extends string, Codes extends Registry> = Codes;

/** A fatal reading error with the bytes that caused it. */
export interface ReaderError {
  code: ReaderErrorCode;
  message: string;
  /** Base64 of the first <= 256 offending bytes. */
  evidence: string;
}

/** What one push produced: the replies completed by it, then the error that stopped it, if any. */
export interface ReadResult {
  replies: ParsedReply[];
  error?: ReaderError;
}

const EVIDENCE_BYTES = 256;
/** RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets including CRLF. */
const RFC_REPLY_LINE_OCTETS = 512;
const LF = 0x0a;
const CR = 0x0d;
const EMPTY = new Uint8Array(0);
// ASCII-only regions only: ignoreBOM keeps string offsets equal to byte offsets.
const asciiDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Splits a byte stream into SMTP replies, enforcing the caps. */
export class ReplyReader {
  readonly #limits: ReaderLimits;
  #total = 0;
  /** Unfinished line (a copy; never the caller's buffer). */
  #pending: Uint8Array = EMPTY;
  #error: ReaderError | undefined;
  #out: ParsedReply[] = [];
  // The multi-line reply in progress (#code 0: none).
  #code = 0;
  #lines: string[] = [];
  #texts: string[] = [];
  /**
   * Exact bytes of each line, null where the text plus CRLF reproduces them; the whole list stays
   * null while every line is plain ASCII ending in CRLF (the common case, kept allocation-free).
   */
  #exact: (Uint8Array | null)[] | null = null;
  #flags: ReaderFlag[] = [];
  #replyBytes = 0;
  #needsRaw = false;

  constructor(limits: Partial<ReaderLimits> = {}) {
    const merged: ReaderLimits = { ...DEFAULT_READER_LIMITS };
    for (const name of Object.keys(merged) as (keyof ReaderLimits)[]) {
      const value = limits[name] ?? merged[name]; // an explicit undefined means "the default"
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`ReplyReader: ${name} must be a positive integer`);
      merged[name] = value;
    }
    this.#limits = merged;
  }

  /** Feed bytes; returns the replies they complete. After an error, returns that error forever. */
  push(chunk: Uint8Array): ReadResult {
    if (this.#error !== undefined) return { replies: [], error: this.#error };
    // Bytes past the session cap are never parsed, so the cap fires at the same stream offset
    // however the stream was chunked.
    const allowed = Math.min(chunk.length, Math.max(0, this.#limits.maxSessionBytes - this.#total));
    this.#total += chunk.length;
    const replies: ParsedReply[] = [];
    this.#out = replies;
    this.#consume(chunk, allowed);
    if (this.#error === undefined && allowed < chunk.length) {
      this.#fail('session-too-large', `The server sent more than ${this.#limits.maxSessionBytes} bytes in this session.`, concat(this.#pending, chunk.subarray(allowed, allowed + 1)));
    }
    this.#out = [];
    return this.#error === undefined ? { replies } : { replies, error: this.#error };
  }

  /** Bytes held that are not yet part of a complete reply. */
  get bufferedBytes(): number {
    return this.#replyBytes + this.#pending.length;
  }

  /** Drop and return the held bytes (after STARTTLS's 220 any such byte is an injection, SECURITY §3). */
  discardBuffered(): Uint8Array {
    const bytes = concat(this.#replyBytesSoFar(), this.#pending);
    this.#pending = EMPTY;
    this.#resetReply();
    return bytes;
  }

  /** Bytes pushed so far. */
  get totalBytes(): number {
    return this.#total;
  }

  /** Parse data[0..end): first the line left over from the last push, then whole lines, then keep the tail. */
  #consume(data: Uint8Array, end: number): void {
    const maxLine = this.#limits.maxLineBytes;
    let pos = 0;
    if (this.#pending.length > 0) {
      const held = this.#pending;
      const found = data.indexOf(LF);
      const lf = found >= 0 && found < end ? found : -1;
      // Without a line end, maxLine bytes can no longer become a line within the cap.
      if (lf < 0 ? held.length + end >= maxLine : held.length + lf + 1 > maxLine) {
        this.#lineTooLong(concat(held, data.subarray(0, Math.min(end, EVIDENCE_BYTES))));
        return;
      }
      if (lf < 0) {
        this.#pending = concat(held, data.subarray(0, end));
        return;
      }
      this.#pending = EMPTY;
      const line = concat(held, data.subarray(0, lf + 1));
      if (!this.#irregularLine(line, 0, line.length)) return;
      pos = lf + 1;
    }
    const lastLf = end > pos ? data.lastIndexOf(LF, end - 1) : -1;
    if (lastLf >= pos) {
      if (!this.#wholeLines(data, pos, lastLf + 1)) return;
      pos = lastLf + 1;
    }
    if (end - pos >= maxLine) {
      this.#lineTooLong(data.subarray(pos, pos + EVIDENCE_BYTES));
      return;
    }
    if (end > pos) this.#pending = data.slice(pos, end);
  }

  /** data[from..to) holds whole lines (data[to - 1] is LF): plain-ASCII runs go the fast way. */
  #wholeLines(data: Uint8Array, from: number, to: number): boolean {
    let p = from;
    while (p < to) {
      const bad = firstIrregularByte(data, p, to);
      let plainEnd = to;
      if (bad < to) {
        const lf = bad > p ? data.lastIndexOf(LF, bad - 1) : -1;
        plainEnd = lf >= p ? lf + 1 : p;
      }
      if (plainEnd > p && !this.#plainLines(data, p, plainEnd)) return false;
      if (bad >= to) return true;
      const lineEnd = data.indexOf(LF, bad) + 1;
      if (!this.#irregularLine(data, plainEnd, lineEnd)) return false;
      p = lineEnd;
    }
    return true;
  }

  /** Fast path: data[from..to) is HT, printable ASCII and line ends only; decode it once. */
  #plainLines(data: Uint8Array, from: number, to: number): boolean {
    const text = asciiDecoder.decode(data.subarray(from, to));
    const maxLine = this.#limits.maxLineBytes;
    let p = 0;
    while (p < text.length) {
      const nl = text.indexOf('\n', p);
      const byteLength = nl + 1 - p;
      if (byteLength > maxLine) return this.#lineTooLong(data.subarray(from + p, from + p + EVIDENCE_BYTES));
      const endLength = nl > p && text.charCodeAt(nl - 1) === CR ? 2 : 1;
      const contentLength = byteLength - endLength;
      const code = replyCodeAt(data, from + p, contentLength);
      const final = !continuesAt(data, from + p, contentLength);
      const line = text.substring(p, p + contentLength);
      if (!this.#acceptLine(line, code, final, byteLength, endLength, null, true)) return false;
      p = nl + 1;
    }
    return true;
  }

  /** Slow path for one line bytes[from..to) (bytes[to - 1] is LF) that may hold anything. */
  #irregularLine(bytes: Uint8Array, from: number, to: number): boolean {
    const byteLength = to - from;
    if (byteLength > this.#limits.maxLineBytes) return this.#lineTooLong(bytes.subarray(from, from + EVIDENCE_BYTES));
    const endLength = byteLength >= 2 && bytes[to - 2] === CR ? 2 : 1;
    const contentLength = byteLength - endLength;
    const code = replyCodeAt(bytes, from, contentLength);
    const final = !continuesAt(bytes, from, contentLength);
    const decoded = decodeLine(bytes.subarray(from, from + contentLength));
    const exact = decoded.plainAscii ? null : bytes.slice(from, to);
    return this.#acceptLine(decoded.line, code, final, byteLength, endLength, exact, decoded.validUtf8);
  }

  /** Check one complete line against the grammar and the reply caps, then add it to its reply. */
  #acceptLine(line: string, code: number, final: boolean, byteLength: number, endLength: number, exact: Uint8Array | null, validUtf8: boolean): boolean {
    if (code === MALFORMED || (this.#code !== 0 && code !== this.#code) || this.#lines.length >= this.#limits.maxReplyLines || this.#replyBytes + byteLength > this.#limits.maxReplyBytes) {
      return this.#rejectLine(line, code, endLength, exact);
    }
    const regular = endLength === 2 && byteLength <= RFC_REPLY_LINE_OCTETS && validUtf8;
    if (this.#code === 0 && final) {
      // The common case, a one-line reply: build it directly.
      const text = textOf(line);
      const reply: ParsedReply = { code, lines: [line], texts: [text], flags: [], byteLength };
      if (!regular) addLineFlags(reply.flags, endLength, byteLength, validUtf8);
      const enhanced = enhancedCodeOf(code, text);
      if (enhanced !== undefined) reply.enhanced = enhanced;
      if (!validUtf8) reply.raw = encodeBase64(exact ?? asciiLineBytes(line, endLength));
      this.#out.push(reply);
      return true;
    }
    this.#code = code;
    this.#lines.push(line);
    this.#texts.push(textOf(line));
    if (exact !== null || endLength !== 2 || this.#exact !== null) {
      this.#exact ??= new Array<Uint8Array | null>(this.#lines.length - 1).fill(null);
      this.#exact.push(exact ?? (endLength === 2 ? null : asciiLineBytes(line, endLength)));
    }
    this.#replyBytes += byteLength;
    if (!regular) addLineFlags(this.#flags, endLength, byteLength, validUtf8);
    if (!validUtf8) this.#needsRaw = true;
    if (final) this.#emitReply();
    return true;
  }

  /** The error for a line that breaks the grammar or a reply cap (kept out of the hot path). */
  #rejectLine(line: string, code: number, endLength: number, exact: Uint8Array | null): false {
    const bytes = exact ?? asciiLineBytes(line, endLength);
    if (code === MALFORMED) {
      const message = 'A reply line does not start with a 3-digit code (first digit 2-5, second 0-5) followed by a space, a hyphen or the line end (RFC 5321 §4.2).';
      return this.#fail('malformed-reply', message, bytes);
    }
    if (code !== this.#code && this.#code !== 0) {
      return this.#fail('malformed-reply', `The reply code changed from ${this.#code} to ${code} inside a multi-line reply (RFC 5321 §4.2.1).`, bytes);
    }
    const { maxReplyLines, maxReplyBytes } = this.#limits;
    const evidence = concat(this.#replyBytesSoFar(EVIDENCE_BYTES), bytes);
    return this.#fail('reply-too-large', `A reply exceeded ${maxReplyLines} lines or ${maxReplyBytes} bytes.`, evidence);
  }

  #emitReply(): void {
    const reply: ParsedReply = { code: this.#code, lines: this.#lines, texts: this.#texts, flags: this.#flags, byteLength: this.#replyBytes };
    const enhanced = enhancedCodeOf(reply.code, reply.texts[0]!);
    if (enhanced !== undefined) reply.enhanced = enhanced;
    if (this.#needsRaw) reply.raw = encodeBase64(this.#replyBytesSoFar());
    this.#out.push(reply);
    this.#resetReply();
  }

  #resetReply(): void {
    this.#code = 0;
    this.#lines = [];
    this.#texts = [];
    this.#exact = null;
    this.#flags = [];
    this.#replyBytes = 0;
    this.#needsRaw = false;
  }

  /** The exact bytes of the reply in progress (at most `limit` of them). */
  #replyBytesSoFar(limit = Number.MAX_SAFE_INTEGER): Uint8Array {
    const parts: Uint8Array[] = [];
    let size = 0;
    for (let i = 0; i < this.#lines.length && size < limit; i++) {
      const part = this.#exact?.[i] ?? asciiLineBytes(this.#lines[i]!, 2);
      parts.push(part);
      size += part.length;
    }
    return concat(...parts).subarray(0, limit);
  }

  /** `lineStart` begins at the line's first byte; the evidence is the line's first maxLineBytes
   * bytes at most, which every chunking has seen when the cap fires. */
  #lineTooLong(lineStart: Uint8Array): false {
    const { maxLineBytes } = this.#limits;
    return this.#fail('line-too-long', `A reply line exceeded ${maxLineBytes} bytes without a line end.`, lineStart.subarray(0, maxLineBytes));
  }

  #fail(code: ReaderErrorCode, message: string, evidence: Uint8Array): false {
    this.#error = { code, message, evidence: encodeBase64(evidence.subarray(0, EVIDENCE_BYTES)) };
    return false;
  }
}

function addLineFlags(flags: ReaderFlag[], endLength: number, byteLength: number, validUtf8: boolean): void {
  if (endLength === 1 && !flags.includes('bare-lf')) flags.push('bare-lf');
  if (byteLength > RFC_REPLY_LINE_OCTETS && !flags.includes('long-line')) flags.push('long-line');
  if (!validUtf8 && !flags.includes('non-utf8')) flags.push('non-utf8');
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
