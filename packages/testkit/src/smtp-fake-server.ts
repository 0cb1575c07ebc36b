// The SMTP server side of every profile: a small raw-socket engine that answers byte-exact
// replies chosen by a policy (server-policy.ts). RFC 5321 §4.1 commands, RFC 2920 pipelining,
// RFC 3207 STARTTLS, RFC 1870 SIZE.
//
// Invariants: one reply per command, in order, however the commands were batched; replies to
// a batch are flushed only when no complete command is left in the input (RFC 2920 §3.2 lets a
// server batch them), or before the server must wait (354, STARTTLS, close); every received
// line is in the session record (the peer records on arrival).
import { relayIntent } from './relay-intent.js';
import { REPLY, postfixTooManyErrors, queuedAs } from './reply-texts.js';
import { ReplyWriter } from './reply-writer.js';
import type { AfterReply, ServerPolicy, SessionContext, SessionSettings } from './server-policy.js';
import type { RawPeer } from './types.js';

/** Advertised and enforced message size limit (Postfix's default message_size_limit). */
export const MESSAGE_SIZE_LIMIT = 10_240_000;

/** Whether the session starts by greeting (scripts that wrote their own greeting pass false). */
export interface RunOptions {
  greet: boolean;
}

/** Runs one SMTP session on `peer` until the client leaves or the policy closes it. */
export async function runSmtpSession(peer: RawPeer, policy: ServerPolicy, settings: SessionSettings, run: RunOptions = { greet: true }): Promise<void> {
  await new FakeSmtpSession(peer, policy, settings).run(run.greet);
}

type Outcome = AfterReply | 'gone';

class FakeSmtpSession {
  private readonly ctx: SessionContext;
  private readonly writer: ReplyWriter;

  constructor(
    private readonly peer: RawPeer,
    private readonly policy: ServerPolicy,
    private readonly settings: SessionSettings,
  ) {
    this.ctx = {
      host: settings.host,
      localDomains: settings.localDomains,
      tls: peer.record.tls,
      greeted: null,
      mailFrom: null,
      accepted: [],
      rcptCommands: 0,
      errors: 0,
    };
    this.writer = new ReplyWriter(peer, {
      lineEnding: policy.bareLf ? '\n' : '\r\n',
      split: policy.splitWrites === true,
      latencyMs: settings.latencyMs,
      onWritten: settings.onReplyWritten,
    });
  }

  async run(greet: boolean): Promise<void> {
    if (greet) this.writer.push(this.policy.greeting(this.ctx.host));
    for (;;) {
      if (!this.peer.hasBufferedLine() && !(await this.writer.flush())) return;
      const line = await this.peer.readLine();
      if (line === null) return;
      const outcome = await this.handle(line);
      if (outcome === 'gone') return;
      const limit = this.policy.errorLimit;
      if (outcome === 'continue' && limit && this.ctx.errors >= limit.hard) {
        // Postfix checks the hard limit before reading the next command: 421, then close.
        await this.reply(postfixTooManyErrors(this.ctx.host));
        return this.finish('close');
      }
      if (outcome !== 'continue') return this.finish(outcome);
    }
  }

  private async finish(outcome: 'close' | 'go-silent'): Promise<void> {
    if (!(await this.writer.flush())) return;
    if (outcome === 'close') return this.peer.end();
    // Silent from now on: keep reading (and recording) until the client gives up.
    while ((await this.peer.readLine()) !== null);
  }

  /** Queues a reply, after the error-limit delay; counts it when it is an error. */
  private async reply(...lines: string[]): Promise<boolean> {
    const limit = this.policy.errorLimit;
    if (limit && this.ctx.errors >= limit.soft && !(await this.peer.sleep(limit.delayMs))) return false;
    this.writer.push(lines);
    if (Number(lines[0]?.slice(0, 3)) >= 400) this.ctx.errors += 1;
    return true;
  }

  private async answer(line: string, then: AfterReply = 'continue'): Promise<Outcome> {
    return (await this.reply(line)) ? then : 'gone';
  }

  private async handle(line: string): Promise<Outcome> {
    const space = line.indexOf(' ');
    const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const arg = space === -1 ? '' : line.slice(space + 1).trim();
    const intercepted = this.policy.intercept?.(verb, this.ctx);
    if (intercepted) {
      if (!(await this.reply(...intercepted.lines))) return 'gone';
      return intercepted.then;
    }
    switch (verb) {
      case 'EHLO':
        return this.ehlo(arg);
      case 'HELO':
        if (arg === '') return this.answer(REPLY.heloSyntax);
        this.greet('HELO');
        return this.answer(`250 ${this.ctx.host}`);
      case 'MAIL':
        return this.mail(arg);
      case 'RCPT':
        return this.rcpt(arg);
      case 'DATA':
        return this.data();
      case 'RSET':
        this.resetTransaction();
        return this.answer(REPLY.ok);
      case 'NOOP':
        return this.answer(REPLY.ok);
      case 'QUIT':
        return this.answer(REPLY.bye, 'close');
      case 'STARTTLS':
        return this.startTls();
      case 'VRFY':
        return this.answer(REPLY.cannotVerify);
      case 'AUTH':
        return this.answer(this.policy.auth ? REPLY.authFailed : REPLY.unknownCommand);
      default:
        return this.answer(REPLY.unknownCommand);
    }
  }

  private async ehlo(arg: string): Promise<Outcome> {
    if (this.policy.ehloRefused) return this.answer(REPLY.unknownCommand);
    if (arg === '') return this.answer(REPLY.ehloSyntax);
    this.greet('EHLO');
    const keywords = [this.ctx.host, ...this.extensions()];
    const lines = keywords.map((k, i) => `250${i === keywords.length - 1 ? ' ' : '-'}${k}`);
    if (!(await this.reply(...lines))) return 'gone';
    if (this.policy.ehloTrailer) this.writer.push(this.policy.ehloTrailer);
    return 'continue';
  }

