// The Watches page (issue 14): every watch with its verdict, schedule, history strip and last
// alerts. New watches come from a result's "Watch this server" or the API.
import { useCallback, useEffect, useState } from 'react';
import { listWatches } from '../../api/watches-api.js';
import { app, useApp } from '../../store/use-app.js';
import type { AppState } from '../../store/app-state.js';
import { loadWatches } from './load-watches.js';
import { WatchCard } from './watch-card.js';
import './watches.css';

const selectWatches = (s: AppState) => s.watches;

/** The page; `id` (from /watches/:id) is shown first and highlighted. */
export function WatchesPage({ id }: { id?: string | undefined }) {
  const watches = useApp(selectWatches);
  const [now, setNow] = useState(() => Date.now());
  const reload = useCallback(async () => {
    await loadWatches(app, listWatches);
    setNow(Date.now());
  }, []);
  useEffect(() => {
    document.title = 'Watches · relayprobe';
    void reload();
  }, [reload]);
  const items = watches.state === 'ready' ? [...watches.items].sort((a, b) => (a.id === id ? -1 : b.id === id ? 1 : 0)) : [];
  return (
    <section className="watches" aria-labelledby="watches-title">
      <h1 id="watches-title">Watches</h1>
      <p className="hint">Each watch re-tests a server on a schedule and alerts when its verdict, STARTTLS, certificate or reachability changes. Add one with "Watch this server" on any result.</p>
      {watches.state === 'loading' && <p className="hint">Loading…</p>}
      {watches.state === 'needs-token' && <p className="note">This server shows watches only with its access token: enter it in the form on the home page.</p>}
      {watches.state === 'failed' && <p className="note">The watches could not be loaded: {watches.message}</p>}
      {watches.state === 'ready' && items.length === 0 && <p className="hint">No watches yet.</p>}
      {items.map((watch) => (
        <WatchCard key={watch.id} watch={watch} now={now} highlighted={watch.id === id} reload={reload} />
      ))}
    </section>
  );
}
