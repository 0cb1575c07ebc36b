// Splits a byte stream into lines. RFC 5321 §2.3.8 ends lines with CRLF; a bare LF also ends a
// line here (Postfix and Exim accept it), and exactly one CR before the LF is stripped, so a line
// sent as "RSET\r\r\n" is recorded as "RSET\r" and a test can see the extra CR.
//
// Invariant: bytes after the last LF stay pending until more bytes (or the end) arrive.

/** Longest partial line kept before the splitter gives up (protects the test process). */
export const MAX_PENDING_LINE_BYTES = 1024 * 1024;

/** Incremental bytes-to-lines splitter. */
export class LineSplitter {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns the lines they complete (UTF-8, line ending stripped). */
  push(chunk: Buffer): string[] {
    const data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const lines: string[] = [];
    let start = 0;
    for (let lf = data.indexOf(0x0a, start); lf !== -1; lf = data.indexOf(0x0a, start)) {
      const end = lf > start && data[lf - 1] === 0x0d ? lf - 1 : lf;
      lines.push(data.toString('utf8', start, end));
      start = lf + 1;
    }
    this.pending = data.subarray(start);
    return lines;
  }

  /** Bytes received after the last line ending. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  /** Drops the partial line (STARTTLS: nothing sent in plaintext may leak into the TLS session). */
  clear(): void {
    this.pending = Buffer.alloc(0);
  }

  /** The partial line left at the end of the stream, if any. */
  takeRest(): string | null {
    if (this.pending.length === 0) return null;
    const rest = this.pending.toString('utf8');
    this.pending = Buffer.alloc(0);
    return rest;
  }
}