  private extensions(): string[] {
    const keywords: string[] = [];
    if (this.settings.pipelining) keywords.push('PIPELINING');
    keywords.push(`SIZE ${MESSAGE_SIZE_LIMIT}`);
    if (this.settings.offerStarttls && !this.ctx.tls) keywords.push('STARTTLS');
    if (this.policy.auth) keywords.push('AUTH PLAIN LOGIN');
    keywords.push('ENHANCEDSTATUSCODES', '8BITMIME', ...(this.policy.extraExtensions ?? []));
    return keywords;
  }

  private tlsMissing(): boolean {
    return this.policy.starttls === 'required' && !this.ctx.tls;
  }

  private async mail(arg: string): Promise<Outcome> {
    if (this.ctx.greeted === null) return this.answer(REPLY.sendHeloFirst);
    if (this.tlsMissing()) return this.answer(REPLY.mustStartTls);
    const match = /^FROM:\s*(.*)$/i.exec(arg);
    if (!match) return this.answer(REPLY.mailSyntax);
    if (this.ctx.mailFrom !== null) return this.answer(REPLY.nestedMail);
    const { path, params } = splitPath(match[1] ?? '');
    const size = /(?:^|\s)SIZE=(\d+)/i.exec(params);
    if (size && Number(size[1]) > MESSAGE_SIZE_LIMIT) return this.answer(REPLY.messageTooBig);
    this.ctx.mailFrom = path;
    return this.answer(REPLY.senderOk);
  }

  private async rcpt(arg: string): Promise<Outcome> {
    if (this.tlsMissing()) return this.answer(REPLY.mustStartTls);
    if (this.ctx.mailFrom === null) return this.answer(REPLY.needMail);
    const match = /^TO:\s*(.*)$/i.exec(arg);
    if (!match) return this.answer(REPLY.rcptSyntax);
    const { path } = splitPath(match[1] ?? '');
    this.ctx.rcptCommands += 1;
    const intent = relayIntent(this.ctx.mailFrom, path, this.ctx.localDomains);
    const line = intent.kind === 'invalid' ? REPLY.badRecipientSyntax : this.policy.rcpt(intent, this.ctx);
    if (line.startsWith('2')) this.ctx.accepted.push(path);
    return this.answer(line);
  }

  private async data(): Promise<Outcome> {
    if (this.tlsMissing()) return this.answer(REPLY.mustStartTls);
    if (this.ctx.mailFrom === null) return this.answer(REPLY.needMail);
    if (this.ctx.accepted.length === 0) return this.answer(REPLY.noValidRecipients);
    if (!(await this.reply(REPLY.startData)) || !(await this.writer.flush())) return 'gone';
    const body: string[] = [];
    let size = 0;
    for (;;) {
      const line = await this.peer.readLine();
      if (line === null) return 'gone';
      if (line === '.') break;
      // RFC 5321 §4.5.2: a leading dot was doubled by the client.
      const unstuffed = line.startsWith('.') ? line.slice(1) : line;
      size += unstuffed.length + 2;
      if (size <= MESSAGE_SIZE_LIMIT) body.push(unstuffed);
    }
    if (size > MESSAGE_SIZE_LIMIT) {
      this.resetTransaction();
      return this.answer(REPLY.messageTooBig);
    }
    const queueId = this.policy.fixedQueueId ?? this.settings.nextQueueId();
    this.peer.record.messages.push({ mailFrom: this.ctx.mailFrom, rcptTo: [...this.ctx.accepted], data: body.join('\r\n'), queueId });
    this.resetTransaction();
    return this.answer(queuedAs(queueId));
  }

  private async startTls(): Promise<Outcome> {
    if (this.ctx.tls) return this.answer(REPLY.tlsAlreadyActive);
    if (!this.settings.offerStarttls) return this.answer(REPLY.unknownCommand);
    if (this.policy.onStartTls) {
      if (!(await this.writer.flush())) return 'gone';
      if ((await this.policy.onStartTls(this.peer, this.ctx)) === 'finished') return 'gone';
    } else {
      if (!(await this.reply(REPLY.readyToStartTls)) || !(await this.writer.flush())) return 'gone';
      if ((await this.peer.upgradeToTls()) === null) return 'gone';
    }
    // RFC 3207 §4.2: forget everything learned before TLS; the client must EHLO again.
    this.ctx.tls = true;
    this.ctx.greeted = null;
    this.resetTransaction();
    return 'continue';
  }

  private greet(verb: 'EHLO' | 'HELO'): void {
    this.ctx.greeted = verb;
    this.resetTransaction();
  }

  private resetTransaction(): void {
    this.ctx.mailFrom = null;
    this.ctx.accepted = [];
  }
}

/** Splits `<path> PARAMS` (or a bare path) into the path as written and its ESMTP parameters. */
export function splitPath(text: string): { path: string; params: string } {
  const trimmed = text.trim();
  if (trimmed.startsWith('<')) {
    let inQuotes = false;
    for (let i = 1; i < trimmed.length; i++) {
      const ch = trimmed[i];
      if (inQuotes && ch === '\\') i++;
      else if (ch === '"') inQuotes = !inQuotes;
      else if (ch === '>' && !inQuotes) return { path: trimmed.slice(0, i + 1), params: trimmed.slice(i + 1).trim() };
    }
    return { path: trimmed, params: '' };
  }
  const space = trimmed.search(/\s/);
  return space === -1 ? { path: trimmed, params: '' } : { path: trimmed.slice(0, space), params: trimmed.slice(space + 1).trim() };
}
