// The suite: the plan of tests, what a ready session runs next, how each finished transaction
// becomes a result, the delivery stage, and the verdict. It never sees the wire: the connection
// (smtp-connection.ts) asks it what to do and carries out the step it returns.
//
// Invariant: every planned test ends with exactly one result, "not-run" included.
import { tlsProblems, type DeliveryResult, type SessionFacts, type TlsDetails, type VectorResult, type Verdict } from '@relayprobe/contracts';
import type { EngineOptions, EngineTarget } from './engine-io.js';
import type { EngineOutput } from './engine-output.js';
import { evaluateAttempt, notCompletedResult, type Attempt } from './attempt.js';
import { DeliveryStage, type DeliveryStep } from './delivery-stage.js';
import { greylisted, greylistWaitMs } from './greylist.js';
import { addressLiteral } from './relay-vectors.js';
import type { JudgedReply } from './reply-judge.js';
import type { CauseFlag } from './session-end.js';
import { attemptPhase, type QuitThen } from './session-state.js';
import { fitsCommandLine } from './smtp-commands.js';
import { buildPlan, notRunResult, type PlannedTest } from './test-plan.js';
import { mailAccepted } from './test-transactions.js';
import { decideVerdict, type SessionFailure } from './verdict.js';

/** What the suite needs to know of the session it runs on. */
export interface SessionContext {
  target: EngineTarget;
  /** Refused commands on this connection so far. */
  refusals: number;
  /** Whether STARTTLS could still be had on this connection. */
  canStartTls: boolean;
}

/** What a ready session does next. */
export type SuiteStep = { do: 'attempt'; attempt: Attempt } | { do: 'starttls' } | { do: 'quit'; then: QuitThen };

/** After the replies of an attempt: the delivery's DATA or message, or the attempt is over and `next` follows. */
export type AttemptStep = Exclude<DeliveryStep, { do: 'ended' }> | { do: 'ended'; needsRset: boolean; next: SuiteStep };

/** What the verdict rests on besides the results. */
export interface Conclusion {
  failure: SessionFailure | undefined;
  internalVantage: boolean;
  tls: TlsDetails | null;
  connections: number;
  facts: SessionFacts;
}

export class SuiteRunner {
  private plan: PlannedTest[] | undefined;
  private queue: PlannedTest[] = [];
  private readonly results = new Map<string, VectorResult>();
  private readonly delivery: DeliveryStage;
  private readonly plainSender: string;
  /** Once-only retries, in the order the end of the plan tries them (see next()). */
  private readonly retried = { controls: false, greylisted: false };
  private verdict: Verdict | undefined;

  constructor(
    private readonly options: EngineOptions,
    private readonly out: EngineOutput,
  ) {
    this.plainSender = `<relayprobe-${options.token}@${options.testDomain}>`;
    this.delivery = new DeliveryStage(options, out);
  }

  /** Whether the tests have begun (the plan exists). */
  get testsBegun(): boolean {
    return this.plan !== undefined;
  }

  /** How many tests have a result (to notice reconnects that settle nothing). */
  get settled(): number {
    return this.results.size;
  }

  /** Whether tests, or the delivery stage, remain. */
  get workRemains(): boolean {
    return this.queue.length > 0 || this.delivery.wanted(this.results.values());
  }

  /** A session is ready: on the first, plan the tests for the server's local names. */
  ready(session: SessionContext, localNames: readonly string[], now: number): SuiteStep {
    if (!this.plan) {
      const { token, testDomain, suite } = this.options;
      const values = {
        x: `relayprobe-${token}`,
        r: `relayprobe-${token}`,
        ext: testDomain,
        IP: addressLiteral(session.target.address, session.target.family),
        invalid: `nonexistent-${token}.invalid`,
      };
      this.plan = buildPlan({ suite, values, localNames });
      this.queue = [...this.plan];
      this.out.info('plan', `Running ${this.plan.length} tests (${suite} suite)${localNames.length ? `; local names: ${localNames.join(', ')}` : '; no local host name known'}.`, now, 'ehlo');
    }
    return this.next(session, now);
  }

