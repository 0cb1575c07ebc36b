// "Recent results": links to the latest probes with their verdicts, each badge worded and coloured
// as the result page's status line (shared/status-badge.ts). A server that wants a token to list them gets a
// note instead.
import { useEffect } from 'react';
import { listRecent } from '../../api/probes-api.js';
import { followLink } from '../../router/navigation.js';
import { resultPath } from '../../router/routes.js';
import { app, useApp } from '../../store/use-app.js';
import type { AppState } from '../../store/app-state.js';
import { loadRecent } from '../../shared/load-recent.js';
import { statusBadge } from '../../shared/status-badge.js';
import { recentDetail } from './recent-label.js';
import './recent-results.css';

const selectRecent = (s: AppState) => s.recent;

/** The recent results section of the home page. */
export function RecentResults() {
  const recent = useApp(selectRecent);
  useEffect(() => void loadRecent(app, listRecent), []);
  return (
    <section className="panel recent" aria-labelledby="recent-title">
      <h2 id="recent-title">Recent results</h2>
      {recent.state === 'loading' && <p className="hint">Loading…</p>}
      {recent.state === 'needs-token' && <p className="note">This server lists recent results only with its access token: enter it in the form above.</p>}
      {recent.state === 'failed' && <p className="note">The recent results could not be loaded: {recent.message}</p>}
      {recent.state === 'ready' && recent.items.length === 0 && <p className="hint">No results yet.</p>}
      {recent.state === 'ready' && recent.items.length > 0 && (
        <ul className="recent-list">
          {recent.items.map((item) => {
            const badge = statusBadge(item.status, item.verdict);
            return (
              <li key={item.id}>
                <a href={resultPath(item.id)} onClick={followLink}>
                  <span className={`badge tone-${badge.tone}`}>{badge.label}</span>
                  {/* The colon is for screen readers ("Open relay: mail.example.com …"); the badge shows the break. */}
                  <span className="visually-hidden">:</span> {recentDetail(item)}
                </a>
                <time dateTime={item.createdAt}>{new Date(item.createdAt).toLocaleString()}</time>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
