// Hostile and broken servers (SECURITY.md §3): raw scripts whose bytes and timing are exact.
// Where a scenario says "then postfix-closed", the SMTP engine takes over after the scripted
// part, so a client that survives the trick can finish a normal session.
import { continuationChunk, flood, randomChunk, readUntilClosed, unterminatedChunk } from './floods.js';
import { postfixClosedPolicy, profilePolicy } from './profiles.js';
import { REPLY } from './reply-texts.js';
import { runSmtpSession } from './smtp-fake-server.js';
import { DEFAULT_HOSTNAME, resolveSettings, type ProfileOptions } from './start-profile.js';
import { startScriptedServer } from './scripted-server.js';
import type { ServerPolicy, StartTlsOutcome } from './server-policy.js';
import type { RawPeer, ServerHandle, SessionScript } from './types.js';

/** Names of the hostile scenarios. */
export type HostileName =
  | 'silent'
  | 'endless-line'
  | 'random-bytes'
  | 'endless-continuation'
  | 'long-line-600'
  | 'invalid-code-2500'
  | 'invalid-code-25'
  | 'invalid-code-abc'
  | 'invalid-code-600'
  | 'invalid-code-220x'
  | 'code-change-mid-reply'
  | 'hostile-banner'
  | 'bare-lf'
  | 'one-byte-per-second'
  | 'silent-after-ehlo'
  | 'early-talker'
  | '421-mid-session'
  | '554-greeting'
  | 'starttls-garbage'
  | 'starttls-reset'
  | 'starttls-silence'
  | 'starttls-injection'
  | 'reset-mid-reply'
  | 'greylisting'
  | 'terminal-escapes'
  | 'control-flood';

/** Options of a hostile scenario: the profile options of its postfix-closed part, and the dribble interval. */
export interface HostileOptions extends ProfileOptions {
  /** one-byte-per-second: milliseconds between greeting bytes (default 1000). */
  intervalMs?: number;
}

/** Time the client gets to read bytes sent just before an RST (an RST can overtake unread data). */
const RESET_GRACE_MS = 50;

/** Bytes of garbage after the 220 to STARTTLS (a TLS client gives up at the first record). */
const STARTTLS_GARBAGE_BYTES = 1024 * 1024;

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
    [0x00, 0x09], [0x0b, 0x1f], [0x7f, 0x9f], [0xad, 0xad], [0x61c, 0x61c], [0x180e, 0x180e], [0x200b, 0x200f], [0x2028, 0x202e],
    [0x2060, 0x2064], [0x2066, 0x206f], [0xfeff, 0xfeff], [0xfff9, 0xfffb], [0xe0001, 0xe0001], [0xe0020, 0xe007f],
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
function controlFloodReply(code: number): Buffer {
  const line = Buffer.concat([Buffer.from(`${code}-`), Buffer.alloc(4000, 0x01), Buffer.from('\r\n')]);
  return Buffer.concat([...Array.from({ length: 16 }, () => line), Buffer.from(`${code} \x01\r\n`)]);
}

