// The probe: feed it inputs (engine-io.ts), carry out the actions it returns. On top of the
// connection lifecycle (smtp-connection.ts) it runs the plan of tests, the optional delivery
// stage and decides the verdict. No I/O (HOUSE-STYLE rule 1).
//
// Invariant: every planned test ends with exactly one result, "not-run" included.
import { tlsProblems } from '@relayprobe/contracts';
import type { DeliveryResult, SessionFacts, VectorResult, Verdict } from '@relayprobe/contracts';
import type { EngineAction, EngineInput, EngineOptions } from './engine-io.js';
import * as cmd from './smtp-commands.js';
import type { Transcript } from './transcript.js';
import { addressLiteral } from './relay-vectors.js';
import { buildPlan, notRunResult, type PlannedTest } from './test-plan.js';
import { evaluateAttempt, notCompletedResult, summarize, type Attempt } from './attempt.js';
import type { JudgedReply } from './reply-judge.js';
import { decideVerdict } from './verdict.js';
import { queueIdFrom, testMessageLines } from './delivery-message.js';
import { greylisted, greylistWaitMs } from './greylist.js';
import { fitsCommandLine, type Outgoing, type Purpose } from './session-base.js';
import { SmtpConnection } from './smtp-connection.js';
import { mergeLocalNames } from './local-names.js';

/** What the engine knows at the end. */
export interface EngineResult {
  vectors: VectorResult[];
  delivery?: DeliveryResult | undefined;
  verdict: Verdict;
  session: SessionFacts;
}

export class ProbeSession extends SmtpConnection {
  private plan: PlannedTest[] | undefined;
  private queue: PlannedTest[] = [];
  private results = new Map<string, VectorResult>();
  private delivery: DeliveryResult | undefined;
  private deliveryDone = false;
  /** The one retry of greylisted tests has been scheduled (RFC 6647; greylist.ts). */
  private greylistRetried = false;
  /** The controls were run again with a sender the server took (see retryControlsWithAcceptedSender). */
  private controlsRetried = false;
  private verdict: Verdict | undefined;
  private readonly plainSender: string;

  constructor(options: EngineOptions, transcript: Transcript) {
    super(options, transcript);
    this.plainSender = `<relayprobe-${options.token}@${options.testDomain}>`;
  }

  /** Start the probe at monotonic time `now`. */
  start(now: number): EngineAction[] {
    this.setTimer('probe', this.options.probeDeadlineMs);
    this.connect(now);
    return this.flush();
  }

  /** Feed one input; returns the actions to carry out, in order. */
  handle(input: EngineInput): EngineAction[] {
    if (this.phase === 'done') return [];
    const now = input.now;
    switch (input.type) {
      case 'connected':
        return (this.onConnected(input, now), this.flush());
      case 'connect-failed':
        return (this.onConnectFailed(input.code, input.message, now), this.flush());
      case 'data':
        return (this.onData(input.bytes, now), this.flush());
      case 'tls-ready':
        return (this.onTlsReady(input.details, now), this.flush());
      case 'tls-failed':
        return (this.onTlsFailed(input.message, now), this.flush());
      case 'timer':
        return (this.onTimer(input.timer, now), this.flush());
      case 'closed':
        return (this.onClosed(input.reset === true, input.message, now), this.flush());
      case 'abort':
        return (this.stop('probe-aborted', input.message, now), this.flush());
      case 'sniff-connected':
        return (this.onSniffConnected(input, now), this.flush());
      case 'sniff-failed':
        return (this.onSniffFailed(input.message, now), this.flush());
    }
  }

  get finished(): boolean {
    return this.phase === 'done';
  }

  /** The final result; only valid once finished. */
  result(): EngineResult {
    if (!this.verdict) throw new Error('engine bug: result() before the probe finished');
    const order = this.plan?.map((t) => this.results.get(t.key)).filter((r): r is VectorResult => r !== undefined) ?? [];
    return { vectors: order, delivery: this.delivery, verdict: this.verdict, session: this.sessionFacts() };
  }

  private sessionFacts(): SessionFacts {
    return { ...this.facts, attempts: [...this.facts.attempts], localNames: [...this.localNames] };
  }

