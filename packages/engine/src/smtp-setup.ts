// Opening the SMTP session on a connection: the greeting, EHLO (HELO fallback), and STARTTLS when
// the TLS mode asks for it, with EHLO again inside TLS. Each reply handler records what the server
// said and returns the step the connection takes next (smtp-connection.ts carries it out). The
// probe's TLS choice lives here: after a refused or failed upgrade in --tls auto, plain text.
//
// Invariants:
// - Nothing is written before the whole greeting (RFC 5321 §4.3.1; postscreen drops early talkers).
// - After STARTTLS everything learned before is discarded and EHLO is sent again (RFC 3207 §4.2);
//   bytes queued behind the 220 abort the session (the client twin of CVE-2011-0411).
import type { TlsDetails } from '@relayprobe/contracts';
import type { EngineOptions } from './engine-io.js';
import type { EngineOutput } from './engine-output.js';
import { encodeBase64 } from './base64.js';
import { causeFlags } from './reply-judge.js';
import type { ParsedReply } from './reply-reader.js';
import { inconclusive, type Abort, type Ending, type Stop } from './session-end.js';
import type { SessionRecord } from './session-facts.js';
import type { QuitThen, SessionState } from './session-state.js';
import { concatBytes, encodeText, judged, type SmtpWire } from './smtp-wire.js';
import type { Targets } from './targets.js';
import type { SessionFailure } from './verdict.js';

/** What the connection does after a reply of the session's opening. */
export type SetupStep =
  { do: 'ehlo' | 'helo' | 'starttls' | 'tls-handshake' | 'ready' } | { do: 'quit'; then: QuitThen; failure?: SessionFailure | undefined; abort?: Abort } | { do: 'end'; ending: Ending };

const STARTTLS_REQUIRED = 'STARTTLS was required but the server does not offer it.';

export class SmtpSetup {
  /** --tls auto gave up on TLS (refused, failed): plain text from now on. */
  private plainOnly = false;

  constructor(
    private readonly options: EngineOptions,
    private readonly out: EngineOutput,
    private readonly record: SessionRecord,
  ) {}

  /** Whether STARTTLS could still be had on this connection (the judge asks, for "STARTTLS first" replies). */
  canStartTls(wire: SmtpWire): boolean {
    return !wire.tls && !this.plainOnly && this.record.facts.starttlsOffered && this.options.tls !== 'none';
  }

  /** TLS cannot be had: true in --tls auto (plain text from now on), false when the mode requires it. */
  fallBackToPlain(): boolean {
    if (this.options.tls !== 'auto') return false;
    this.plainOnly = true;
    return true;
  }

  /** The connection is inside TLS (implicit, or after STARTTLS). */
  tlsEstablished(details: TlsDetails, wire: SmtpWire, now: number, phase: 'connect' | 'starttls'): void {
    wire.tls = true;
    this.record.tls(details);
    this.out.emit({ type: 'tls', phase, details }, now);
  }

  /** The STARTTLS handshake is done: forget everything from before it (RFC 3207 §4.2); EHLO follows. */
  tlsReady(details: TlsDetails, wire: SmtpWire, now: number): void {
    this.tlsEstablished(details, wire, now, 'starttls');
    wire.restartReader();
    this.record.forgetExtensions();
  }

  greeting(reply: ParsedReply, state: SessionState, targets: Targets, now: number): SetupStep {
    if (reply.code === 220) {
      this.record.facts.greeting = reply.lines;
      this.record.learnName(reply.texts[0]);
      return { do: 'ehlo' };
    }
    const noService = reply.code === 554 || reply.code === 521;
    const code = noService ? 'no-service' : 'unexpected-greeting';
    this.out.error(code, noService ? `The server greeted with ${reply.code}: it offers no SMTP service to us.` : `The greeting was ${reply.code}, not 220.`, now, state);
    this.record.attempt(targets.current.address, code);
    const lastAddress = !targets.hasSession && !targets.hasNext;
    const failure: SessionFailure | undefined = lastAddress
      ? { verdict: 'unreachable', reason: 'no-service', text: `The server greeted with ${reply.code} ${judged(reply).text}: no SMTP service for us.` }
      : undefined;
    // RFC 5321 §3.1: after a 554 greeting the client should send QUIT.
    return { do: 'quit', then: targets.hasSession ? 'reconnect' : 'next-target', failure };
  }