/** The script of a scenario, with options. */
export function hostileScript(name: HostileName, options: HostileOptions = {}): SessionScript {
  const host = options.hostname ?? DEFAULT_HOSTNAME;
  const closed = postfixClosedPolicy();
  // The postfix-closed part of a scenario, greeting skipped when the script greeted itself.
  const thenPostfix = (peer: RawPeer, policy: ServerPolicy = closed, greet = false, extra: ProfileOptions = {}): Promise<void> =>
    runSmtpSession(peer, policy, resolveSettings(policy, { ...options, ...extra }), { greet });
  const greeting = `220 ${host} ESMTP Postfix\r\n`;
  const badGreeting = (first: string): SessionScript => async (peer) => {
    peer.write(`${first}\r\n`);
    await answerOnlyQuit(peer);
  };
  const starttls = (onStartTls: (peer: RawPeer) => Promise<StartTlsOutcome>): SessionScript => (peer) =>
    thenPostfix(peer, { ...closed, onStartTls }, true, { starttls: true });

  switch (name) {
    case 'silent':
      return readUntilClosed;
    case 'endless-line':
      return async (peer) => {
        peer.write('220 ');
        await flood(peer, unterminatedChunk);
      };
    case 'random-bytes':
      return async (peer) => {
        await flood(peer, randomChunk);
        await readUntilClosed(peer);
      };
    case 'endless-continuation':
      return (peer) => flood(peer, continuationChunk).then(() => readUntilClosed(peer));
    case 'long-line-600':
      return (peer) => {
        // 600 octets before the CRLF: past RFC 5321 §4.5.3.1.5's 512 (CRLF included).
        const start = `220 ${host} ESMTP `;
        peer.write(`${start}${'x'.repeat(600 - start.length)}\r\n`);
        return thenPostfix(peer);
      };
    case 'invalid-code-2500':
      return badGreeting(`2500 ${host} ESMTP`);
    case 'invalid-code-25':
      return badGreeting(`25 ${host} ESMTP`);
    case 'invalid-code-abc':
      return badGreeting(`abc ${host} ESMTP`);
    case 'invalid-code-600':
      return badGreeting(`600 ${host} ESMTP`);
    case 'invalid-code-220x':
      return badGreeting(`220x ${host} ESMTP`);
    case 'code-change-mid-reply':
      return badGreeting('220-a\r\n250 b');
    case 'hostile-banner':
      return (peer) => {
        peer.write(hostileBanner(host));
        return thenPostfix(peer);
      };
    case 'bare-lf':
      return (peer) => thenPostfix(peer, { ...closed, bareLf: true }, true);
    case 'one-byte-per-second':
      return async (peer) => {
        for (const byte of Buffer.from(greeting)) {
          peer.write(Buffer.from([byte]));
          if (!(await peer.sleep(options.intervalMs ?? 1000))) return;
        }
        await thenPostfix(peer);
      };
    case 'silent-after-ehlo':
      return (peer) => thenPostfix(peer, { ...closed, intercept: (verb) => (verb === 'EHLO' ? { lines: [], then: 'go-silent' } : null) }, true);
    case 'early-talker':
      return (peer) => {
        peer.write(`${greeting}250 unsolicited\r\n`);
        return thenPostfix(peer, { ...closed, ehloTrailer: ['250 ok'] });
      };
    case '421-mid-session':
      return (peer) =>
        thenPostfix(peer, { ...closed, intercept: (_verb, ctx) => (ctx.rcptCommands >= 3 ? { lines: [REPLY.shuttingDown], then: 'close' } : null) }, true);
    case '554-greeting':
      return async (peer) => {
        peer.write(`${REPLY.noService}\r\n`);
        await answerOnlyQuit(peer, REPLY.noServiceSequence);
      };
    case 'starttls-garbage':
      return starttls(async (peer) => {
        peer.write(`${REPLY.readyToStartTls}\r\n`);
        await flood(peer, randomChunk, STARTTLS_GARBAGE_BYTES);
        await readUntilClosed(peer);
        return 'finished';
      });
    case 'starttls-reset':
      return starttls(async (peer) => {
        peer.write(`${REPLY.readyToStartTls}\r\n`);
        // RST as the client's handshake arrives.
        if (await peer.waitForData()) peer.reset();
        return 'finished';
      });
    case 'starttls-silence':
      return starttls(async (peer) => {
        peer.write(`${REPLY.readyToStartTls}\r\n`);
        await readUntilClosed(peer);
        return 'finished';
      });
    case 'starttls-injection':
      return starttls(async (peer) => {
        // One write, so both lines reach the client before its handshake (CVE-2011-0411's mirror).
        peer.write(`${REPLY.readyToStartTls}\r\n250 injected\r\n`);
        return (await peer.upgradeToTls()) ? 'tls' : 'finished';
      });
    case 'reset-mid-reply':
      return async (peer) => {
        peer.write(greeting);
        if ((await peer.readLine()) === null) return;
        if (!(await peer.writeAndWait(`250-${host}\r\n`))) return;
        if (await peer.sleep(RESET_GRACE_MS)) peer.reset();
      };
    case 'greylisting':
      return (peer) => thenPostfix(peer, profilePolicy('greylisting'), true);
    case 'terminal-escapes':
      // A hostile-bytes case that reality cannot produce on demand (no real server of the lab can be
      // made to send these): a greeting, a refused EHLO and a refused HELO carrying terminal
      // escapes, bidi and invisible characters. The HELO refusal ends the probe (inconclusive), so
      // the verdict's own words quote the server.
      return async (peer) => {
        peer.write(`220 ${host} ${TERMINAL_ESCAPES_TEXT}\r\n`);
        for (let line = await peer.readLine(); line !== null; line = await peer.readLine()) {
          const verb = line.split(' ', 1)[0]?.toUpperCase();
          if (verb === 'QUIT') {
            await peer.writeAndWait(`${REPLY.bye}\r\n`);
            return peer.end();
          }
          peer.write(verb === 'EHLO' ? `502 5.5.2 ${TERMINAL_ESCAPES_TEXT}\r\n` : `550 5.7.1 ${TERMINAL_ESCAPES_TEXT}\r\n`);
        }
      };
    case 'control-flood':
      // A hostile-bytes case that reality cannot produce on demand (issue 12: "a server that sends
      // about 1 MB of 0x01 per connection and closes"): every reply is 64 KB of 0x01 (RCPT refused
      // with 554, everything else 250) until about 1 MB went out on the connection; then it
      // closes, and the next connection gets the same. Each reply is within the reader's caps, so
      // only what the probe stores bounds the result.
      return async (peer) => {
        let sent = 0;
        const reply = async (code: number) => {
          const bytes = controlFloodReply(code);
          sent += bytes.length;
          return peer.writeAndWait(bytes);
        };
        if (!(await reply(220))) return;
        for (let line = await peer.readLine(); line !== null; line = await peer.readLine()) {
          const verb = line.split(' ', 1)[0]?.toUpperCase();
          if (verb === 'QUIT') return peer.end();
          if (sent + 65536 > CONTROL_FLOOD_BYTES) return peer.end();
          if (!(await reply(verb === 'RCPT' ? 554 : 250))) return;
        }
      };
  }
}

