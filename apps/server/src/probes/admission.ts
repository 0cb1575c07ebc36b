// Admission (SECURITY.md §4, "Abuse of the service itself"): whether a probe may be accepted,
// decided after its input and addresses were checked and before its row is committed. In order:
// the server is not shutting down; its target (checked addresses and port, target-limits.ts) is
// not being probed now nor was probed too often this hour; the service has room (running plus
// waiting probes below maxConcurrent + maxQueue). The client's own limit is the route's
// (@fastify/rate-limit on POST /api/v1/probes, keyed by IP), so it applies before any DNS.
//
// Invariant: an admitted probe holds a place and its target from admit() until release();
// release is idempotent, so every way out of a probe may call it.
import type { ApiErrorCode } from '@relayprobe/contracts';
import type { Prepared } from '@relayprobe/probe';
import { TargetLimits } from './target-limits.js';

/** Why a probe was not accepted, as the API answers it. */
export interface Refusal {
  ok: false;
  status: number;
  code: ApiErrorCode;
  message: string;
  field?: string;
}

/** An admitted probe's hold on a place and on its targets (TargetLimits keys); give it back with release(). */
export interface Admitted {
  readonly id: string;
  readonly targetKeys: readonly string[];
}

/** A claim on one more target, made while an admitted probe runs (a server found after its admission). */
export type TargetClaim = { ok: true; release: () => void } | { ok: false; code: 'server-busy' | 'server-rate-limited'; text: string };

export interface AdmissionOptions {
  /** Probes held at once, running or waiting (maxConcurrent + maxQueue). */
  capacity: number;
  /** Probes of one target per hour. */
  targetHourlyLimit: number;
  /** Link to a result, as shown in refusals. */
  linkTo: (id: string) => string;
  /** Clock of the hourly limit (tests). */
  now?: () => number;
}

const SHUTTING_DOWN: Refusal = { ok: false, status: 503, code: 'shutting-down', message: 'The server is shutting down; try again in a moment.' };

/** The limits every new probe passes before its row is committed. */
export class Admission {
  readonly #options: AdmissionOptions;
  readonly #targets: TargetLimits;
  readonly #held = new Set<Admitted>();
  #closed = false;

  constructor(options: AdmissionOptions) {
    this.#options = options;
    this.#targets = new TargetLimits(options.targetHourlyLimit, options.now);
  }

  /** True once close() was called: nothing is admitted any more. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Probes admitted and not yet released. */
  get held(): number {
    return this.#held.size;
  }

  /** Refuse every probe from now on (shutdown). */
  close(): void {
    this.#closed = true;
  }

  /** The refusal while the server shuts down; undefined while it admits probes. */
  refusalWhenClosed(): Refusal | undefined {
    return this.#closed ? SHUTTING_DOWN : undefined;
  }

  /** Admit probe `id` of its target keys (TargetLimits.keysOf; one key or several), or say why not. */
  admit(id: string, targetKeys: string | readonly string[]): { ok: true; admitted: Admitted } | Refusal {
    if (this.#closed) return SHUTTING_DOWN;
    const keys = typeof targetKeys === 'string' ? [targetKeys] : [...new Set(targetKeys)];
    for (const key of keys) {
      const limited = this.#targets.check(key);
      if (!limited) continue;
      const link = this.#options.linkTo(limited.id);
      return limited.kind === 'busy'
        ? { ok: false, status: 429, code: 'target-busy', message: `A probe of this server is already running: watch it at ${link}` }
        : { ok: false, status: 429, code: 'target-rate-limited', message: `This server was probed ${this.#options.targetHourlyLimit} times in the last hour; see the latest result at ${link}` };
    }
    if (this.#held.size >= this.#options.capacity) {
      return { ok: false, status: 503, code: 'queue-full', message: 'Too many probes are waiting; try again in a minute.' };
    }
    for (const key of keys) this.#targets.started(key, id);
    const admitted: Admitted = { id, targetKeys: keys };
    this.#held.add(admitted);
    return { ok: true, admitted };
  }

  /** While `admitted` runs: hold one more target (a server its late resolution found), or say why not; release it when its session ends. */
  claim(admitted: Admitted, key: string): TargetClaim {
    if (!this.#held.has(admitted)) return { ok: false, code: 'server-busy', text: 'the probe is no longer admitted' };
    const limited = this.#targets.check(key);
    if (limited) {
      const link = this.#options.linkTo(limited.id);
      return limited.kind === 'busy'
        ? { ok: false, code: 'server-busy', text: `another probe of this server is running on this service: see ${link}` }
        : { ok: false, code: 'server-rate-limited', text: `this server was probed ${this.#options.targetHourlyLimit} times in the last hour on this service: see ${link}` };
    }
    this.#targets.started(key, admitted.id);
    return { ok: true, release: () => this.#targets.finished(key, admitted.id) };
  }

  /** The probe is over (or its row could not be committed): free its place and its targets. */
  release(admitted: Admitted): void {
    if (!this.#held.delete(admitted)) return;
    for (const key of admitted.targetKeys) this.#targets.finished(key, admitted.id);
  }
}

/** The refusal of a probe whose input or addresses failed the checks: 403 for the address policy and ports, else 400. */
export function preparationRefusal(failed: Extract<Prepared, { ok: false }>): Refusal {
  const status = failed.code === 'address-refused' || failed.code === 'port-not-allowed' ? 403 : 400;
  return { ok: false, status, code: failed.code as ApiErrorCode, message: failed.message, ...(failed.field ? { field: failed.field } : {}) };
}
