// Progress while running: "vector 7 of 22" from the latest vector-start event, and the state of
// the live stream (a dropped one reconnects by itself). Kept out of the status line so a screen
// reader is not told every step. A greylister's wait gets a line of its own (GreylistCountdown).
import { useApp } from '../../../store/use-app.js';
import type { AppState } from '../../../store/app-state.js';
import { isRunning } from '../../../store/result-state.js';
import { GreylistCountdown } from './greylist-countdown.js';

type S = AppState;
const selectRunning = (s: S) => isRunning(s.result);
const selectProgress = (s: S) => s.result.shown.view.progress;
const selectConnection = (s: S) => s.connection;

const CONNECTION_WORDS = { idle: '', connecting: 'Connecting to the live stream…', live: 'Live', retrying: 'Connection lost; reconnecting…', closed: '' } as const;

/** Progress bar and stream state, shown only while the probe runs. */
export function ProbeProgress() {
  const running = useApp(selectRunning);
  const progress = useApp(selectProgress);
  const connection = useApp(selectConnection);
  if (!running) return null;
  const words = CONNECTION_WORDS[connection.phase];
  return (
    <div className="progress">
      {progress ? (
        <>
          <p className="progress-text">
            <span className="progress-count">
              vector {progress.index} of {progress.total}
            </span>{' '}
            <span className="progress-vector">({progress.vector})</span>
          </p>
          <progress max={progress.total} value={progress.index} aria-label="Tests done" />
        </>
      ) : (
        <p className="progress-text">Connecting to the mail server…</p>
      )}
      <GreylistCountdown />
      {words !== '' && <p className={`connection connection-${connection.phase}`}>{words}{connection.retries > 1 ? ` (attempt ${connection.retries})` : ''}</p>}
    </div>
  );
}