  /** MAIL and RCPT of an attempt are answered: judge it, or go on with the delivery. */
  answered(attempt: Attempt, session: SessionContext, now: number): AttemptStep {
    if (attempt.kind === 'delivery') return this.afterDelivery(this.delivery.afterTransaction(attempt, now), session, now);
    const judged = evaluateAttempt(attempt, this.plainSender, session.canStartTls);
    switch (judged.kind) {
      case 'retry-sender':
        // MAIL was refused, so nothing is open: the retry needs no RSET.
        this.out.info('sender-retry', `MAIL FROM ${attempt.mailFrom} was refused; testing the same recipient with ${judged.retry.mailFrom}.`, now, attemptPhase(attempt));
        return { do: 'ended', needsRset: false, next: { do: 'attempt', attempt: judged.retry } };
      case 'needs-starttls':
        attempt.test.attempts--;
        this.queue.unshift(attempt.test);
        this.out.info('starttls-first', 'The server wants STARTTLS before mail; upgrading and running the test again.', now, 'starttls');
        return { do: 'ended', needsRset: mailAccepted(attempt), next: { do: 'starttls' } };
      case 'closing':
        throw new Error('engine bug: a 421 reached the judge'); // the connection ends the session on any 421 first
      case 'result':
        this.record(judged.result, now);
        return { do: 'ended', needsRset: mailAccepted(attempt), next: this.next(session, now) };
    }
  }

  /** The reply to the delivery's DATA or message. */
  deliveryReply(attempt: Attempt, purpose: 'data' | 'message', reply: JudgedReply, session: SessionContext, now: number): AttemptStep {
    return this.afterDelivery(this.delivery.onReply(attempt, purpose, reply, session.target, now), session, now);
  }

  /** The connection went with this attempt on the wire: its test goes back in the queue once, else is not completed. */
  requeue(attempt: Attempt | undefined, flag: CauseFlag, why: string, now: number): void {
    if (!attempt) return;
    if (attempt.kind === 'delivery') return this.delivery.lost(attempt, now);
    if (attempt.test.attempts < 2) this.queue.unshift(attempt.test);
    else this.record(notCompletedResult(attempt, flag, why), now);
  }

  /** Every test without a result gets one: not-run, with this flag and note. */
  abortRemaining(flag: CauseFlag, note: string, now: number): void {
    for (const test of this.queue.splice(0)) this.record(notRunResult(test, flag, note), now);
  }

  /** The probe is over: the tests left (and `inFlight`, if the connection went with one) are not run; the verdict is decided, and the last events say so. */
  conclude(end: Conclusion, inFlight: Attempt | undefined, now: number): void {
    const note = 'The probe ended before this test ran.';
    this.abortRemaining('not-run', note, now);
    if (inFlight) {
      this.requeue(inFlight, 'not-run', note, now);
      this.abortRemaining('not-run', note, now);
    }
    const failure = this.plan ? undefined : (end.failure ?? { verdict: 'inconclusive', reason: 'connection-lost', text: 'The session ended before the relay tests began.' });
    const vectors = this.vectors();
    this.verdict = decideVerdict({
      vectors,
      delivery: this.delivery.result,
      failure,
      internalVantage: end.internalVantage,
      testDomain: this.options.testDomain,
      helo: this.options.helo,
      tlsProblems: end.tls ? tlsProblems(end.tls) : [],
    });
    this.out.info('closed', `Done: ${end.connections} connection${end.connections === 1 ? '' : 's'}, ${vectors.length} tests.`, now, 'done');
    this.out.emit({ type: 'session', phase: 'done', facts: end.facts }, now);
    this.out.emit({ type: 'verdict', verdict: this.verdict }, now);
  }

  /** The results in plan order, the delivery and the verdict; only once concluded. */
  outcome(): { vectors: VectorResult[]; delivery: DeliveryResult | undefined; verdict: Verdict } {
    if (!this.verdict) throw new Error('engine bug: result() before the probe finished');
    return { vectors: this.vectors(), delivery: this.delivery.result, verdict: this.verdict };
  }

  private vectors(): VectorResult[] {
    return this.plan?.map((t) => this.results.get(t.key)).filter((r): r is VectorResult => r !== undefined) ?? [];
  }

  private afterDelivery(step: DeliveryStep, session: SessionContext, now: number): AttemptStep {
    return step.do === 'ended' ? { ...step, next: this.next(session, now) } : step;
  }

