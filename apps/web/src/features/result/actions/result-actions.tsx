// Actions on a result: "Copy link", "Run again", "Download JSON", "Copy transcript", "Copy as
// command", "Watch this server". Feedback goes to a polite live region; a refused "Run again" is an alert.
import { useState } from 'react';
import { formatTranscript } from '@relayprobe/contracts';
import { probeBody } from '../../../api/probe-body.js';
import { createProbe, getResultJson } from '../../../api/probes-api.js';
import { navigate } from '../../../router/navigation.js';
import { resultPath } from '../../../router/routes.js';
import { app, useApp } from '../../../store/use-app.js';
import type { AppState } from '../../../store/app-state.js';
import { commandLine } from './command-line.js';
import { copyText } from './clipboard.js';
import { downloadJson } from './download-file.js';
import { WatchButton } from './watch-button.js';

const selectRequest = (s: AppState) => s.result.request;

type Feedback = { kind: 'note' | 'problem'; text: string } | undefined;

/** The action buttons of result `id`. */
export function ResultActions({ id }: { id: string }) {
  const request = useApp(selectRequest);
  const [feedback, setFeedback] = useState<Feedback>();
  const [busy, setBusy] = useState(false);

  const copy = async (text: string, what: string) => {
    const copied = await copyText(text);
    setFeedback(copied ? { kind: 'note', text: `${what} copied.` } : { kind: 'problem', text: `The browser did not allow copying the ${what.toLowerCase()}.` });
  };

  const runAgain = async () => {
    if (!request || busy) return;
    setBusy(true);
    setFeedback({ kind: 'note', text: 'Starting a new probe…' });
    const outcome = await createProbe(probeBody(request), app().auth.token);
    setBusy(false);
    if (outcome.ok) return navigate(resultPath(outcome.value.id));
    if (outcome.status === 401) app().requireToken();
    setFeedback({ kind: 'problem', text: outcome.status === 401 ? `${outcome.message} Enter it on the home page.` : outcome.message });
  };

  const download = async () => {
    const got = await getResultJson(id);
    if (!got.ok) return setFeedback({ kind: 'problem', text: got.message });
    downloadJson(`relayprobe-${id}.json`, got.value);
    setFeedback({ kind: 'note', text: 'Result document downloaded.' });
  };

  return (
    <div className="actions">
      <div className="action-buttons">
        <button type="button" onClick={() => void copy(`${location.origin}${resultPath(id)}`, 'Link')}>
          Copy link
        </button>
        <button type="button" onClick={() => void runAgain()} disabled={!request} aria-busy={busy}>
          Run again
        </button>
        <button type="button" onClick={() => void download()}>
          Download JSON
        </button>
        <button type="button" onClick={() => void copy(formatTranscript(app().result.events), 'Transcript')}>
          Copy transcript
        </button>
        <button type="button" onClick={() => request && void copy(commandLine(request), 'Command')} disabled={!request}>
          Copy as command
        </button>
        <WatchButton request={request} onProblem={(text) => setFeedback({ kind: 'problem', text })} />
      </div>
      <p className="action-note" aria-live="polite">
        {feedback?.kind === 'note' ? feedback.text : ''}
      </p>
      {feedback?.kind === 'problem' && (
        <p className="problem" role="alert">
          {feedback.text}
        </p>
      )}
    </div>
  );
}