  protected get testsBegun(): boolean {
    return this.plan !== undefined;
  }

  protected get settled(): number {
    return this.results.size;
  }

  protected get workRemains(): boolean {
    return this.queue.length > 0 || this.deliveryWanted();
  }

  protected onTransactionReply(purpose: Purpose, reply: JudgedReply, now: number): void {
    switch (purpose) {
      case 'rset':
        return this.sendNextOf(now);
      case 'mail':
        return this.onMailReply(reply, now);
      case 'rcpt':
        return this.onRcptReply(reply, now);
      case 'data':
        return this.onDataReply(reply, now);
      case 'message':
        return this.onMessageReply(reply, now);
      default:
        throw new Error(`engine bug: ${purpose} is not a transaction reply`);
    }
  }

  protected requeueCurrent(flag: string, why: string, now: number): void {
    const attempt = this.current;
    this.current = undefined;
    if (!attempt) return;
    if (attempt.kind === 'delivery') {
      this.delivery = { vector: attempt.test.key, mailFrom: attempt.mailFrom, rcptTo: attempt.rcptTo, outcome: 'not-completed' };
      this.deliveryDone = true;
      this.emit({ type: 'delivery', result: this.delivery }, now);
      return;
    }
    if (attempt.test.attempts < 2) this.queue.unshift(attempt.test);
    else this.record(notCompletedResult(attempt, flag, why), now);
  }

  // ---- the tests ------------------------------------------------------------------------

  protected sessionReady(now: number): void {
    if (!this.established) this.attempt('smtp-session');
    this.established = true;
    this.go('ready');
    if (!this.plan) {
      // The rDNS names come after the greeting's and EHLO's: the server's own word goes first.
      this.localNames = mergeLocalNames(this.localNames, this.options.reverseNames ?? []);
      this.plan = buildPlan({
        suite: this.options.suite,
        values: {
          x: `relayprobe-${this.options.token}`,
          r: `relayprobe-${this.options.token}`,
          ext: this.options.testDomain,
          IP: addressLiteral(this.target.address, this.target.family),
          invalid: `nonexistent-${this.options.token}.invalid`,
        },
        localNames: this.localNames,
      });
      this.queue = [...this.plan];
      this.info(
        'plan',
        `Running ${this.plan.length} tests (${this.options.suite} suite)${this.localNames.length ? `; local names: ${this.localNames.join(', ')}` : '; no local host name known'}.`,
        now,
        'ehlo',
      );
    }
    this.next(now);
  }

  private deliveryWanted(): boolean {
    return this.options.sendMessage && !this.deliveryDone && [...this.results.values()].some((r) => r.weight === 'strong' && r.outcome === 'accepted');
  }

  /** Start whatever comes next on a ready session. */
  private next(now: number): void {
    if (this.deliveryWanted()) return this.startDelivery(now);
    if (this.queue.length === 0) this.retryControlsWithAcceptedSender(now);
    if (this.queue.length === 0 && this.scheduleGreylistRetry(now)) return this.sendQuit(now);
    const test = this.queue.shift();
    if (!test) {
      this.afterQuit = 'finish';
      return this.sendQuit(now);
    }
    if (test.mailFrom === undefined || test.rcptTo === undefined) {
      this.record(notRunResult(test, 'no-local-name', 'No host name of the server is known, so this form could not be built.'), now);
      return this.next(now);
    }
    if (!fitsCommandLine(test.mailFrom, test.rcptTo)) {
      this.record(notRunResult(test, 'too-long', "With this server's name the command would exceed 512 octets (RFC 5321 §4.5.3.1.4), so it was not sent."), now);
      return this.next(now);
    }
    if (this.errorsOnConnection >= (this.options.errorsBeforeReconnect ?? 8)) {
      // Postfix sleeps after 10 errors and disconnects after 20 (smtpd_soft/hard_error_limit).
      this.queue.unshift(test);
      this.info('reconnect', `Reconnecting before the server's error limit (${this.errorsOnConnection} refusals on this connection).`, now, 'quit');
      this.afterQuit = 'reconnect';
      return this.sendQuit(now);
    }
    test.attempts++;
    const index = (this.plan?.indexOf(test) ?? 0) + 1;
    this.emit({ type: 'vector-start', vector: test.key, name: test.vector.name, index, total: this.plan?.length ?? index }, now);
    this.startAttempt({ test, kind: 'vector', mailFrom: test.mailFrom, rcptTo: test.rcptTo, stage: 'main' }, now);
  }

