// Attack: terminal escapes, bidi overrides and invisible characters from the server reach the
// screen (issue 12, item 1). A greeting such as `554 5.7.1 ESC]0;pwned BEL ESC[2J ESC[H Not an
// open relay. U+202E reversed` sets the window title, clears the screen and writes a verdict of
// its own, and the verdict's summary, reasons and advice quote such replies. Every character of
// the classes below, put into every string of every event that can hold server text, must come
// out of formatEvent and formatVerdict as a visible escape, and out of toSafeJson as a JSON
// escape that parses back to the exact value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeForDisplay, formatEvent, formatTranscript, formatVerdict, isDisplaySafe, toSafeJson, type ProbeEvent, type Verdict } from '../src/index.js';

/** The classes, by code point: C0 (LF included), DEL, C1, bidi controls, zero-width and other invisible characters, separators. */
const RANGES: [number, number][] = [
  [0x00, 0x1f],
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
  [0xe0000, 0xe007f],
];
const HOSTILE: string[] = RANGES.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i)));
/** The code points the issue names, so a narrowing of RANGES cannot pass unnoticed. */
const NAMED = [0x1b, 0x07, 0x00, 0x7f, 0x9b, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff];

/** No character of HOSTILE anywhere in `text`. */
function assertInert(text: string, where: string): void {
  const found = HOSTILE.filter((ch) => text.includes(ch)).map((ch) => `U+${(ch.codePointAt(0) as number).toString(16).padStart(4, '0')}`);
  assert.deepEqual(found, [], `${where} holds raw ${found.join(', ')}`);
}

test('the character classes cover every code point the issue names', () => {
  for (const cp of NAMED) assert.ok(HOSTILE.includes(String.fromCodePoint(cp)), `U+${cp.toString(16)}`);
});

test('escapeForDisplay makes each character a visible escape, and leaves ordinary text alone', () => {
  for (const ch of HOSTILE) {
    const shown = escapeForDisplay(`a${ch}b`);
    assertInert(shown, `escapeForDisplay(U+${(ch.codePointAt(0) as number).toString(16)})`);
    assert.match(shown, /^a\\(x[0-9a-f]{2}|u[0-9a-f]{4}|u\{[0-9a-f]{5}\}|[trne])b$/, shown);
    assert.equal(isDisplaySafe(ch), false);
  }
  assert.equal(escapeForDisplay('\u200b\u2060\ufeff\u{e0041}'), '\\u200b\\u2060\\ufeff\\u{e0041}');
  const ordinary = 'Grüße, 東京, emoji 📬, <b>, \\e and U+FFFD \ufffd';
  assert.equal(escapeForDisplay(ordinary), ordinary);
  assert.equal(escapeForDisplay(escapeForDisplay(HOSTILE.join(''))), escapeForDisplay(HOSTILE.join('')), 'escaping twice changes nothing');
});

const ALL = HOSTILE.join('');
const ISSUE_GREETING = `554 5.7.1 \x1b]0;pwned\x07\x1b[2J\x1b[HNot an open relay. \u202ereversed ${ALL}`;
const verdict: Verdict = {
  code: 'unreachable',
  label: `Unreachable${ALL}`,
  summary: `The server greeted with ${ISSUE_GREETING}: no SMTP service for us.`,
  advice: `Check ${ALL}`,
  reasons: [{ code: 'no-service', text: `reason ${ALL}`, vectors: [`R01@x${ALL}`] }],
};

