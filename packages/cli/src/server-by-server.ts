// A domain test's transcript on the terminal, one server after another (issue 9): two servers
// are tested at once, so their events interleave; the first unfinished server's lines are
// printed as they come, the others' are held until its turn, each after a header line. At the
// domain's verdict, a table of the servers (preference, host, address, verdict, seconds) comes
// before it. A single-server test's events carry no server and pass straight through.
//
// Invariant: every event is printed exactly once, in seq order within its server, servers in
// their number order; what the table shows is the contracts' fold of the events seen.
import { EMPTY_RESULT_VIEW, escapeForDisplay, foldEvent, type PlannedServer, type ProbeEvent, type ResultView, type ServerView } from '@relayprobe/contracts';
import type { TerminalOutput } from './terminal-output.js';

export class ServerByServer {
  private view: ResultView = EMPTY_RESULT_VIEW;
  private plan: readonly PlannedServer[] = [];
  /** Index in `plan` of the server whose lines are printed live. */
  private current = 0;
  private readonly held = new Map<number, ProbeEvent[]>();
  private readonly headed = new Set<number>();

  constructor(private readonly output: TerminalOutput) {}

  event(event: ProbeEvent): void {
    this.view = foldEvent(this.view, event);
    if (event.type === 'servers') this.plan = event.servers;
    if (event.server === undefined) {
      if (event.type === 'verdict' && this.view.servers) this.output.lines(serversTable(this.view.servers, this.view.resolution?.domain ?? ''));
      this.output.event(event);
      return;
    }
    const held = this.held.get(event.server) ?? [];
    held.push(event);
    this.held.set(event.server, held);
    this.flush();
  }

  /** Print what the current server has, and move on while servers are finished. */
  private flush(): void {
    for (;;) {
      const server = this.plan[this.current];
      if (!server) return;
      const events = this.held.get(server.server) ?? [];
      this.held.delete(server.server);
      for (const event of events) {
        if (event.type !== 'not-tested' && !this.headed.has(server.server)) {
          this.headed.add(server.server);
          this.output.lines([`=== Server ${server.server} of ${this.plan.length}: ${escapeForDisplay(server.host)} (${server.address ?? 'no address'}), MX preference ${server.preference}`]);
        }
        this.output.event(event);
      }
      const status = this.view.servers?.find((s) => s.plan.server === server.server)?.status;
      if (status !== 'done' && status !== 'not-tested') return;
      this.current += 1;
    }
  }
}

/** The servers as a table, verdicts in words. */
function serversTable(servers: readonly ServerView[], domain: string): string[] {
  const rows = servers.map((s) => [
    String(s.plan.server),
    String(s.plan.preference),
    escapeForDisplay(s.plan.host),
    s.plan.address ?? '-',
    s.view.verdict?.label ?? (s.notTested ? `not tested: ${s.notTested.code}` : s.status),
    s.startMs !== undefined && s.endMs !== undefined ? ((s.endMs - s.startMs) / 1000).toFixed(1) : '-',
  ]);
  const all = [['#', 'MX', 'host', 'address', 'verdict', 'seconds'], ...rows];
  const widths = all[0]?.map((_, i) => Math.max(...all.map((row) => row[i]?.length ?? 0))) ?? [];
  return [`=== Servers of ${escapeForDisplay(domain)}:`, ...all.map((row) => `    ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd())];
}