  ehlo(reply: ParsedReply, wire: SmtpWire, state: SessionState, now: number): SetupStep {
    if (reply.code !== 250) {
      // RFC 5321 §4.1.4: a server that does not support EHLO answers 500/502; fall back to HELO.
      this.out.info('helo-fallback', `EHLO refused with ${reply.code}; trying HELO.`, now, 'ehlo');
      this.record.facts.heloFallback = true;
      return { do: 'helo' };
    }
    this.record.ehlo(reply.texts, wire.tls);
    if (!wire.tls && !this.plainOnly && this.record.facts.starttlsOffered && (this.options.tls === 'auto' || this.options.tls === 'starttls')) return { do: 'starttls' };
    if (this.options.tls === 'starttls' && !wire.tls) {
      this.out.error('starttls-not-offered', 'STARTTLS was required (--tls starttls) but the server does not advertise it.', now, state);
      return { do: 'end', ending: { end: 'no-tls', why: STARTTLS_REQUIRED } };
    }
    return { do: 'ready' };
  }

  helo(reply: ParsedReply, wire: SmtpWire, state: SessionState, now: number): SetupStep {
    if (reply.code !== 250) {
      const { code, text: words } = judged(reply);
      const nameRefused = causeFlags(judged(reply)).includes('helo-refused');
      const text = nameRefused ? `The server refused our HELO name ${this.options.helo} (to EHLO and HELO): ${code} ${words}` : `The server refused both EHLO and HELO: ${code} ${words}`;
      this.out.error('helo-refused', `${text}.`, now, state);
      return { do: 'quit', then: 'finish', failure: inconclusive('helo-refused', text), abort: { flag: 'connection-lost', note: 'The server refused EHLO and HELO.' } };
    }
    this.record.forgetExtensions();
    this.record.learnName(reply.texts[0]);
    if (this.options.tls === 'starttls' && !wire.tls) {
      this.out.error('starttls-not-offered', 'STARTTLS was required but the server does not support EHLO, so it cannot offer it.', now, state);
      return { do: 'end', ending: { end: 'no-tls', why: STARTTLS_REQUIRED } };
    }
    return { do: 'ready' };
  }

  /** The reply to STARTTLS; `rest`: the replies that came after it in the same chunk. */
  starttlsReply(reply: ParsedReply, rest: readonly ParsedReply[], wire: SmtpWire, state: SessionState, now: number): SetupStep {
    if (reply.code !== 220) {
      this.out.error('starttls-refused', `STARTTLS was answered ${reply.code} ${judged(reply).text}.`, now, state);
      if (this.options.tls === 'starttls') return { do: 'end', ending: { end: 'no-tls', why: 'The server refused STARTTLS.' } };
      this.plainOnly = true;
      this.out.info('tls-skipped', 'Going on in plain text (--tls auto).', now, 'starttls');
      return { do: 'ready' };
    }
    if (rest.length > 0 || wire.reader.bufferedBytes > 0) {
      // Plaintext queued behind the 220 would be read as if it came over TLS.
      const parsed = rest.map((r) => `${r.lines.join('\r\n')}\r\n`).join('');
      const injected = concatBytes(encodeText(parsed), wire.reader.discardBuffered());
      const text = 'Bytes followed the 220 to STARTTLS before the TLS handshake: a plaintext injection attempt; the session was aborted.';
      this.out.error('starttls-injection', text, now, state, encodeBase64(injected.subarray(0, 256)));
      const stop: Stop = {
        failure: inconclusive('starttls-unavailable', 'The server injected plaintext after its STARTTLS reply; the session was aborted.'),
        requeue: { flag: 'starttls-unavailable', why: 'STARTTLS injection' },
        abort: { flag: 'starttls-unavailable', note: 'The session was aborted after a STARTTLS injection attempt.' },
      };
      return { do: 'end', ending: { end: 'stop', stop } };
    }
    return { do: 'tls-handshake' };
  }
}