/** One event of each type, every string in it carrying the hostile characters. */
const EVENTS: ProbeEvent[] = [
  {
    seq: 1,
    ms: 0,
    type: 'resolution',
    resolution: {
      input: `mx${ALL}`,
      kind: 'host',
      domain: `d${ALL}`,
      mx: [{ exchange: `mx${ALL}`, preference: 10 }],
      nullMx: false,
      implicitMx: false,
      addresses: [{ address: '192.0.2.1', family: 4, allowed: true, host: `h${ALL}` }],
      error: { code: 'dns-failed', text: `dns ${ALL}` },
    },
  },
  { seq: 2, ms: 1, type: 'info', phase: 'connect', code: 'connected', text: `info ${ALL}` },
  { seq: 3, ms: 2, type: 'reply', phase: 'greeting', tls: false, code: 554, enhanced: '5.7.1', lines: [ISSUE_GREETING, `554 ${ALL}`], elapsedMs: 1, flags: [] },
  { seq: 4, ms: 3, type: 'error', phase: 'greeting', code: 'no-service', side: 'server', text: `error ${ALL}` },
  { seq: 5, ms: 4, type: 'command', phase: 'quit', tls: false, text: `QUIT ${ALL}` },
  {
    seq: 6,
    ms: 5,
    type: 'tls',
    phase: 'starttls',
    details: {
      protocol: `TLSv1.3${ALL}`,
      cipher: `c${ALL}`,
      authorized: false,
      authorizationError: `e${ALL}`,
      hostnameMatch: false,
      hostnameError: `n${ALL}`,
      servername: null,
      certificate: { subject: `CN=${ALL}`, issuer: `CN=${ALL}`, subjectAltNames: [], validFrom: '2024-01-01', validTo: '2044-01-01', fingerprint256: 'ab', selfSigned: true },
    },
  },
  { seq: 7, ms: 6, type: 'vector-start', vector: `R01@x${ALL}`, name: `name ${ALL}`, index: 1, total: 1 },
  {
    seq: 8,
    ms: 7,
    type: 'vector-result',
    result: {
      key: `R01@x${ALL}`,
      id: 'R01',
      name: `name ${ALL}`,
      weight: 'strong',
      mailFrom: `<a${ALL}@x>`,
      rcptTo: `<b${ALL}@x>`,
      outcome: 'denied',
      reply: { code: 554, enhanced: '5.7.1', text: ISSUE_GREETING },
      note: `note ${ALL}`,
      flags: [],
    },
  },
  { seq: 9, ms: 8, type: 'delivery', result: { vector: `R01@x${ALL}`, mailFrom: `<a@x>`, rcptTo: `<r${ALL}@x>`, outcome: 'accepted', queueId: `Q${ALL}` } } as ProbeEvent,
  { seq: 10, ms: 9, type: 'verdict', verdict },
];

test('formatEvent escapes every string that can hold server text, in every event type', () => {
  for (const event of EVENTS) {
    const lines = formatEvent(event);
    assert.ok(lines.length > 0, `${event.type} is shown`);
    for (const line of lines) assertInert(line, `formatEvent(${event.type})`);
  }
  for (const line of formatTranscript(EVENTS).split('\n')) assertInert(line, 'formatTranscript');
  assert.ok(formatTranscript(EVENTS).includes('\\e]0;pwned\\x07\\e[2J\\e[HNot an open relay. \\u202ereversed'), 'the escape sequence is visible, as text');
});

test("formatVerdict escapes the summary, reasons and advice, which quote the server's replies", () => {
  const lines = formatVerdict(verdict);
  for (const line of lines) assertInert(line, 'formatVerdict');
  assert.match(lines[0] ?? '', /^Verdict: Unreachable\\x00.*The server greeted with 554 5\.7\.1 \\e\]0;pwned\\x07\\e\[2J\\e\[HNot an open relay\. \\u202ereversed/);
});

test('toSafeJson writes each character as a JSON escape: an inert text, the exact values', () => {
  const document = { events: EVENTS, text: ALL };
  for (const space of [undefined, 2]) {
    const json = toSafeJson(document, space);
    assertInert(json.replace(/\n/g, ''), `toSafeJson(space ${space})`);
    assert.deepEqual(JSON.parse(json), JSON.parse(JSON.stringify(document)), 'JSON.parse gives back the exact values');
  }
  assert.equal(toSafeJson('\u202e\u007f\u0085\u{e0041}'), '"\\u202e\\u007f\\u0085\\udb40\\udc41"');
  assert.equal(toSafeJson({ a: 'plain', b: [1, null] }), JSON.stringify({ a: 'plain', b: [1, null] }), 'ordinary JSON is unchanged');
});
