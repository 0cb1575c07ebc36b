// While a running probe waits for a greylister (the latest greylist-wait event, store
// `greylistRetryAt`), a status line counts down to the retry: "Greylisted: the server asked us to
// come back later. Retrying in 4:32…". It is empty once the wait is over, the probe has finished,
// or the page was opened after the retry. The live region stays mounted (so the line is announced
// when it appears); the clock inside is role="timer", which is not announced every second.
import { useApp } from '../../../store/use-app.js';
import type { AppState } from '../../../store/app-state.js';
import { greylistRetryAt } from '../../../store/result-state.js';
import { useClock } from '../use-clock.js';
import { GREYLIST_WAIT_TEXT, clockText, msUntilNextSecond, secondsLeft } from './retry-countdown.js';

const selectRetryAt = (s: AppState) => greylistRetryAt(s.result);

/** The countdown to a greylist retry (an empty live region when there is none). */
export function GreylistCountdown() {
  const retryAt = useApp(selectRetryAt);
  // Read again each time the seconds left change, and no more once the retry time has passed.
  const now = useClock(retryAt, (t) => (retryAt === undefined ? undefined : msUntilNextSecond(retryAt, t)));
  const seconds = retryAt === undefined ? 0 : secondsLeft(retryAt, now);
  return (
    <div className="greylist-wait" role="status">
      {seconds > 0 && (
        <p>
          {GREYLIST_WAIT_TEXT} Retrying in{' '}
          <span className="greylist-clock" role="timer">
            {clockText(seconds)}
          </span>
          …
        </p>
      )}
    </div>
  );
}
