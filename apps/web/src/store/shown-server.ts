// Which server of a domain test the page shows, and that server's events and view (issue 9).
// A single-server result shows itself: `shown` is then the result's own events and view (the very
// same objects, so nothing re-renders that did not before). In a domain test the page shows the
// server the link or a click chose (`?server=N`); without a choice, the first server still being
// tested while the test runs (the live one) and, once it is over, the server its verdict names
// first (the worst). The views are the contracts' fold: each server's own, from `view.servers`.
//
// Invariant: `shown.events` are exactly the events merged so far whose `server` is
// `shown.server`, in seq order; appending keeps the old array's items (incremental).
import { EMPTY_RESULT_VIEW, type ProbeEvent, type ProbeStatus, type ResultView } from '@relayprobe/contracts';

/** What the page's evidence, transcript, timeline and session facts show. */
export interface ShownServer {
  /** The server's number in a domain test; undefined for a single-server result. */
  server: number | undefined;
  events: readonly ProbeEvent[];
  view: ResultView;
}

/** The state shownServer reads. */
export interface ShownInputs {
  events: readonly ProbeEvent[];
  view: ResultView;
  status: ProbeStatus | undefined;
  /** The server the link or a click chose. */
  selectedServer: number | undefined;
  shown: ShownServer;
}

/** The server to show when none was chosen. */
function defaultServer(view: ResultView, status: ProbeStatus | undefined): number | undefined {
  const servers = view.servers;
  if (!servers || servers.length === 0) return undefined;
  if (status === 'running' || view.verdict === undefined) return (servers.find((s) => s.status === 'running') ?? servers.find((s) => s.status === 'waiting') ?? servers[0])?.plan.server;
  return view.verdict.reasons.find((r) => r.server !== undefined)?.server ?? servers[0]?.plan.server;
}

/** The shown server after a change; `appended` are events just merged (for the incremental path). */
export function shownServer(state: ShownInputs, appended: readonly ProbeEvent[] = []): ShownServer {
  if (!state.view.servers) return state.shown.events === state.events && state.shown.view === state.view ? state.shown : { server: undefined, events: state.events, view: state.view };
  const server = state.selectedServer ?? defaultServer(state.view, state.status);
  const view = state.view.servers.find((s) => s.plan.server === server)?.view ?? EMPTY_RESULT_VIEW;
  const previous = state.shown;
  if (previous.server === server && server !== undefined) {
    const more = appended.filter((e) => e.server === server);
    if (more.length === 0 && view === previous.view) return previous;
    return { server, events: more.length === 0 ? previous.events : [...previous.events, ...more], view };
  }
  return { server, events: state.events.filter((e) => e.server !== undefined && e.server === server), view };
}
