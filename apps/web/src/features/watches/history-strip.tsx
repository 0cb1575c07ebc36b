// The history strip: one mark per run, oldest on the left, coloured by its verdict (the colours of
// every badge, app.css `tone-*`), each a link to its result; the label says it in words.
import type { WatchRun } from '@relayprobe/contracts';
import { followLink } from '../../router/navigation.js';
import { resultPath } from '../../router/routes.js';
import { runMark } from './watch-text.js';

/** The runs of one watch (newest first, as the API gives them). */
export function HistoryStrip({ runs }: { runs: readonly WatchRun[] }) {
  if (runs.length === 0) return <p className="hint">No runs yet.</p>;
  return (
    <ol className="history-strip" aria-label="Runs, oldest first">
      {[...runs].reverse().map((run) => {
        const mark = runMark(run);
        return (
          <li key={run.probeId}>
            <a
              href={resultPath(run.probeId)}
              onClick={followLink}
              className={`history-mark tone-${mark.tone}`}
              title={mark.title}
              aria-label={mark.title}
              data-verdict={run.verdict?.code ?? run.status}
            />
          </li>
        );
      })}
    </ol>
  );
}
