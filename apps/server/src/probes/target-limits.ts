// Per-target limits (SECURITY.md §4): the same mail server at most once at a time and a few
// times an hour, so the service cannot be used to hammer one server. Limits count per address
// and port (issue 9): a probe holds every address it will connect to (each server of a domain
// test, every address of a single server), so two names for one MX, or a domain and one of its
// MX hosts, count as the same server. A probe whose name is still resolving holds its name
// until its addresses are known and claimed one by one (hooks.claimServer).
import type { PreparedProbe } from '@relayprobe/probe';

const HOUR_MS = 60 * 60 * 1000;

export class TargetLimits {
  private readonly running = new Map<string, string>();
  private readonly history = new Map<string, { at: number; id: string }[]>();

  constructor(
    private readonly perHour: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The keys of a prepared probe: each address it will connect to with the port, or its name while it has none. */
  static keysOf(probe: PreparedProbe): string[] {
    const { port, target } = probe.validated.request;
    const addresses = probe.pending
      ? []
      : probe.domain
        ? probe.domain.servers.filter((s) => s.notTested === undefined && s.address !== undefined).map((s) => s.address as string)
        : probe.resolution.addresses.filter((a) => a.allowed).map((a) => a.address);
    return addresses.length > 0 ? [...new Set(addresses)].sort().map((address) => TargetLimits.keyFor(address, port)) : [`${port} name:${target.toLowerCase()}`];
  }

  /** The key of one address and port. */
  static keyFor(address: string, port: number): string {
    return `${port} ${address}`;
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
