// Per-target limits (SECURITY.md §4): the same mail server at most once at a time and a few
// times an hour, so the service cannot be used to hammer one server. A target is its checked
// addresses plus the port: two names for the same MX count as one.
import type { PreparedProbe } from '@relayprobe/probe';

const HOUR_MS = 60 * 60 * 1000;

export class TargetLimits {
  private readonly running = new Map<string, string>();
  private readonly history = new Map<string, { at: number; id: string }[]>();

  constructor(private readonly perHour: number, private readonly now: () => number = Date.now) {}

  /** The key of a prepared probe: allowed addresses, sorted, and the port. */
  static keyOf(probe: PreparedProbe): string {
    const addresses = probe.resolution.addresses.filter((a) => a.allowed).map((a) => a.address).sort();
    return `${probe.validated.request.port} ${addresses.length > 0 ? addresses.join(',') : `name:${probe.validated.request.target.toLowerCase()}`}`;
  }

  /** Why a new probe of `key` must wait, with the probe to look at instead; undefined when it may start. */
  check(key: string): { kind: 'busy' | 'hourly'; id: string } | undefined {
    const running = this.running.get(key);
    if (running) return { kind: 'busy', id: running };
    const recent = this.recent(key);
    if (recent.length >= this.perHour) return { kind: 'hourly', id: (recent[recent.length - 1] as { id: string }).id };
    return undefined;
  }

  started(key: string, id: string): void {
    this.running.set(key, id);
    this.history.set(key, [...this.recent(key), { at: this.now(), id }]);
  }

  finished(key: string, id: string): void {
    if (this.running.get(key) === id) this.running.delete(key);
  }

  private recent(key: string): { at: number; id: string }[] {
    const since = this.now() - HOUR_MS;
    const kept = (this.history.get(key) ?? []).filter((h) => h.at > since);
    if (kept.length === 0) this.history.delete(key);
    else this.history.set(key, kept);
    return kept;
  }
}
