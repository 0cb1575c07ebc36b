// The probe: feed it inputs (engine-io.ts), carry out the actions it returns. It composes the
// connection lifecycle (smtp-connection.ts), which owns the session's state (session-state.ts),
// and the suite runner (suite-runner.ts: the plan, the delivery stage, the verdict), which the
// connection consults; both append to one output (engine-output.ts). No I/O (HOUSE-STYLE rule 1).
import type { DeliveryResult, SessionFacts, VectorResult, Verdict } from '@relayprobe/contracts';
import type { EngineAction, EngineInput, EngineOptions } from './engine-io.js';
import { EngineOutput } from './engine-output.js';
import { SmtpConnection } from './smtp-connection.js';
import { SuiteRunner } from './suite-runner.js';
import type { Transcript } from './transcript.js';

/** What the engine knows at the end. */
export interface EngineResult {
  vectors: VectorResult[];
  delivery?: DeliveryResult | undefined;
  verdict: Verdict;
  session: SessionFacts;
}

export class ProbeSession {
  private readonly out: EngineOutput;
  private readonly runner: SuiteRunner;
  private readonly connection: SmtpConnection;

  constructor(
    options: EngineOptions,
    readonly transcript: Transcript,
  ) {
    this.out = new EngineOutput(transcript);
    this.runner = new SuiteRunner(options, this.out);
    this.connection = new SmtpConnection(options, this.out, this.runner);
  }

  /** Start the probe at monotonic time `now`. */
  start(now: number): EngineAction[] {
    this.connection.start(now);
    return this.out.take();
  }

  /** Feed one input; returns the actions to carry out, in order. */
  handle(input: EngineInput): EngineAction[] {
    this.connection.handle(input);
    return this.out.take();
  }

  get finished(): boolean {
    return this.connection.finished;
  }

  /** The final result; only valid once finished. */
  result(): EngineResult {
    return { ...this.runner.outcome(), session: this.connection.facts() };
  }
}
