// When the result was taken and how long it took, under the heading: "Tested <time>3 Dec 2026,
// 14:05 CET</time> (3 hours ago) · took 4.2 s". The <time> carries the exact instant; the text is
// the reader's local time with its zone. A finished result older than RELAYPROBE_OLD_RESULT_DAYS
// says how old it is, with "Run again" as the first thing to do.
import { useState } from 'react';
import { durationText } from '@relayprobe/contracts';
import { useApp } from '../../../store/use-app.js';
import type { AppState } from '../../../store/app-state.js';
import { isRunning } from '../../../store/result-state.js';
import { ActionFeedback, type Feedback } from '../actions/action-feedback.js';
import { useRunAgain } from '../actions/run-again.js';
import { useResultAge } from './result-age.js';
import { agoText, localTimeText } from './when-text.js';

type S = AppState;
const selectStartedAt = (s: S) => s.result.startedAt;
const selectRunning = (s: S) => isRunning(s.result);
// The document's duration; for a probe followed to its end (or an interrupted one), its last event's time.
const selectDuration = (s: S) => s.result.durationMs ?? (isRunning(s.result) ? undefined : s.result.events.at(-1)?.ms);

/** "This result is 45 days old" and a primary "Run again". */
function OldResultNotice({ days }: { days: number }) {
  const [feedback, setFeedback] = useState<Feedback>();
  const { runAgain, ready, busy } = useRunAgain(setFeedback);
  return (
    <div className="old-result">
      <p>
        <strong>This result is {days} days old.</strong> The server may have changed since: run the test again for today's answer.
      </p>
      <button type="button" className="primary" onClick={() => void runAgain()} disabled={!ready} aria-busy={busy}>
        Run again
      </button>
      <ActionFeedback feedback={feedback} />
    </div>
  );
}

/** The date, time and duration line, and the old-result notice when it applies. */
export function ResultWhen() {
  const startedAt = useApp(selectStartedAt);
  const running = useApp(selectRunning);
  const duration = useApp(selectDuration);
  const { startedMs, now, days, old } = useResultAge();
  const local = startedAt === undefined ? undefined : localTimeText(startedAt);
  if (startedAt === undefined || startedMs === undefined || local === undefined) return null;
  return (
    <>
      <p className="result-when">
        {running ? 'Started' : 'Tested'} <time dateTime={startedAt}>{local}</time> <span className="result-ago">({agoText(startedMs, now)})</span>
        {duration !== undefined && <> · took {durationText(duration)}</>}
      </p>
      {old && <OldResultNotice days={days} />}
    </>
  );
}
