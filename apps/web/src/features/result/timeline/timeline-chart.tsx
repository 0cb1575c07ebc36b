// The timeline: the probe on a time axis, one row per round trip (pipelined commands share one),
// connection step and wait, with a legend. Every row says in words what its bar shows (the codes,
// how long, "relay accepted", the kind of wait): never length or colour alone. No inner scroll
// box: the page scrolls. A finished probe with nothing to draw shows no timeline at all.
import { memo, useMemo } from 'react';
import { durationText } from '@relayprobe/contracts';
import { useApp } from '../../../store/use-app.js';
import type { AppState } from '../../../store/app-state.js';
import { isRunning } from '../../../store/result-state.js';
import { timeline, type TimelineRow } from './timeline-rows.js';
import './timeline-chart.css';

const selectEvents = (s: AppState) => s.result.shown.events;
const selectRunning = (s: AppState) => isRunning(s.result);

const WAIT_WORDS = { greylist: 'until the retry', tarpit: 'slow reply (tarpit?)', timeout: 'no reply: timed out' } as const;

/** What a row's bar shows, in words: "250 250 554 · 12 ms", "3 pipelined · …", "relay accepted · …". */
function rowWords(row: TimelineRow): string {
  const parts: string[] = [];
  if (row.accepted) parts.push('relay accepted');
  if (row.commands > 1) parts.push(`${row.commands} pipelined`);
  if (row.codes.length > 0) parts.push(row.codes.join(' '));
  parts.push(durationText(row.endMs - row.startMs));
  if (row.wait) parts.push(WAIT_WORDS[row.wait]);
  return parts.join(' · ');
}

const percent = (ms: number, totalMs: number) => `${Math.min(100, (ms / totalMs) * 100)}%`;

/** A class per kind of bar, for the colours of the legend. */
function barClass(row: TimelineRow): string {
  if (row.accepted) return 'bar bar-accepted';
  if (row.kind === 'wait') return 'bar bar-wait';
  if (row.kind !== 'round-trip') return 'bar bar-setup';
  const last = row.codes.at(-1) ?? 0;
  return last >= 400 ? 'bar bar-refused' : 'bar';
}

const sameRow = (a: TimelineRow, b: TimelineRow) =>
  a.key === b.key &&
  a.kind === b.kind &&
  a.wait === b.wait &&
  a.label === b.label &&
  a.startMs === b.startMs &&
  a.endMs === b.endMs &&
  a.codes.length === b.codes.length &&
  a.commands === b.commands &&
  a.accepted === b.accepted &&
  a.vector === b.vector;

// Rows are recomputed on every event; only the ones that changed re-render (and all of them when
// the axis grows past its last tick), so a long probe does not slow each new line down.
const Row = memo(
  function Row({ row, totalMs }: { row: TimelineRow; totalMs: number }) {
    return (
      <li className={`timeline-row row-${row.kind}${row.accepted ? ' row-accepted' : ''}`}>
        <span className="row-label">
          {row.vector !== undefined && <span className="row-vector">{row.vector} </span>}
          {row.label}
        </span>
        <span className="row-track" aria-hidden="true">
          <span className={barClass(row)} style={{ left: percent(row.startMs, totalMs), width: percent(row.endMs - row.startMs, totalMs) }} />
        </span>
        <span className="row-words">
          <span className="visually-hidden">at {durationText(row.startMs)}: </span>
          {rowWords(row)}
        </span>
      </li>
    );
  },
  (a, b) => a.totalMs === b.totalMs && sameRow(a.row, b.row),
);

const LEGEND = [
  ['bar', 'Commands and their replies: one bar per round trip (pipelined commands share one)'],
  ['bar bar-refused', 'Refused (4xx or 5xx reply)'],
  ['bar bar-accepted', 'Relay accepted'],
  ['bar bar-wait', 'Wait: greylist retry, very slow reply (tarpit?), timeout'],
  ['bar bar-setup', 'Connecting, TLS handshake'],
] as const;

/** The timeline section. */
export function TimelineChart() {
  const events = useApp(selectEvents);
  const running = useApp(selectRunning);
  const chart = useMemo(() => timeline(events), [events]);
  if (!running && chart.rows.length === 0) return null;
  return (
    <section className="panel timeline-section" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <ul className="timeline-legend" aria-label="Legend">
        {LEGEND.map(([bar, words]) => (
          <li key={bar}>
            <span className={`legend-swatch ${bar}`} aria-hidden="true" />
            {words}
          </li>
        ))}
      </ul>
      <div className="timeline-axis" aria-hidden="true">
        <span className="axis-track">
          {chart.ticks.map((tick) => (
            <span key={tick.ms} className="axis-tick" style={{ left: percent(tick.ms, chart.totalMs) }}>
              {tick.label}
            </span>
          ))}
        </span>
      </div>
      <ol className="timeline" aria-labelledby="timeline-title">
        {chart.rows.map((row) => (
          <Row key={row.key} row={row} totalMs={chart.totalMs} />
        ))}
      </ol>
    </section>
  );
}