/** Every hostile scenario's name. */
export const HOSTILE_NAMES: readonly HostileName[] = [
  'silent', 'endless-line', 'random-bytes', 'endless-continuation', 'long-line-600', 'invalid-code-2500',
  'invalid-code-25', 'invalid-code-abc', 'invalid-code-600', 'invalid-code-220x', 'code-change-mid-reply',
  'hostile-banner', 'bare-lf', 'one-byte-per-second', 'silent-after-ehlo', 'early-talker', '421-mid-session',
  '554-greeting', 'starttls-garbage', 'starttls-reset', 'starttls-silence', 'starttls-injection',
  'reset-mid-reply', 'greylisting', 'terminal-escapes', 'control-flood',
];

/** The scenarios' scripts with default options, for startScriptedServer. */
export const HOSTILE_SCENARIOS: Record<HostileName, SessionScript> = Object.fromEntries(
  HOSTILE_NAMES.map((name) => [name, hostileScript(name)]),
) as Record<HostileName, SessionScript>;

/** Starts a hostile scenario on 127.0.0.1, port 0. */
export function startHostile(name: HostileName, options: HostileOptions = {}): Promise<ServerHandle> {
  return startScriptedServer(hostileScript(name, options), { tls: options.tls ?? 'valid' });
}

/** After a broken greeting: QUIT gets 221 and a close, anything else `otherwise` (or silence). */
async function answerOnlyQuit(peer: RawPeer, otherwise?: string): Promise<void> {
  for (let line = await peer.readLine(); line !== null; line = await peer.readLine()) {
    if (line.trim().toUpperCase() === 'QUIT') {
      await peer.writeAndWait(`${REPLY.bye}\r\n`);
      return peer.end();
    }
    if (otherwise) peer.write(`${otherwise}\r\n`);
  }
}
