// One watch on the Watches page: its current verdict badge, target, when it last ran and runs next,
// the history strip, the last alert deliveries, and its actions (run now, pause or resume, delete).
import { useState } from 'react';
import type { WatchDocument } from '@relayprobe/contracts';
import { deleteWatch, runWatch, setWatchPaused } from '../../api/watches-api.js';
import { untilProbeEnds } from '../../live/probe-end.js';
import { app } from '../../store/use-app.js';
import { HistoryStrip } from './history-strip.js';
import { currentBadge, deliveryText, intervalText, relativeTime } from './watch-text.js';

export interface WatchCardProps {
  watch: WatchDocument;
  now: number;
  highlighted: boolean;
  /** Read the list again (after an action, or when a run ends). */
  reload: () => Promise<void>;
}

/** The card of one watch. */
export function WatchCard({ watch, now, highlighted, reload }: WatchCardProps) {
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const running = watch.runningProbeId !== undefined;
  const badge = currentBadge(watch.state.verdict, running);
  const titleId = `watch-${watch.id}`;

  const act = async (action: () => Promise<{ ok: true } | { ok: false; status: number; message: string }>) => {
    setBusy(true);
    setProblem(undefined);
    const outcome = await action();
    if (!outcome.ok) {
      if (outcome.status === 401) app().requireToken();
      setProblem(outcome.message);
    }
    await reload();
    setBusy(false);
  };
  const runNow = () =>
    act(async () => {
      const outcome = await runWatch(watch.id, app().auth.token);
      if (!outcome.ok) return outcome;
      await reload(); // shows the run as running
      await untilProbeEnds(outcome.value.probeId);
      return outcome;
    });

  return (
    <article className={`panel watch-card${highlighted ? ' highlighted' : ''}`} aria-labelledby={titleId} data-watch={watch.id}>
      <header className="watch-head">
        <span className={`badge tone-${badge.tone}`} data-testid="watch-verdict">
          {badge.label}
        </span>
        <h2 id={titleId}>
          {watch.target} <span className="muted">port {watch.port}</span>
        </h2>
      </header>
      <p className="watch-times">
        {watch.suite} suite, {intervalText(watch.intervalMinutes)}. {watch.lastRunAt ? <>Last run {relativeTime(watch.lastRunAt, now)}. </> : <>Not run yet. </>}
        {running ? <>Running now. </> : null}
        {watch.paused ? <>Paused.</> : watch.nextRunAt ? <>Next run {relativeTime(watch.nextRunAt, now)}.</> : null}
      </p>
      <HistoryStrip runs={watch.history} />
      <section aria-label="Last alerts" className="watch-deliveries">
        {watch.alerts.length === 0 && <p className="hint">No alerts configured (add them through the API: PATCH /api/v1/watches/{watch.id}).</p>}
        {watch.deliveries.length > 0 && (
          <ul>
            {watch.deliveries.map((d) => (
              <li key={d.id} className={`delivery delivery-${d.status}`}>
                <time dateTime={d.createdAt}>{new Date(d.createdAt).toLocaleString()}</time> {deliveryText(d)}
              </li>
            ))}
          </ul>
        )}
      </section>
      <div className="action-buttons">
        <button type="button" onClick={() => void runNow()} disabled={busy || running} aria-busy={busy}>
          Run now
        </button>
        <button type="button" onClick={() => void act(() => setWatchPaused(watch.id, !watch.paused, app().auth.token))} disabled={busy}>
          {watch.paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" onClick={() => void act(() => deleteWatch(watch.id, app().auth.token))} disabled={busy}>
          Delete
        </button>
      </div>
      {problem && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
    </article>
  );
}
