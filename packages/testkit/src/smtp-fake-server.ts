// The SMTP server side of every profile: a small raw-socket engine that answers byte-exact
// replies chosen by a policy (server-policy.ts). RFC 5321 §4.1 commands, RFC 2920 pipelining,
// RFC 3207 STARTTLS, RFC 1870 SIZE.
//
// Invariants: one reply per command, in order, however the commands were batched; replies to
// a batch are flushed only when no complete command is left in the input (RFC 2920 §3.2 lets a
// server batch them), or before the server must wait (354, STARTTLS, close); every received
// line is in the session record (the peer records on arrival).
import { relayIntent } from './relay-intent.js';
import { MESSAGE_SIZE_LIMIT, POSTFIX_EHLO_KEYWORDS, POSTFIX_TEXTS } from './postfix-defaults.js';
import { REPLY, postfixTooManyErrors } from './reply-texts.js';
import { ReplyWriter } from './reply-writer.js';
import type { AfterReply, EngineTexts, ReplyLines, ServerPolicy, SessionContext, SessionSettings } from './server-policy.js';
import type { RawPeer } from './types.js';

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
  private readonly texts: EngineTexts;
  private readonly sizeLimit: number;
  /** The verb being answered (what `syntaxErrorLimit` and `ctx.previous` see). */
  private verb = '';
  /** The HELO/EHLO argument, for `{helo}`. */
  private helo = '';
  /** The syntax-error limit was passed: close once the reply is out. */
  private dropping = false;

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
      refused: [],
      rcptCommands: 0,
      errors: 0,
      clientAddress: peer.socket.remoteAddress ?? '',
      syntaxErrors: 0,
      previous: null,
    };
    this.texts = { ...POSTFIX_TEXTS, ...policy.texts };
    this.sizeLimit = policy.sizeLimit ?? MESSAGE_SIZE_LIMIT;
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
      if (this.dropping) {
        // Exim closes the socket outright: what the client sends afterwards gets an RST.
        if (await this.writer.flush()) this.peer.destroy();
        return;
      }
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

  /** One of the engine's own replies, placeholders filled in. */
  private text(key: keyof EngineTexts, id = ''): string {
    const values: Record<string, string> = { host: this.ctx.host, helo: this.helo, client: this.ctx.clientAddress, id };
    return this.texts[key].replace(/\{(host|helo|client|id)\}/g, (_, name: string) => values[name] ?? '');
  }

  /**
   * Queues a reply, after the error-limit delay; counts it when it is an error, and when it is
   * the syntax error past the policy's limit, replaces it and closes after it.
   */
  private async reply(...replyLines: string[]): Promise<boolean> {
    const limit = this.policy.errorLimit;
    if (limit && this.ctx.errors >= limit.soft && !(await this.peer.sleep(limit.delayMs))) return false;
    let lines = replyLines;
    const first = lines[0] ?? '';
    const synprot = this.policy.syntaxErrorLimit;
    const syntaxError = synprot?.counts(this.verb, first, this.ctx) === true;
    if (synprot && syntaxError && ++this.ctx.syntaxErrors > synprot.max) {
      lines = synprot.lastReply(this.verb, lines);
      this.dropping = true;
    }
    this.writer.push(lines);
    if (Number(first.slice(0, 3)) >= 400) this.ctx.errors += 1;
    this.ctx.previous = { verb: this.verb, reply: first, syntaxError };
    return true;
  }

  private async answer(reply: ReplyLines, then: AfterReply = 'continue'): Promise<Outcome> {
    return (await this.reply(...(typeof reply === 'string' ? [reply] : reply))) ? then : 'gone';
  }

  private async handle(line: string): Promise<Outcome> {
    const space = line.indexOf(' ');
    const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const arg = space === -1 ? '' : line.slice(space + 1).trim();
    this.verb = verb;
    const intercepted = this.policy.intercept?.(verb, this.ctx);
    if (intercepted) {
      if (!(await this.reply(...intercepted.lines))) return 'gone';
      return intercepted.then;
    }
    switch (verb) {
      case 'EHLO':
        return this.ehlo(arg);
      case 'HELO':
        if (arg === '') return this.answer(this.text('heloSyntax'));
        this.greet('HELO', arg);
        return this.answer(this.text('helo'));
      case 'MAIL':
        return this.mail(arg);
      case 'RCPT':
        return this.rcpt(arg);
      case 'DATA':
        return this.data();
      case 'RSET':
        this.resetTransaction();
        return this.answer(this.text('reset'));
      case 'NOOP':
        return this.answer(this.text('ok'));
      case 'QUIT':
        return this.answer(this.text('bye'), 'close');
      case 'STARTTLS':
        return this.startTls();
      case 'VRFY':
        return this.answer(this.text('cannotVerify'));
      case 'AUTH':
        return this.answer(this.policy.auth ? REPLY.authFailed : this.text('authNotOffered'));
      default:
        return this.answer(this.text('unknownCommand'));
    }
  }

  private async ehlo(arg: string): Promise<Outcome> {
    if (this.policy.ehloRefused) return this.answer(this.text('unknownCommand'));
    if (arg === '') return this.answer(this.text('ehloSyntax'));
    this.greet('EHLO', arg);
    const keywords = [this.text('ehloHello'), ...this.extensions()];
    const lines = keywords.map((k, i) => `250${i === keywords.length - 1 ? ' ' : '-'}${k}`);
    if (!(await this.reply(...lines))) return 'gone';
    if (this.policy.ehloTrailer) this.writer.push(this.policy.ehloTrailer);
    return 'continue';
  }

  private extensions(): string[] {
    const on = (keyword: string): boolean => {
      if (keyword === 'PIPELINING') return this.settings.pipelining;
      if (keyword === 'STARTTLS') return this.settings.offerStarttls && !this.ctx.tls;
      if (keyword.startsWith('AUTH')) return this.policy.auth === true;
      return true;
    };
    const keywords = (this.policy.ehloKeywords ?? POSTFIX_EHLO_KEYWORDS).filter(on);
    return [...keywords.map((k) => (k === 'SIZE' ? `SIZE ${this.sizeLimit}` : k)), ...(this.policy.extraExtensions ?? [])];
  }

  private tlsMissing(): boolean {
    return this.policy.starttls === 'required' && !this.ctx.tls;
  }

  private async mail(arg: string): Promise<Outcome> {
    if (this.ctx.greeted === null) return this.answer(this.text('sendHeloFirst'));
    if (this.tlsMissing()) return this.answer(REPLY.mustStartTls);
    const match = /^FROM:\s*(.*)$/i.exec(arg);
    if (!match) return this.answer(this.text('mailSyntax'));
    if (this.ctx.mailFrom !== null) return this.answer(this.text('nestedMail'));
    const { path, params } = splitPath(match[1] ?? '');
    const refusal = this.policy.mailFrom?.(path, this.ctx) ?? null;
    if (refusal !== null) return this.answer(refusal);
    const size = /(?:^|\s)SIZE=(\d+)/i.exec(params);
    if (size && Number(size[1]) > this.sizeLimit) return this.answer(this.text('messageTooBig'));
    this.ctx.mailFrom = path;
    return this.answer(this.text('senderOk'));
  }

  private async rcpt(arg: string): Promise<Outcome> {
    if (this.tlsMissing()) return this.answer(REPLY.mustStartTls);
    if (this.ctx.mailFrom === null) return this.answer(this.text('needMail'));
    const match = /^TO:\s*(.*)$/i.exec(arg);
    if (!match) return this.answer(this.text('rcptSyntax'));
    const { path } = splitPath(match[1] ?? '');
    this.ctx.rcptCommands += 1;
    const intent = relayIntent(this.ctx.mailFrom, path, this.ctx.localDomains);
    const reply = intent.kind === 'invalid' ? this.text('badRecipientSyntax') : this.policy.rcpt(intent, this.ctx, path);
    const first = (typeof reply === 'string' ? reply : reply[0]) ?? '';
    if (first.startsWith('2')) this.ctx.accepted.push(path);
    else this.ctx.refused.push(first);
    return this.answer(reply);
  }

  private async data(): Promise<Outcome> {
    if (this.tlsMissing()) return this.answer(REPLY.mustStartTls);
    if (this.ctx.mailFrom === null) return this.answer(this.text('dataWithoutMail'));
    if (this.ctx.accepted.length === 0) return this.answer(this.text('noValidRecipients'));
    if (!(await this.reply(this.text('startData'))) || !(await this.writer.flush())) return 'gone';
    const body: string[] = [];
    let size = 0;
    for (;;) {
      const line = await this.peer.readLine();
      if (line === null) return 'gone';
      if (line === '.') break;
      // RFC 5321 §4.5.2: a leading dot was doubled by the client.
      const unstuffed = line.startsWith('.') ? line.slice(1) : line;
      size += unstuffed.length + 2;
      if (size <= this.sizeLimit) body.push(unstuffed);
    }
    if (size > this.sizeLimit) {
      this.resetTransaction();
      return this.answer(this.text('messageTooBig'));
    }
    const queueId = this.policy.fixedQueueId ?? this.settings.nextQueueId();
    this.peer.record.messages.push({ mailFrom: this.ctx.mailFrom, rcptTo: [...this.ctx.accepted], data: body.join('\r\n'), queueId });
    this.resetTransaction();
    return this.answer(this.text('queuedAs', queueId));
  }

  private async startTls(): Promise<Outcome> {
    if (this.ctx.tls) return this.answer(this.text('tlsAlreadyActive'));
    if (!this.settings.offerStarttls) return this.answer(this.text('starttlsNotOffered'));
    if (this.policy.onStartTls) {
      if (!(await this.writer.flush())) return 'gone';
      if ((await this.policy.onStartTls(this.peer, this.ctx)) === 'finished') return 'gone';
    } else {
      if (!(await this.reply(this.text('readyToStartTls'))) || !(await this.writer.flush())) return 'gone';
      if ((await this.peer.upgradeToTls()) === null) return 'gone';
    }
    // RFC 3207 §4.2: forget everything learned before TLS; the client must EHLO again.
    this.ctx.tls = true;
    this.ctx.greeted = null;
    this.resetTransaction();
    return 'continue';
  }

  private greet(verb: 'EHLO' | 'HELO', name: string): void {
    this.ctx.greeted = verb;
    this.helo = name;
    this.resetTransaction();
  }

  private resetTransaction(): void {
    this.ctx.mailFrom = null;
    this.ctx.accepted = [];
    this.ctx.refused = [];
  }
}

/** Splits `<path> PARAMS` (or a bare path) into the path as written and its ESMTP parameters. */
function splitPath(text: string): { path: string; params: string } {
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