  /** Forget these tests' results and queue them again from a first attempt (`change` adjusts the test first). */
  private runAgain(results: readonly VectorResult[], change?: (test: PlannedTest) => void): void {
    for (const result of results) {
      const test = this.plan?.find((t) => t.key === result.key);
      if (!test) continue;
      this.results.delete(result.key);
      change?.(test);
      test.attempts = 0;
      this.queue.push(test);
    }
  }

  /**
   * Once the plan is done: when the server refused our plain sender's domain (it could not resolve
   * the test domain: Postfix reject_unknown_sender_domain) for the controls, but accepted a strong
   * vector with another sender (<>, a local or literal sender), run C1 and C2 again with that
   * sender, so that C2 can still tell a relay from a server that accepts everything. Once only.
   */
  private retryControlsWithAcceptedSender(now: number): void {
    if (this.controlsRetried) return;
    const accepted = [...this.results.values()].find((r) => r.weight === 'strong' && r.outcome === 'accepted' && r.mailFrom !== this.plainSender);
    const refused = ['C1', 'C2'].map((id) => this.results.get(id)).filter((r): r is VectorResult => r !== undefined && r.outcome !== 'accepted' && r.flags.includes('sender-domain-refused'));
    if (!accepted || refused.length === 0 || !refused.some((r) => r.id === 'C2')) return;
    this.controlsRetried = true;
    this.runAgain(refused, (test) => (test.mailFrom = accepted.mailFrom));
    this.info(
      'control-retry',
      `The server refused our sender's domain for the controls but accepted ${accepted.key} with the sender ${accepted.mailFrom}; running ${refused.map((r) => r.key).join(' and ')} again with that sender.`,
      now,
      'control',
    );
  }

  /**
   * Once the plan is done: when a greylister deferred some tests, put them back in the queue, say
   * how long we wait, and QUIT; the 'greylist' timer reconnects (smtp-connection.ts). Once only.
   */
  private scheduleGreylistRetry(now: number): boolean {
    const bound = this.options.greylistWaitMs ?? 0;
    if (this.greylistRetried || bound <= 0) return false;
    const deferred = greylisted(this.results.values());
    if (deferred.length === 0) return false;
    this.greylistRetried = true;
    const wait = greylistWaitMs(deferred, bound);
    this.runAgain(deferred);
    const seconds = Math.round(wait / 1000);
    this.emit(
      {
        type: 'info',
        phase: 'vector',
        code: 'greylist-wait',
        text: `The server greylisted ${deferred.length} test${deferred.length === 1 ? '' : 's'} (${deferred[0]?.reply?.code ?? 450} ${deferred[0]?.reply?.text ?? ''}). Waiting ${seconds} s, then running ${deferred.length === 1 ? 'it' : 'them'} again with the same addresses (--greylist-wait).`,
        waitMs: wait,
      },
      now,
    );
    this.afterQuit = { wait };
    return true;
  }

  private startAttempt(attempt: Attempt, now: number): void {
    this.current = attempt;
    this.go('transaction');
    const commands: Outgoing[] = [];
    if (this.needsRset) commands.push({ command: cmd.rset(), purpose: 'rset' });
    commands.push({ command: cmd.mailFrom(attempt.mailFrom), purpose: 'mail' }, { command: cmd.rcptTo(attempt.rcptTo), purpose: 'rcpt' });
    this.needsRset = false;
    this.send(commands, now, this.facts.pipelining);
  }

  /** Without PIPELINING, the next command of the transaction goes after each reply. */
  private sendNextOf(now: number): void {
    const next = this.outbox.shift();
    if (next) this.write([next], now);
  }

