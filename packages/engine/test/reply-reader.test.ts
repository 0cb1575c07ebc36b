// ReplyReader: grammar, flags, faithful recording of hostile bytes, caps, and chunking invariance
// (RELAY-TESTS §3: never take one TCP read as one reply; SECURITY §3: bounded reading).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_READER_LIMITS, ReplyReader, type ParsedReply, type ReaderError, type ReaderLimits } from '../src/reply-reader.js';
import { encodeBase64 } from '../src/base64.js';

const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const b64 = (bytes: Uint8Array | string): string => Buffer.from(typeof bytes === 'string' ? enc(bytes) : bytes).toString('base64');
const cat = (...parts: (Uint8Array | string)[]): Uint8Array => new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === 'string' ? enc(p) : p))));

interface Fed {
  replies: ParsedReply[];
  error: ReaderError | undefined;
}

/** Push the chunks in order, collecting replies, until the first error. */
function feed(chunks: Uint8Array[], limits?: Partial<ReaderLimits>): Fed {
  const reader = new ReplyReader(limits);
  const replies: ParsedReply[] = [];
  for (const chunk of chunks) {
    const result = reader.push(chunk);
    replies.push(...result.replies);
    if (result.error !== undefined) return { replies, error: result.error };
  }
  return { replies, error: undefined };
}

const parse = (input: Uint8Array | string, limits?: Partial<ReaderLimits>): Fed => feed([typeof input === 'string' ? enc(input) : input], limits);

/** The one reply in `input`, asserting there is exactly one and no error. */
function only(input: Uint8Array | string): ParsedReply {
  const { replies, error } = parse(input);
  assert.equal(error, undefined);
  assert.equal(replies.length, 1);
  return replies[0]!;
}

describe('ReplyReader: well-formed replies', () => {
  it('reads a one-line reply', () => {
    assert.deepEqual(only('220 mx.example.com ESMTP Postfix\r\n'), {
      code: 220,
      lines: ['220 mx.example.com ESMTP Postfix'],
      texts: ['mx.example.com ESMTP Postfix'],
      flags: [],
      byteLength: 34,
    });
  });

  it('joins a multi-line reply and ends it at the line with a space', () => {
    const input = '250-mx.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 STARTTLS\r\n';
    assert.deepEqual(only(input), {
      code: 250,
      lines: ['250-mx.example.com', '250-PIPELINING', '250-SIZE 10240000', '250 STARTTLS'],
      texts: ['mx.example.com', 'PIPELINING', 'SIZE 10240000', 'STARTTLS'],
      flags: [],
      byteLength: input.length,
    });
  });

  it('accepts a bare code as a whole reply and as the last line', () => {
    assert.deepEqual(only('250\r\n'), { code: 250, lines: ['250'], texts: [''], flags: [], byteLength: 5 });
    assert.deepEqual(only('250 \r\n').texts, ['']);
    const multi = only('220-first\r\n220-\r\n220\r\n');
    assert.deepEqual(multi.lines, ['220-first', '220-', '220']);
    assert.deepEqual(multi.texts, ['first', '', '']);
  });

  it('returns several replies from one chunk, in order, and waits for an unfinished one', () => {
    const reader = new ReplyReader();
    const firstChunk = '250 2.1.0 Ok\r\n554 5.7.1 <r@ext.example>: Relay access denied\r\n250-a\r\n250';
    const first = reader.push(enc(firstChunk));
    assert.deepEqual(
      first.replies.map((r) => r.code),
      [250, 554],
    );
    assert.equal(first.error, undefined);
    assert.equal(reader.bufferedBytes, 10);
    const second = reader.push(enc(' b\r\n'));
    assert.deepEqual(
      second.replies.map((r) => r.lines),
      [['250-a', '250 b']],
    );
    assert.equal(reader.bufferedBytes, 0);
    assert.equal(reader.totalBytes, firstChunk.length + 4);
  });

  it('keeps HTML and other printable text as text, without raw bytes', () => {
    const reply = only('220 <script>alert(1)</script> Grüße \t tab\r\n');
    assert.deepEqual(reply.texts, ['<script>alert(1)</script> Grüße \t tab']);
    assert.equal(reply.raw, undefined);
    assert.deepEqual(reply.flags, []);
  });
});

