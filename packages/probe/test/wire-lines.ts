// What a client really put on the wire, split the way RFC 5321 §2.3.8 says lines end: CRLF and
// nothing else. Used to check that every line the prober wrote ends in exactly one CRLF and
// stays within the RFC's lengths (SECURITY.md §2).

export interface WireLines {
  /** The lines, CRLF removed, in order. */
  lines: string[];
  /** Byte offsets of CRs not followed by LF, and of LFs not preceded by CR. */
  bareCr: number[];
  bareLf: number[];
  /** Bytes after the last CRLF (an unterminated line). */
  tail: string;
}

/** Split raw chunks (latin1, so every byte is one character) into CRLF-terminated lines. */
export function wireLines(chunks: readonly Buffer[]): WireLines {
  const text = Buffer.concat(chunks).toString('latin1');
  const bareCr: number[] = [];
  const bareLf: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\r' && text[i + 1] !== '\n') bareCr.push(i);
    if (text[i] === '\n' && text[i - 1] !== '\r') bareLf.push(i);
  }
  const parts = text.split('\r\n');
  const tail = parts.pop() ?? '';
  return { lines: parts, bareCr, bareLf, tail };
}

/** Lines with their CRLF longer than the RFC allows: 512 for commands (§4.5.3.1.4), 1000 for message text (§4.5.3.1.6). */
export function overLongLines(lines: readonly string[]): string[] {
  const over: string[] = [];
  let inMessage = false;
  for (const line of lines) {
    const limit = inMessage ? 1000 : 512;
    if (line.length + 2 > limit) over.push(`${line.slice(0, 40)}... (${line.length + 2} octets, limit ${limit})`);
    // DATA starts the message text; a line of one "." ends it (RFC 5321 §4.1.1.4).
    if (!inMessage && line.toUpperCase() === 'DATA') inMessage = true;
    else if (inMessage && line === '.') inMessage = false;
  }
  return over;
}