  private onMailReply(reply: JudgedReply, now: number): void {
    const attempt = this.current as Attempt;
    attempt.mailReply = reply;
    if (reply.code >= 200 && reply.code < 300) {
      this.needsRset = true;
      return this.sendNextOf(now);
    }
    // Refused: an un-pipelined RCPT is not sent; a pipelined one gets its (503) reply first.
    this.outbox = [];
    if (this.pending.length === 0) this.finishAttempt(now);
  }

  private onRcptReply(reply: JudgedReply, now: number): void {
    const attempt = this.current as Attempt;
    const mailOk = attempt.mailReply !== undefined && attempt.mailReply.code >= 200 && attempt.mailReply.code < 300;
    if (mailOk) attempt.rcptReply = reply;
    this.finishAttempt(now);
  }

  private finishAttempt(now: number): void {
    const attempt = this.current as Attempt;
    if (attempt.kind === 'delivery') return this.continueDelivery(now);
    const canStartTls = !this.tlsActive && !this.tlsDisabled && this.facts.starttlsOffered && this.options.tls !== 'none';
    const verdict = evaluateAttempt(attempt, this.plainSender, canStartTls);
    switch (verdict.kind) {
      case 'retry-sender':
        this.info('sender-retry', `MAIL FROM ${attempt.mailFrom} was refused; testing the same recipient with ${verdict.mailFrom}.`, now, this.eventPhase());
        this.go('ready');
        return this.startAttempt(
          {
            ...attempt,
            stage: 'retry',
            mailFrom: verdict.mailFrom,
            refusedMail: { path: attempt.mailFrom, reply: summarize(attempt.mailReply as JudgedReply) },
            mailReply: undefined,
            rcptReply: undefined,
          },
          now,
        );
      case 'needs-starttls':
        this.current = undefined;
        attempt.test.attempts--;
        this.queue.unshift(attempt.test);
        this.info('starttls-first', 'The server wants STARTTLS before mail; upgrading and running the test again.', now, 'starttls');
        this.go('ready');
        return this.sendStartTls(now);
      case 'closing':
        return; // 421 is handled by onServiceUnavailable before we get here
      case 'result':
        this.current = undefined;
        this.record(verdict.result, now);
        this.go('ready');
        return this.next(now);
    }
  }

  private record(result: VectorResult, now: number): void {
    if (this.results.has(result.key)) return;
    this.results.set(result.key, result);
    this.emit({ type: 'vector-result', result }, now);
  }

  /** Every test without a result gets one ("not-run", or "not-completed" when it was on the wire). */
  protected abortRemaining(flag: string, note: string, now: number): void {
    for (const test of this.queue.splice(0)) this.record(notRunResult(test, flag, note), now);
    if (this.current) this.requeueCurrent(flag, note, now);
    for (const test of this.queue.splice(0)) this.record(notRunResult(test, flag, note), now);
  }

  // ---- delivery stage (opt-in) ------------------------------------------------------------

  private startDelivery(now: number): void {
    const accepted = [...this.results.values()].find((r) => r.weight === 'strong' && r.outcome === 'accepted') as VectorResult;
    const test = this.plan?.find((t) => t.key === accepted.key) as PlannedTest;
    const to = this.options.to;
    const rcptTo = to
      ? test.vector.rcptTo
          .replace(/\{r\}/g, to.localPart)
          .replace(/\{ext\}/g, to.domain)
          .replace(/\{T\}/g, test.localName ?? '')
          .replace(/\{IP\}/g, addressLiteral(this.target.address, this.target.family))
      : accepted.rcptTo;
    this.deliveryDone = true;
    if (!fitsCommandLine(accepted.mailFrom, rcptTo)) {
      this.info('delivery', `The test message was not sent: RCPT TO:${rcptTo} would exceed 512 octets.`, now, 'delivery');
      this.delivery = { vector: accepted.key, mailFrom: accepted.mailFrom, rcptTo, outcome: 'not-completed' };
      this.emit({ type: 'delivery', result: this.delivery }, now);
      return this.next(now);
    }
    this.info('delivery', `Sending one test message through ${accepted.key} to ${rcptTo} (--send-message).`, now, 'delivery');
    this.startAttempt({ test, kind: 'delivery', mailFrom: accepted.mailFrom, rcptTo, stage: 'main' }, now);
  }

