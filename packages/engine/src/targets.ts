// Which address the probe talks to, and how many connections it may still open. The adapter
// resolved and checked the addresses (MX by preference); before any of them gives an SMTP
// session, a failure moves on to the next; once one has, the probe stays with it and reconnects
// there. Every connection counts against the budget, the implicit TLS check's included, and
// reconnects that settle no test stop the probe (the server will not let the suite finish).
import type { ReasonCode } from '@relayprobe/contracts';
import type { EngineOptions, EngineTarget } from './engine-io.js';
import type { CauseFlag } from './session-end.js';
import type { SessionFailure } from './verdict.js';

/** Connections allowed in all (reconnects included) when the options do not say. */
const DEFAULT_MAX_CONNECTIONS = 12;
/** Reconnects in a row that settle no test before the probe gives up. */
const MAX_STALLS = 3;

/** Why no further connection is opened: the error's text, and the flag and note of the tests left. */
export interface NoConnection {
  text: string;
  flag: CauseFlag;
  note: string;
}

export class Targets {
  /** Connections opened so far (see opened). */
  private count = 0;
  /** Some address gave an SMTP session: reconnect to it rather than try the next. */
  private established = false;
  private index = 0;
  private stalls = 0;
  private settledAtConnect = 0;
  /** A connection to port 25 timed out (the only case where "port 25 is blocked" is advice). */
  port25TimedOut = false;

  constructor(private readonly options: EngineOptions) {
    if (options.targets.length === 0) throw new Error('engine bug: no targets');
  }

  /** Connections opened so far (the implicit TLS check's included). */
  get opened(): number {
    return this.count;
  }

  /** The address in use. */
  get current(): EngineTarget {
    const target = this.options.targets[this.index];
    if (!target) throw new Error('engine bug: no targets');
    return target;
  }

  /** Whether some address has given an SMTP session. */
  get hasSession(): boolean {
    return this.established;
  }

  /** Whether a failure before any session can still move on to another address. */
  get hasNext(): boolean {
    return !this.established && this.index + 1 < this.options.targets.length;
  }

  /** The current address gave an SMTP session; returns true the first time. */
  establish(): boolean {
    const first = !this.established;
    this.established = true;
    return first;
  }

  /** Move on to the next address (only while hasNext). */
  advance(): void {
    if (!this.hasNext) throw new Error('engine bug: no next address');
    this.index++;
  }

  /** A connection may be opened: count it, or say why not (`settled`: tests with a result so far). */
  open(settled: number): NoConnection | undefined {
    if (this.count >= this.max) {
      return { text: `Opened ${this.count} connections, the per-probe budget; the remaining tests were not run.`, flag: 'not-run', note: 'The connection budget ran out.' };
    }
    if (this.established) {
      this.stalls = settled === this.settledAtConnect ? this.stalls + 1 : 0;
      this.settledAtConnect = settled;
      if (this.stalls >= MAX_STALLS) {
        return {
          text: 'Three reconnects in a row produced no answer; the remaining tests were not run.',
          flag: 'connection-lost',
          note: 'Reconnecting did not help: the server kept ending the session.',
        };
      }
    }
    this.count++;
    return undefined;
  }

  /** A second connection alongside the current one (the implicit TLS check), when the budget allows. */
  openExtra(): boolean {
    if (this.count >= this.max) return false;
    this.count++;
    return true;
  }

  /** No address gives us an SMTP service; "port 25 may be blocked" when a connection to it timed out. */
  unreachable(reason: ReasonCode, text: string): SessionFailure {
    return { verdict: 'unreachable', reason, text, ...(this.port25TimedOut ? { port25TimedOut: true } : {}) };
  }

  private get max(): number {
    return this.options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  }
}
