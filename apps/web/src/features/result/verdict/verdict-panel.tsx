// The status line (role="status"): the verdict's label first, exactly as VERDICT_LABELS has it, or
// "Running" / "Interrupted"; then the summary, what to do next, and the reasons in words.
import { useMemo } from 'react';
import { escapeForDisplay } from '@relayprobe/contracts';
import { useApp } from '../../../store/use-app.js';
import type { AppState } from '../../../store/app-state.js';
import { statusText } from './verdict-text.js';

type S = AppState;
const selectLookup = (s: S) => s.result.lookup;
const selectStatus = (s: S) => s.result.status;
const selectVerdict = (s: S) => s.result.view.verdict;
const selectDoneVerdict = (s: S) => s.result.doneVerdict;
const selectFailure = (s: S) => s.result.failure;

/** The verdict, or the probe's state while there is none. */
export function VerdictPanel() {
  const lookup = useApp(selectLookup);
  const status = useApp(selectStatus);
  const verdict = useApp(selectVerdict);
  const doneVerdict = useApp(selectDoneVerdict);
  const failure = useApp(selectFailure);
  const text = useMemo(() => statusText({ lookup, status, verdict, doneVerdict, failure }), [lookup, status, verdict, doneVerdict, failure]);
  return (
    <div className={`verdict tone-${text.tone}`} role="status">
      <p className="verdict-headline">
        <strong className="verdict-label">{text.label}</strong>
        {text.summary !== undefined && (
          <>
            {' '}
            <span className="verdict-summary">{escapeForDisplay(text.summary)}</span>
          </>
        )}
      </p>
      {text.advice !== undefined && (
        <p className="verdict-advice">
          <span className="advice-lead">What to do next:</span> {escapeForDisplay(text.advice)}
        </p>
      )}
      {text.reasons.length > 0 && (
        <ul className="verdict-reasons" aria-label="Reasons">
          {text.reasons.map((reason, i) => (
            <li key={`${reason.code}-${i}`}>{escapeForDisplay(reason.text)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