  /** What a ready session runs next: the delivery when due, the next test, the end-of-plan retries, or QUIT. */
  private next(session: SessionContext, now: number): SuiteStep {
    if (this.delivery.wanted(this.results.values())) {
      const accepted = [...this.results.values()].find((r) => r.weight === 'strong' && r.outcome === 'accepted') as VectorResult;
      const attempt = this.delivery.start(accepted, this.planned(accepted.key), session.target, now);
      return attempt ? { do: 'attempt', attempt } : this.next(session, now);
    }
    if (this.queue.length === 0) this.retryControlsWithAcceptedSender(now);
    if (this.queue.length === 0) {
      const wait = this.scheduleGreylistRetry(now);
      if (wait !== undefined) return { do: 'quit', then: { greylistWaitMs: wait } };
    }
    const test = this.queue.shift();
    if (!test) return { do: 'quit', then: 'finish' };
    if (test.mailFrom === undefined || test.rcptTo === undefined) {
      this.record(notRunResult(test, 'no-local-name', 'No host name of the server is known, so this form could not be built.'), now);
      return this.next(session, now);
    }
    if (!fitsCommandLine(test.mailFrom, test.rcptTo)) {
      this.record(notRunResult(test, 'too-long', "With this server's name the command would exceed 512 octets (RFC 5321 §4.5.3.1.4), so it was not sent."), now);
      return this.next(session, now);
    }
    if (session.refusals >= (this.options.errorsBeforeReconnect ?? 8)) {
      // Postfix sleeps after 10 errors and disconnects after 20 (smtpd_soft/hard_error_limit).
      this.queue.unshift(test);
      this.out.info('reconnect', `Reconnecting before the server's error limit (${session.refusals} refusals on this connection).`, now, 'quit');
      return { do: 'quit', then: 'reconnect' };
    }
    test.attempts++;
    const index = (this.plan?.indexOf(test) ?? 0) + 1;
    this.out.emit({ type: 'vector-start', vector: test.key, name: test.vector.name, index, total: this.plan?.length ?? index }, now);
    return { do: 'attempt', attempt: { test, kind: 'vector', mailFrom: test.mailFrom, rcptTo: test.rcptTo, stage: 'main' } };
  }

  private planned(key: string): PlannedTest {
    const test = this.plan?.find((t) => t.key === key);
    if (!test) throw new Error(`engine bug: ${key} is not in the plan`);
    return test;
  }

  private record(result: VectorResult, now: number): void {
    if (this.results.has(result.key)) return;
    this.results.set(result.key, result);
    this.out.emit({ type: 'vector-result', result }, now);
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
    if (this.retried.controls) return;
    const accepted = [...this.results.values()].find((r) => r.weight === 'strong' && r.outcome === 'accepted' && r.mailFrom !== this.plainSender);
    const refused = ['C1', 'C2'].map((id) => this.results.get(id)).filter((r): r is VectorResult => r !== undefined && r.outcome !== 'accepted' && r.flags.includes('sender-domain-refused'));
    if (!accepted || refused.length === 0 || !refused.some((r) => r.id === 'C2')) return;
    this.retried.controls = true;
    this.runAgain(refused, (test) => (test.mailFrom = accepted.mailFrom));
    this.out.info(
      'control-retry',
      `The server refused our sender's domain for the controls but accepted ${accepted.key} with the sender ${accepted.mailFrom}; running ${refused.map((r) => r.key).join(' and ')} again with that sender.`,
      now,
      'control',
    );
  }

  /**
   * Once the plan is done: when a greylister deferred some tests, put them back in the queue and
   * say how long we wait; the session QUITs and the 'greylist' timer reconnects. Once only.
   * Returns the wait, or undefined when there is no retry to make.
   */
  private scheduleGreylistRetry(now: number): number | undefined {
    const bound = this.options.greylistWaitMs ?? 0;
    if (this.retried.greylisted || bound <= 0) return undefined;
    const deferred = greylisted(this.results.values());
    if (deferred.length === 0) return undefined;
    this.retried.greylisted = true;
    const wait = greylistWaitMs(deferred, bound);
    this.runAgain(deferred);
    const seconds = Math.round(wait / 1000);
    const them = deferred.length === 1 ? 'it' : 'them';
    const text = `The server greylisted ${deferred.length} test${deferred.length === 1 ? '' : 's'} (${deferred[0]?.reply?.code ?? 450} ${deferred[0]?.reply?.text ?? ''}). Waiting ${seconds} s, then running ${them} again with the same addresses (--greylist-wait).`;
    this.out.emit({ type: 'info', phase: 'vector', code: 'greylist-wait', text, waitMs: wait }, now);
    return wait;
  }
}
