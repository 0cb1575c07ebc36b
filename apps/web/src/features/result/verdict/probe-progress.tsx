// Progress while running: how long it has run ("Elapsed 0:07", a timer), "vector 7 of 22" from the
// latest vector-start event (before that, whether the connection is open yet), and the state of
// the live stream (a dropped one reconnects by itself). Kept out of the status line so a screen
// reader is not told every step. A greylister's wait gets a line of its own (GreylistCountdown).
import { useApp } from '../../../store/use-app.js';
import type { AppState } from '../../../store/app-state.js';
import { isRunning } from '../../../store/result-state.js';
import { useClock } from '../use-clock.js';
import { GreylistCountdown } from './greylist-countdown.js';
import { clockText } from './retry-countdown.js';
import { STAGE_TEXT, probeStage } from './probe-stage.js';

type S = AppState;
const selectRunning = (s: S) => isRunning(s.result);
const selectProgress = (s: S) => s.result.shown.view.progress;
const selectConnection = (s: S) => s.connection;
// Only read before the first test starts, when there are few events.
const selectStage = (s: S) => (s.result.view.progress ? undefined : probeStage(s.result.events));
const selectStartedAt = (s: S) => s.result.startedAt;

const CONNECTION_WORDS = { idle: '', connecting: 'Connecting to the live stream…', live: 'Live', retrying: 'Connection lost; reconnecting…', closed: '' } as const;

/** "Elapsed 0:07" since the probe started, counting each second. */
function ElapsedTime({ startedAt }: { startedAt: string }) {
  const started = Date.parse(startedAt);
  const now = useClock(startedAt, (t) => 1000 - ((((t - started) % 1000) + 1000) % 1000));
  return (
    <p className="elapsed">
      Elapsed{' '}
      <span className="elapsed-clock" role="timer" aria-label="Elapsed time">
        {clockText(Math.max(0, Math.floor((now - started) / 1000)))}
      </span>
    </p>
  );
}

/** Progress bar and stream state, shown only while the probe runs. */
export function ProbeProgress() {
  const running = useApp(selectRunning);
  const progress = useApp(selectProgress);
  const connection = useApp(selectConnection);
  const stage = useApp(selectStage);
  const startedAt = useApp(selectStartedAt);
  if (!running) return null;
  const words = CONNECTION_WORDS[connection.phase];
  return (
    <div className="progress">
      {startedAt !== undefined && Number.isFinite(Date.parse(startedAt)) && <ElapsedTime startedAt={startedAt} />}
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
        <p className="progress-text">{STAGE_TEXT[stage ?? 'connecting']}</p>
      )}
      <GreylistCountdown />
      {words !== '' && (
        <p className={`connection connection-${connection.phase}`}>
          {words}
          {connection.retries > 1 ? ` (attempt ${connection.retries})` : ''}
        </p>
      )}
    </div>
  );
}
