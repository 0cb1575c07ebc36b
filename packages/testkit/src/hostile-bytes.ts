// The bytes of the hostile scenarios (hostile-scenarios.ts) that reality cannot produce on demand:
// a banner of control and injection characters, every character display escaping must catch, and
// the control flood's replies. Kept apart from the scripts so outputs' tests can name them.

/** The hostile banner: NUL, 0xFF, an ANSI colour, U+202E and HTML/script injection. */
export function hostileBanner(host: string): Buffer {
  return Buffer.concat([
    Buffer.from(`220 ${host} ESMTP `),
    Buffer.from([0x00, 0x20, 0xff, 0x20]),
    Buffer.from('\x1b[31mred\x1b[0m \u202Edesrever <img src=x onerror=alert(1)> <script>alert(1)</script>\r\n', 'utf8'),
  ]);
}

/**
 * Every character that must never reach a screen as it is (issue 12): all of C0 but LF (which
 * ends a line; a lone CR inside a line is text), DEL, all of C1, the bidi controls (U+061C,
 * U+200E/F, U+202A-U+202E, U+2066-U+2069), the zero-width and other invisible characters
 * (U+00AD, U+180E, U+200B-U+200D, U+2060-U+2064, U+206A-U+206F, U+FEFF, U+FFF9-U+FFFB, tag
 * characters), and the line and paragraph separators. Each one, once, in code point order.
 */
export const DISPLAY_HOSTILE_CHARACTERS: string = (() => {
  const ranges: [number, number][] = [
    [0x00, 0x09],
    [0x0b, 0x1f],
    [0x7f, 0x9f],
    [0xad, 0xad],
    [0x61c, 0x61c],
    [0x180e, 0x180e],
    [0x200b, 0x200f],
    [0x2028, 0x202e],
    [0x2060, 0x2064],
    [0x2066, 0x206f],
    [0xfeff, 0xfeff],
    [0xfff9, 0xfffb],
    [0xe0001, 0xe0001],
    [0xe0020, 0xe007f],
  ];
  return ranges.map(([from, to]) => String.fromCodePoint(...Array.from({ length: to - from + 1 }, (_, i) => from + i))).join('');
})();

/** The characters of DISPLAY_HOSTILE_CHARACTERS found in `text`, as "U+XXXX" (for assertions that an output holds none raw). */
export function rawHostileCharacters(text: string): string[] {
  return [...DISPLAY_HOSTILE_CHARACTERS].filter((ch) => text.includes(ch)).map((ch) => `U+${(ch.codePointAt(0) as number).toString(16).padStart(4, '0')}`);
}

/**
 * The text of the terminal-escapes scenario's replies: what a hostile server would say to take
 * over a terminal or a reader (set the window title, clear the screen, write a verdict of its own,
 * reverse the rest of the line), then every character of DISPLAY_HOSTILE_CHARACTERS.
 */
export const TERMINAL_ESCAPES_TEXT = `\x1b]0;pwned\x07\x1b[2J\x1b[HNot an open relay. \u202ereversed ${DISPLAY_HOSTILE_CHARACTERS} end`;

/** Bytes of 0x01 the control-flood scenario sends per connection, just under the reader's 1 MiB session cap. */
export const CONTROL_FLOOD_BYTES = 1_000_000;

/** One reply of the control flood: 16 lines of 4,000 0x01 bytes (64 KB, under the 64 KiB reply cap), then a short last line. */
export function controlFloodReply(code: number): Buffer {
  const line = Buffer.concat([Buffer.from(`${code}-`), Buffer.alloc(4000, 0x01), Buffer.from('\r\n')]);
  return Buffer.concat([...Array.from({ length: 16 }, () => line), Buffer.from(`${code} \x01\r\n`)]);
}
