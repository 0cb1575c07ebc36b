// A domain test's servers at the top of the result page (issue 9): one row per server with its
// verdict badge, live while the test runs; a row is a link that selects the server whose
// evidence, transcript and timeline the page shows (`/r/:id?server=N`, the share link too).
import type { MouseEvent } from 'react';
import { resultPath } from '../../../router/routes.js';
import { app, useApp } from '../../../store/use-app.js';
import type { AppState } from '../../../store/app-state.js';
import { serverRow } from './server-rows.js';
import './servers-summary.css';

const selectServers = (s: AppState) => s.result.view.servers;
const selectShown = (s: AppState) => s.result.shown.server;

/** The servers summary of result `id`; nothing for a single-server result. */
export function ServersSummary({ id }: { id: string }) {
  const servers = useApp(selectServers);
  const shown = useApp(selectShown);
  if (!servers) return null;
  const rows = servers.map(serverRow);
  const current = rows.find((r) => r.server === shown);
  const select = (event: MouseEvent<HTMLAnchorElement>, server: number) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    // The address bar becomes the share link of this server; no history entry per click.
    history.replaceState(null, '', resultPath(id, server));
    app().selectServer(server);
  };
  return (
    <section className="panel servers" aria-labelledby="servers-title">
      <h2 id="servers-title">Servers ({rows.length})</h2>
      <ol className="server-list">
        {rows.map((row) => (
          <li key={row.server}>
            <a href={resultPath(id, row.server)} onClick={(event) => select(event, row.server)} aria-current={row.server === shown ? 'true' : undefined}>
              <span className={`badge tone-${row.badge.tone}`}>{row.badge.label}</span>
              <span className="visually-hidden">:</span> <span className="server-name">{row.name}</span> <span className="server-mx">MX {row.preference}</span>
              <span className="server-detail">{row.detail}</span>
            </a>
          </li>
        ))}
      </ol>
      {current && (
        <p className="server-shown" aria-live="polite">
          Below: server {current.server}, {current.name}.
        </p>
      )}
    </section>
  );
}