  private continueDelivery(now: number): void {
    const attempt = this.current as Attempt;
    const mailOk = attempt.mailReply && attempt.mailReply.code >= 200 && attempt.mailReply.code < 300;
    const rcptOk = attempt.rcptReply && attempt.rcptReply.code >= 200 && attempt.rcptReply.code < 300;
    if (!mailOk || !rcptOk) return this.endDelivery('recipient-refused', attempt.rcptReply ?? attempt.mailReply, now);
    this.go('data');
    this.send([{ command: cmd.data(), purpose: 'data' }], now, false);
  }

  private onDataReply(reply: JudgedReply, now: number): void {
    if (reply.code !== 354) return this.endDelivery('refused-at-data', reply, now);
    const attempt = this.current as Attempt;
    const lines = testMessageLines({
      runId: this.options.runId,
      token: this.options.token,
      helo: this.options.helo,
      mailFrom: attempt.mailFrom,
      rcptTo: attempt.rcptTo,
      vector: attempt.test.key,
      server: this.target.address,
      epochMs: this.options.wallClockStart + this.transcript.elapsed(now),
    });
    const body = cmd.messageLines(lines);
    this.go('message');
    // The whole message goes in one write; only the final "." is answered (RFC 5321 §4.1.1.4).
    const vector = attempt.test.key;
    for (const line of body) this.emit({ type: 'command', phase: 'delivery', tls: this.tlsActive, text: line.line, vector }, now);
    this.pending.push({ purpose: 'message', sentAt: now, vector });
    this.out.push({ type: 'write', data: body.map(cmd.toWire).join('') });
    this.setTimer('reply', this.options.replyTimeoutMs);
  }

  private onMessageReply(reply: JudgedReply, now: number): void {
    this.endDelivery(reply.code >= 200 && reply.code < 300 ? 'accepted' : 'refused-at-end', reply, now);
  }

  private endDelivery(outcome: DeliveryResult['outcome'], reply: JudgedReply | undefined, now: number): void {
    const attempt = this.current as Attempt;
    const queueId = outcome === 'accepted' && reply ? queueIdFrom(reply.text) : undefined;
    this.delivery = {
      vector: attempt.test.key,
      mailFrom: attempt.mailFrom,
      rcptTo: attempt.rcptTo,
      outcome,
      ...(reply ? { reply: summarize(reply) } : {}),
      ...(queueId ? { queueId } : {}),
    };
    this.emit({ type: 'delivery', result: this.delivery }, now);
    this.current = undefined;
    this.needsRset = outcome !== 'accepted';
    this.go('ready');
    this.next(now);
  }

  protected finish(now: number): void {
    if (this.phase === 'done') return;
    this.dropConnection();
    this.abortRemaining('not-run', 'The probe ended before this test ran.', now);
    if (this.failure === undefined && !this.plan) {
      this.failure = { verdict: 'inconclusive', reason: 'connection-lost', text: 'The session ended before the relay tests began.' };
    }
    const vectors = this.plan?.map((t) => this.results.get(t.key)).filter((r): r is VectorResult => r !== undefined) ?? [];
    this.verdict = decideVerdict({
      vectors,
      delivery: this.delivery,
      failure: this.plan ? undefined : this.failure,
      internalVantage: this.internalVantage,
      testDomain: this.options.testDomain,
      helo: this.options.helo,
      tlsProblems: this.facts.tls ? tlsProblems(this.facts.tls) : [],
    });
    this.info('closed', `Done: ${this.connections} connection${this.connections === 1 ? '' : 's'}, ${vectors.length} tests.`, now, 'done');
    this.emit({ type: 'session', phase: 'done', facts: this.sessionFacts() }, now);
    this.emit({ type: 'verdict', verdict: this.verdict }, now);
    this.clearTimer('probe');
    this.clearTimer('greylist');
    this.go('done');
    this.out.push({ type: 'finish' });
  }
}