describe('ReplyReader: enhanced status codes (RFC 3463)', () => {
  const cases: [string, string | undefined][] = [
    ['550 5.7.1 <r@ext.example>: Relay access denied\r\n', '5.7.1'],
    ['250 2.0.0\r\n', '2.0.0'],
    ['451 4.7.1\tGreylisted\r\n', '4.7.1'],
    ['556 5.1.10 null MX\r\n', '5.1.10'],
    ['550 5.7.540 three-digit detail\r\n', '5.7.540'],
    ['550 4.7.1 class does not match the code\r\n', undefined],
    ['250 2.1.0Ok\r\n', undefined],
    ['550 5.7.1234 four digits\r\n', undefined],
    ['550 5.7 two parts\r\n', undefined],
    ['550 .5.7.1 leading dot\r\n', undefined],
    ["553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)\r\n", undefined],
    ['250-2.0.0 first line\r\n250 2.0.0 last line\r\n', '2.0.0'],
    ['250-mx.example.com\r\n250 2.0.0 only on the last line\r\n', undefined],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} -> ${expected ?? 'none'}`, () => {
      const reply = only(input);
      assert.equal(reply.enhanced, expected);
      assert.equal('enhanced' in reply, expected !== undefined);
    });
  }
});

describe('ReplyReader: flags', () => {
  it('accepts bare LF as a line end and flags it', () => {
    const reply = only('250-a\n250 b\r\n');
    assert.deepEqual(reply.lines, ['250-a', '250 b']);
    assert.deepEqual(reply.flags, ['bare-lf']);
    assert.equal(reply.byteLength, 13);
    assert.equal(reply.raw, undefined);
  });

  it('flags a line over 512 octets including CRLF, not one of exactly 512', () => {
    const at512 = `250 ${'x'.repeat(512 - 6)}\r\n`;
    const at513 = `250 ${'x'.repeat(513 - 6)}\r\n`;
    assert.deepEqual(only(at512).flags, []);
    assert.deepEqual(only(at513).flags, ['long-line']);
    assert.equal(only(at513).byteLength, 513);
    // A 600-octet line, from the hostile-server list, is read whole.
    assert.equal(only(`220 ${'y'.repeat(594)}\r\n`).texts[0]!.length, 594);
  });

  it('lists flags once each, in first-seen order', () => {
    const input = cat(`250-${'x'.repeat(600)}\r\n`, '250-b\n', '250-', new Uint8Array([0xff]), '\r\n', '250 d\n');
    const reply = only(input);
    assert.deepEqual(reply.flags, ['long-line', 'bare-lf', 'non-utf8']);
    assert.equal(reply.raw, b64(input));
  });
});

describe('ReplyReader: hostile bytes are kept faithfully', () => {
  const cases: [string, Uint8Array, string][] = [
    ['NUL', cat('220 a', new Uint8Array([0]), 'b\r\n'), '220 a\u0000b'],
    ['0xFF (invalid UTF-8)', cat('220 a', new Uint8Array([0xff]), 'b\r\n'), '220 a\ufffdb'],
    ['ANSI escape', enc('220 \x1b[31mred\x1b[0m\r\n'), '220 \u001b[31mred\u001b[0m'],
    ['U+202E right-to-left override', enc('220 abc\u202edef\r\n'), '220 abc\u202edef'],
    ['a lone CR inside the line', enc('220 a\rb\r\n'), '220 a\rb'],
    ['a byte-order mark', cat('220 ', new Uint8Array([0xef, 0xbb, 0xbf]), 'hi\r\n'), '220 \ufeffhi'],
    ['DEL', enc('220 a\x7f\r\n'), '220 a\u007f'],
  ];
  for (const [name, input, line] of cases) {
    const invalid = name.startsWith('0xFF');
    it(`${name}: text decoded; ${invalid ? 'the exact bytes in raw' : 'the text reproduces the bytes, so they are stored once, as text'}`, () => {
      const reply = only(input);
      assert.deepEqual(reply.lines, [line]);
      if (invalid) assert.equal(reply.raw, b64(input));
      else {
        assert.equal(reply.raw, undefined);
        assert.deepEqual(enc(`${line}\r\n`), input, 'the text and its CRLF are the exact bytes');
      }
      assert.equal(reply.byteLength, input.length);
      assert.deepEqual(reply.flags, invalid ? ['non-utf8'] : []);
    });
  }

  it('finds an irregular byte at any position and buffer alignment (the fast scan reads 4 bytes at a time)', () => {
    const line = '250 0123456789abcdefghijklmnopqrstuvwxyz\r\n';
    for (const bad of [0x00, 0x09, 0x0d, 0x1b, 0x7f, 0x80, 0xff]) {
      for (let at = 4; at < line.length - 2; at++) {
        for (let align = 0; align < 4; align++) {
          const bytes = new Uint8Array(align + line.length);
          bytes.set(enc(line), align);
          bytes[align + at] = bad;
          const reply = only(bytes.subarray(align));
          const label = `byte ${bad} at ${at}, alignment ${align}`;
          // A byte over 0x7F alone is invalid UTF-8: one U+FFFD, and the exact bytes in raw. Any
          // other is its own character in the text, which reproduces the bytes (no raw).
          const shown = bad > 0x7f ? '\ufffd' : String.fromCharCode(bad);
          assert.equal(reply.lines[0], `${line.slice(0, at)}${shown}${line.slice(at + 1, -2)}`, label);
          assert.equal(reply.raw, bad > 0x7f ? b64(bytes.subarray(align)) : undefined, label);
        }
      }
    }
  });

  it('keeps raw for the whole multi-line reply when one line is not valid UTF-8', () => {
    const input = cat('220-mx.example.com\r\n', '220-\x1b[2J ', new Uint8Array([0xc3]), '\r\n', '220 ok\r\n');
    const reply = only(input);
    assert.equal(reply.raw, b64(input));
    assert.deepEqual(reply.texts, ['mx.example.com', '\u001b[2J \ufffd', 'ok']);
  });

  it('stores a multi-line reply of control characters once, as text: its lines reproduce it', () => {
    const input = cat('220-mx.example.com\r\n', `220-\x1b[2J${'\x01'.repeat(100)}\u202e\r\n`, '220 ok\r\n');
    const reply = only(input);
    assert.equal(reply.raw, undefined);
    assert.deepEqual(enc(reply.lines.map((l) => `${l}\r\n`).join('')), input);
  });
});

describe('ReplyReader: malformed replies end the session', () => {
  const cases: [string, string][] = [
    ['first digit 6', '600 nope\r\n'],
    ['first digit 1', '190 nope\r\n'],
    ['second digit 6', '260 nope\r\n'],
    ['four digits', '2500 nope\r\n'],
    ['two digits', '25\r\n'],
    ['letters', 'abc\r\n'],
    ['no separator', '220x\r\n'],
    ['empty line', '\r\n'],
    ['leading space', ' 220 x\r\n'],
    ['letter in the code', '2a0 x\r\n'],
    ['non-ASCII after the code', '220\u00a0x\r\n'],
  ];
  for (const [name, line] of cases) {
    it(`${name}: ${JSON.stringify(line)}`, () => {
      const { replies, error } = parse(`220 fine\r\n${line}250 never read\r\n`);
      assert.deepEqual(
        replies.map((r) => r.code),
        [220],
      );
      assert.equal(error?.code, 'malformed-reply');
      assert.equal(error.evidence, b64(line));
    });
  }

  it('a continuation whose code differs from the first line is malformed', () => {
    for (const input of ['250-a\r\n251 b\r\n', '250-a\r\n251-b\r\n250 c\r\n', '250-a\r\n250-b\r\n550 c\r\n']) {
      const { replies, error } = parse(input);
      assert.deepEqual(replies, []);
      assert.equal(error?.code, 'malformed-reply');
      assert.match(error.message, /changed from 250 to/);
    }
  });

  it('after an error the reader is dead: the same error, no replies, whatever comes next', () => {
    const reader = new ReplyReader();
    const first = reader.push(enc('220 ok\r\nabc\r\n'));
    assert.equal(first.replies.length, 1);
    assert.ok(first.error);
    const later = reader.push(enc('250 a perfectly good reply\r\n'));
    assert.deepEqual(later, { replies: [], error: first.error });
    assert.deepEqual(reader.push(new Uint8Array(0)), { replies: [], error: first.error });
  });
});

describe('ReplyReader: caps (custom limits)', () => {
  it('line-too-long: 16 bytes with CRLF is fine, 17 is not', () => {
    assert.equal(parse('250 0123456789\r\n', { maxLineBytes: 16 }).error, undefined);
    const { error } = parse('250 01234567890\r\n', { maxLineBytes: 16 });
    assert.equal(error?.code, 'line-too-long');
    assert.equal(error.evidence, b64('250 01234567890\r'), 'the 16 bytes that reached the cap');
  });

  it('line-too-long fires as soon as the cap is reached without a line end, never buffering past it', () => {
    const reader = new ReplyReader({ maxLineBytes: 16 });
    for (let i = 0; i < 15; i++) {
      assert.equal(reader.push(enc('x')).error, undefined);
      assert.equal(reader.bufferedBytes, i + 1);
    }
    const result = reader.push(enc('x'));
    assert.equal(result.error?.code, 'line-too-long');
    assert.equal(result.error.evidence, b64('x'.repeat(16)));
    assert.ok(reader.bufferedBytes < 16);
  });

  it('reply-too-large by line count', () => {
    assert.equal(parse('250-a\r\n250-b\r\n250 c\r\n', { maxReplyLines: 3 }).replies.length, 1);
    const { replies, error } = parse('250 ok\r\n250-a\r\n250-b\r\n250-c\r\n250 d\r\n', { maxReplyLines: 3 });
    assert.equal(replies.length, 1);
    assert.equal(error?.code, 'reply-too-large');
    assert.equal(error.evidence, b64('250-a\r\n250-b\r\n250-c\r\n250 d\r\n'));
  });

  it('reply-too-large by bytes', () => {
    assert.equal(parse('250-abc\r\n250 def\r\n', { maxReplyBytes: 18 }).error, undefined);
    const { error } = parse('250-abc\r\n250 defg\r\n', { maxReplyBytes: 18 });
    assert.equal(error?.code, 'reply-too-large');
    assert.equal(error.evidence, b64('250-abc\r\n250 defg\r\n'));
  });

  it('session-too-large at the byte after the cap, with the replies before it', () => {
    const reader = new ReplyReader({ maxSessionBytes: 16 });
    const result = reader.push(enc('250 ok\r\n250 ok\r\n2'));
    assert.equal(result.replies.length, 2);
    assert.equal(result.error?.code, 'session-too-large');
    assert.equal(result.error.evidence, b64('2'));
    assert.equal(parse('250 ok\r\n250 ok\r\n', { maxSessionBytes: 16 }).error, undefined);
  });

  it('refuses nonsensical limits (a programming error)', () => {
    assert.throws(() => new ReplyReader({ maxLineBytes: 0 }), RangeError);
    assert.throws(() => new ReplyReader({ maxReplyLines: 1.5 }), RangeError);
    assert.throws(() => new ReplyReader({ maxSessionBytes: Number.NaN }), RangeError);
  });
});

describe('ReplyReader: caps (defaults) stop a 1 MiB hostile stream early', () => {
  const MiB = 1024 * 1024;
  /** Feed `pattern` repeated to 1 MiB in 4 KiB pushes; return where the reader stopped. */
  function stream(pattern: string): { error: ReaderError | undefined; stoppedAt: number; replies: number; maxBuffered: number } {
    const reader = new ReplyReader();
    const block = enc(pattern.repeat(Math.ceil(4096 / pattern.length)).slice(0, 4096));
    let replies = 0;
    let maxBuffered = 0;
    for (let sent = 0; sent < MiB + 4096; sent += block.length) {
      const result = reader.push(block);
      replies += result.replies.length;
      maxBuffered = Math.max(maxBuffered, reader.bufferedBytes);
      if (result.error !== undefined) return { error: result.error, stoppedAt: reader.totalBytes, replies, maxBuffered };
    }
    return { error: undefined, stoppedAt: reader.totalBytes, replies, maxBuffered };
  }

  it('a line without end stops at 4 KiB', () => {
    const run = stream('A');
    assert.equal(run.error?.code, 'line-too-long');
    assert.equal(run.stoppedAt, 4096);
    assert.equal(run.error.evidence, b64('A'.repeat(256)));
  });

  it('an endless 250- continuation stops at 100 lines', () => {
    const run = stream('250-x\r\n');
    assert.equal(run.error?.code, 'reply-too-large');
    assert.equal(run.stoppedAt, 4096, 'the 101st line (byte 707) arrives in the first push');
    assert.ok(run.maxBuffered <= DEFAULT_READER_LIMITS.maxReplyBytes);
  });

  it('long continuation lines stop at 64 KiB', () => {
    const run = stream(`250-${'x'.repeat(1018)}\r\n`);
    assert.equal(run.error?.code, 'reply-too-large');
    assert.ok(run.stoppedAt <= 65536 + 4096);
    assert.ok(run.maxBuffered <= 65536);
  });

  it('endless valid replies stop at 1 MiB', () => {
    const run = stream('250 ok\r\n');
    assert.equal(run.error?.code, 'session-too-large');
    assert.equal(run.replies, MiB / 8);
    assert.equal(run.stoppedAt, MiB + 4096);
  });
});

describe('ReplyReader: buffered bytes (STARTTLS)', () => {
  it('reports and discards exactly the bytes not yet in a complete reply', () => {
    const reader = new ReplyReader();
    const pending = cat('250-inj\n', '250-', new Uint8Array([0xff]), '\r\n', '250 x');
    const result = reader.push(cat('220 2.0.0 Ready to start TLS\r\n', pending));
    assert.deepEqual(
      result.replies.map((r) => r.code),
      [220],
    );
    assert.equal(reader.bufferedBytes, pending.length);
    assert.deepEqual(reader.discardBuffered(), pending);
    assert.equal(reader.bufferedBytes, 0);
    assert.deepEqual(reader.discardBuffered(), new Uint8Array(0));
    // A fresh reply parses from scratch: no code is carried over from the discarded one.
    assert.deepEqual(
      reader.push(enc('220 ok\r\n')).replies.map((r) => r.code),
      [220],
    );
  });

  it('copies what it keeps: reusing the pushed buffer does not change later replies', () => {
    const reader = new ReplyReader();
    const buffer = enc('250-first\r\n250 sec');
    assert.deepEqual(reader.push(buffer).replies, []);
    buffer.fill(0x41);
    assert.deepEqual(reader.push(enc('ond\r\n')).replies[0]!.lines, ['250-first', '250 second']);
  });
});

// A corpus of byte streams, each read whole and then split every possible way (RELAY-TESTS §3:
// a split multi-line reply must never shift the answers).
const CORPUS: { name: string; bytes: Uint8Array; limits?: Partial<ReaderLimits> }[] = [
  {
    name: 'a Postfix session',
    bytes: enc(
      '220 mx.example.com ESMTP Postfix (Debian/GNU)\r\n' +
        '250-mx.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n' +
        '250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250 CHUNKING\r\n' +
        '250 2.1.0 Ok\r\n554 5.7.1 <r@ext.example>: Relay access denied\r\n250 2.0.0 Ok\r\n' +
        '454 4.7.1 <r@ext.example>: Relay access denied\r\n221 2.0.0 Bye\r\n',
    ),
  },
  {
    name: 'an irregular server',
    bytes: cat(
      '220-hostile.example \x1b[31mwelcome\x1b[0m\n220-\u202eevil\u202c\r\n220-a\rb\r\n220 ',
      new Uint8Array([0xff, 0xfe, 0x00, 0xc3]),
      '\r\n',
      `250-${'L'.repeat(700)}\r\n250 2.0.0 Grüße\n`,
      '250\r\n550 5.7.1\r\n',
    ),
  },
  { name: 'ends with a malformed line', bytes: enc('220 ok\r\n250-a\r\n250-b\r\n251 c\r\n250 never\r\n') },
  { name: 'a line over the cap', bytes: enc(`220 ok\r\n250 ${'z'.repeat(100)}\r\n250 never\r\n`), limits: { maxLineBytes: 64 } },
  { name: 'a reply over the line cap', bytes: enc('220 ok\r\n250-a\r\n250-b\r\n250-c\r\n250 d\r\n'), limits: { maxReplyLines: 3 } },
  { name: 'a session over the cap', bytes: enc('220 ok\r\n250-a\r\n250 b\r\n250 c\r\n'), limits: { maxSessionBytes: 26 } },
];

describe('ReplyReader: output does not depend on how the input is split', () => {
  for (const { name, bytes, limits } of CORPUS) {
    it(`${name}: split at every offset, and one byte at a time`, () => {
      const whole = feed([bytes], limits);
      assert.ok(whole.replies.length >= 1, 'the corpus stream yields replies');
      for (let k = 0; k <= bytes.length; k++) {
        assert.deepEqual(feed([bytes.subarray(0, k), bytes.subarray(k)], limits), whole, `split at ${k}`);
      }
      const bytewise = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
      assert.deepEqual(feed(bytewise, limits), whole, 'one byte at a time');
    });

    it(`${name}: 200 random multi-way splits (fixed seed)`, () => {
      const whole = feed([bytes], limits);
      let seed = 0x2545f491;
      const random = (n: number): number => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed % n;
      };
      for (let round = 0; round < 200; round++) {
        const chunks: Uint8Array[] = [];
        for (let at = 0; at < bytes.length;) {
          const size = 1 + random(round % 2 === 0 ? 8 : 64);
          chunks.push(bytes.subarray(at, at + size));
          at += size;
        }
        assert.deepEqual(feed(chunks, limits), whole, `round ${round}: ${chunks.map((c) => c.length).join(',')}`);
      }
    });
  }

  it('the first streams parse to what they contain', () => {
    const session = feed([CORPUS[0]!.bytes]);
    assert.equal(session.error, undefined);
    assert.deepEqual(
      session.replies.map((r) => r.code),
      [220, 250, 250, 554, 250, 454, 221],
    );
    assert.equal(
      session.replies.reduce((sum, r) => sum + r.byteLength, 0),
      CORPUS[0]!.bytes.length,
    );
    const irregular = feed([CORPUS[1]!.bytes]);
    assert.equal(irregular.error, undefined);
    assert.deepEqual(
      irregular.replies.map((r) => r.flags),
      [['bare-lf', 'non-utf8'], ['long-line', 'bare-lf'], [], []],
    );
    assert.equal(irregular.replies[0]!.lines[3], '220 \ufffd\ufffd\u0000\ufffd');
    assert.equal(irregular.replies[1]!.enhanced, undefined);
    assert.equal(irregular.replies[3]!.enhanced, '5.7.1');
  });
});

describe('base64', () => {
  it('matches Node for every length up to 64 and for all byte values', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let n = 0; n <= 64; n++) assert.equal(encodeBase64(all.subarray(256 - n)), b64(all.subarray(256 - n)));
    assert.equal(encodeBase64(all), b64(all));
  });
});
