// Hostile and broken servers (SECURITY.md §3): raw scripts whose bytes and timing are exact.
// Where a scenario says "then postfix-closed", the SMTP engine takes over after the scripted
// part, so a client that survives the trick can finish a normal session.
import { continuationChunk, flood, randomChunk, readUntilClosed, unterminatedChunk } from './floods.js';
import { postfixClosedPolicy, profilePolicy } from './profiles.js';
import { REPLY } from './reply-texts.js';
import { CONTROL_FLOOD_BYTES, controlFloodReply, hostileBanner, TERMINAL_ESCAPES_TEXT } from './hostile-bytes.js';
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

/** The script of a scenario, with options. */
export function hostileScript(name: HostileName, options: HostileOptions = {}): SessionScript {
  const host = options.hostname ?? DEFAULT_HOSTNAME;
  const closed = postfixClosedPolicy();
  // The postfix-closed part of a scenario, greeting skipped when the script greeted itself.
  const thenPostfix = (peer: RawPeer, policy: ServerPolicy = closed, greet = false, extra: ProfileOptions = {}): Promise<void> =>
    runSmtpSession(peer, policy, resolveSettings(policy, { ...options, ...extra }), { greet });
  const greeting = `220 ${host} ESMTP Postfix\r\n`;
  const badGreeting =
    (first: string): SessionScript =>
    async (peer) => {
      peer.write(`${first}\r\n`);
      await answerOnlyQuit(peer);
    };
  const starttls =
    (onStartTls: (peer: RawPeer) => Promise<StartTlsOutcome>): SessionScript =>
    (peer) =>
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
      return (peer) => thenPostfix(peer, { ...closed, intercept: (_verb, ctx) => (ctx.rcptCommands >= 3 ? { lines: [REPLY.shuttingDown], then: 'close' } : null) }, true);
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
  'silent',
  'endless-line',
  'random-bytes',
  'endless-continuation',
  'long-line-600',
  'invalid-code-2500',
  'invalid-code-25',
  'invalid-code-abc',
  'invalid-code-600',
  'invalid-code-220x',
  'code-change-mid-reply',
  'hostile-banner',
  'bare-lf',
  'one-byte-per-second',
  'silent-after-ehlo',
  'early-talker',
  '421-mid-session',
  '554-greeting',
  'starttls-garbage',
  'starttls-reset',
  'starttls-silence',
  'starttls-injection',
  'reset-mid-reply',
  'greylisting',
  'terminal-escapes',
  'control-flood',
];

/** The scenarios' scripts with default options, for startScriptedServer. */
export const HOSTILE_SCENARIOS: Record<HostileName, SessionScript> = Object.fromEntries(HOSTILE_NAMES.map((name) => [name, hostileScript(name)])) as Record<HostileName, SessionScript>;

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
