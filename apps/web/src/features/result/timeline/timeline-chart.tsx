// The timeline: a bar per command and reply, as long as the reply took, so a slow greeting or a
// tarpit stands out. The number in milliseconds is printed too (never length alone).
import { memo, useMemo } from 'react';
import { useApp } from '../../../store/use-app.js';
import type { AppState } from '../../../store/app-state.js';
import { timelineBars, type TimelineBar } from './timeline-bars.js';
import './timeline-chart.css';

const selectEvents = (s: AppState) => s.result.shown.events;

const sameBar = (a: TimelineBar, b: TimelineBar) =>
  a.seq === b.seq && a.widthPercent === b.widthPercent && a.slow === b.slow && a.code === b.code && a.elapsedMs === b.elapsedMs && a.label === b.label && a.vector === b.vector;

// Bars are recomputed on every event; only the ones that changed (a new longest reply rescales
// all) re-render, so a long probe does not slow each new line down.
const Bar = memo(
  function Bar({ bar }: { bar: TimelineBar }) {
    return (
      <li className={bar.slow ? 'bar-row slow' : 'bar-row'}>
        <span className="bar-label">
          {bar.vector !== undefined && <span className="bar-vector">{bar.vector}</span>}
          {bar.label}
        </span>
        <span className="bar-track" aria-hidden="true">
          <span className={`bar reply-${Math.floor(bar.code / 100)}xx`} style={{ width: `${bar.widthPercent}%` }} />
        </span>
        <span className="bar-ms">
          {bar.code} in {bar.elapsedMs} ms{bar.slow ? ', slow' : ''}
        </span>
      </li>
    );
  },
  (a, b) => sameBar(a.bar, b.bar),
);

/** The timeline section. */
export function TimelineChart() {
  const events = useApp(selectEvents);
  const bars = useMemo(() => timelineBars(events), [events]);
  return (
    <section className="panel timeline-section">
      <h2 id="timeline-title">Timeline</h2>
      <p className="hint">One bar per command and its reply; the longer the bar, the longer the server took to answer.</p>
      <ol className="timeline" aria-label="Timeline">
        {bars.map((bar) => (
          <Bar key={bar.seq} bar={bar} />
        ))}
      </ol>
    </section>
  );
}
