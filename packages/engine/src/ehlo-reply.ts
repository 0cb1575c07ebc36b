// Reading an EHLO reply (RFC 5321 §4.1.1.1): the first line names the server, every further
// line is one extension keyword with its parameters.

export interface EhloFacts {
  /** The text after the code on the first line (domain and greeting). */
  firstLine: string;
  /** Extension lines as advertised, e.g. "PIPELINING", "SIZE 10240000", "AUTH PLAIN LOGIN". */
  extensions: string[];
}

/** Split the texts of an EHLO reply into the server's first line and its extensions. */
export function readEhloReply(texts: readonly string[]): EhloFacts {
  const [firstLine = '', ...extensions] = texts;
  return { firstLine, extensions: extensions.map((e) => e.trim()).filter((e) => e.length > 0) };
}

/** True when `keyword` is advertised (case-insensitive, RFC 5321 §2.4). */
export function hasExtension(extensions: readonly string[], keyword: string): boolean {
  const want = keyword.toUpperCase();
  return extensions.some((line) => (line.split(/[\s=]/, 1)[0] ?? '').toUpperCase() === want);
}
