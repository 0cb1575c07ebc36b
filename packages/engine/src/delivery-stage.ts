// The opt-in delivery stage (--send-message, RELAY-TESTS.md §3, last rule): once a strong vector
// was accepted, one test message through that same trick, to the user's address when given
// (--to), then DATA, the message, and what the server said at the end of it. At most once a probe.
import type { DeliveryResult, Phase as EventPhase, VectorResult } from '@relayprobe/contracts';
import type { EngineOptions, EngineTarget } from './engine-io.js';
import type { EngineOutput } from './engine-output.js';
import { summarize, type Attempt } from './attempt.js';
import { queueIdFrom, testMessageLines } from './delivery-message.js';
import { addressLiteral } from './relay-vectors.js';
import type { JudgedReply } from './reply-judge.js';
import * as cmd from './smtp-commands.js';
import type { PlannedTest } from './test-plan.js';

const ok = (reply: JudgedReply | undefined) => reply !== undefined && reply.code >= 200 && reply.code < 300;
const PHASE: EventPhase = 'delivery';

/** The stage: not started, its message on the wire, or over with its result. */
type Stage = { state: 'not-started' } | { state: 'sending' } | { state: 'done'; result: DeliveryResult };

/** After a reply of the delivery: DATA, the message, or the end (the result is recorded). */
export type DeliveryStep = { do: 'data' } | { do: 'message'; body: cmd.SmtpCommand[] } | { do: 'ended'; needsRset: boolean };

export class DeliveryStage {
  private stage: Stage = { state: 'not-started' };

  constructor(
    private readonly options: EngineOptions,
    private readonly out: EngineOutput,
  ) {}

  get result(): DeliveryResult | undefined {
    return this.stage.state === 'done' ? this.stage.result : undefined;
  }

  /** Whether the stage should start now: asked for, not started, and a strong vector accepted. */
  wanted(results: Iterable<VectorResult>): boolean {
    return this.options.sendMessage && this.stage.state === 'not-started' && [...results].some((r) => r.weight === 'strong' && r.outcome === 'accepted');
  }

  /** Start it through the first accepted strong vector: the attempt to run, or undefined when the command would not fit (the result is recorded). */
  start(accepted: VectorResult, test: PlannedTest, target: EngineTarget, now: number): Attempt | undefined {
    const to = this.options.to;
    const rcptTo = to
      ? test.vector.rcptTo
          .replace(/\{r\}/g, to.localPart)
          .replace(/\{ext\}/g, to.domain)
          .replace(/\{T\}/g, test.localName ?? '')
          .replace(/\{IP\}/g, addressLiteral(target.address, target.family))
      : accepted.rcptTo;
    this.stage = { state: 'sending' };
    if (!cmd.fitsCommandLine(accepted.mailFrom, rcptTo)) {
      this.out.info('delivery', `The test message was not sent: RCPT TO:${rcptTo} would exceed 512 octets.`, now, PHASE);
      this.finish({ vector: accepted.key, mailFrom: accepted.mailFrom, rcptTo, outcome: 'not-completed' }, now);
      return undefined;
    }
    this.out.info('delivery', `Sending one test message through ${accepted.key} to ${rcptTo} (--send-message).`, now, PHASE);
    return { test, kind: 'delivery', mailFrom: accepted.mailFrom, rcptTo, stage: 'main' };
  }

  /** MAIL and RCPT are answered: DATA when both were accepted. */
  afterTransaction(attempt: Attempt, now: number): DeliveryStep {
    if (!ok(attempt.mailReply) || !ok(attempt.rcptReply)) return this.end(attempt, 'recipient-refused', attempt.rcptReply ?? attempt.mailReply, now);
    return { do: 'data' };
  }

  /** The reply to DATA (354: the message follows) or to the message's final ".". */
  onReply(attempt: Attempt, purpose: 'data' | 'message', reply: JudgedReply, target: EngineTarget, now: number): DeliveryStep {
    if (purpose === 'message') return this.end(attempt, ok(reply) ? 'accepted' : 'refused-at-end', reply, now);
    if (reply.code !== 354) return this.end(attempt, 'refused-at-data', reply, now);
    const lines = testMessageLines({
      runId: this.options.runId,
      token: this.options.token,
      helo: this.options.helo,
      mailFrom: attempt.mailFrom,
      rcptTo: attempt.rcptTo,
      vector: attempt.test.key,
      server: target.address,
      epochMs: this.options.wallClockStart + this.out.transcript.elapsed(now),
    });
    return { do: 'message', body: cmd.messageLines(lines) };
  }

  /** The connection went while the message was on the wire: it was not completed. */
  lost(attempt: Attempt, now: number): void {
    this.finish({ vector: attempt.test.key, mailFrom: attempt.mailFrom, rcptTo: attempt.rcptTo, outcome: 'not-completed' }, now);
  }

  private end(attempt: Attempt, outcome: DeliveryResult['outcome'], reply: JudgedReply | undefined, now: number): DeliveryStep {
    const queueId = outcome === 'accepted' && reply ? queueIdFrom(reply.text) : undefined;
    this.finish({ vector: attempt.test.key, mailFrom: attempt.mailFrom, rcptTo: attempt.rcptTo, outcome, ...(reply ? { reply: summarize(reply) } : {}), ...(queueId ? { queueId } : {}) }, now);
    // A message accepted at its end closed the transaction; any other end leaves one to RSET.
    return { do: 'ended', needsRset: outcome !== 'accepted' };
  }

  private finish(result: DeliveryResult, now: number): void {
    this.stage = { state: 'done', result };
    this.out.emit({ type: 'delivery', result }, now);
  }
}
