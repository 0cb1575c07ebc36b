// Actions on a result: "Copy link", "Run again", "Download JSON", "Copy transcript", "Copy as
// command", "Watch this server". Feedback goes to a polite live region; a refused "Run again" is an alert. An old
// result has its "Run again" in the notice at the top instead (when/result-when.tsx). Without
// RELAYPROBE_PUBLIC_URL the link is this browser's address, and the page says how to change that.
import { useState } from 'react';
import { formatTranscript } from '@relayprobe/contracts';
import { getResultJson } from '../../../api/probes-api.js';
import { resultPath } from '../../../router/routes.js';
import { app, useApp } from '../../../store/use-app.js';
import type { AppState } from '../../../store/app-state.js';
import { pageSettings } from '../page-settings.js';
import { useResultAge } from '../when/result-age.js';
import { commandLine } from './command-line.js';
import { copyText } from './clipboard.js';
import { downloadJson } from './download-file.js';
import { useRunAgain } from './run-again.js';
import { ActionFeedback, type Feedback } from './action-feedback.js';
import { WatchButton } from './watch-button.js';

const selectRequest = (s: AppState) => s.result.request;
const selectChosenServer = (s: AppState) => s.result.selectedServer;

/** The action buttons of result `id`. */
export function ResultActions({ id }: { id: string }) {
  const request = useApp(selectRequest);
  const chosenServer = useApp(selectChosenServer);
  const [feedback, setFeedback] = useState<Feedback>();
  const { runAgain, ready, busy } = useRunAgain(setFeedback);
  const { old } = useResultAge();
  const { publicUrl } = pageSettings();

  const copy = async (text: string, what: string) => {
    const copied = await copyText(text);
    setFeedback(copied ? { kind: 'note', text: `${what} copied.` } : { kind: 'problem', text: `The browser did not allow copying the ${what.toLowerCase()}.` });
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
        <button type="button" onClick={() => void copy(`${publicUrl ?? location.origin}${resultPath(id, chosenServer)}`, 'Link')}>
          Copy link
        </button>
        {!old && (
          <button type="button" onClick={() => void runAgain()} disabled={!ready} aria-busy={busy}>
            Run again
          </button>
        )}
        <button type="button" onClick={() => void download()}>
          Download JSON
        </button>
        <button type="button" onClick={() => void copy(formatTranscript(app().result.shown.events), 'Transcript')}>
          Copy transcript
        </button>
        <button type="button" onClick={() => request && void copy(commandLine(request), 'Command')} disabled={!request}>
          Copy as command
        </button>
        <WatchButton request={request} onProblem={(text) => setFeedback({ kind: 'problem', text })} />
      </div>
      {publicUrl === undefined && (
        <p className="hint share-hint">
          The link uses this browser's address ({location.origin}). To give links and previews the address colleagues use, the operator sets <code>RELAYPROBE_PUBLIC_URL</code> on the relayprobe
          server.
        </p>
      )}
      <ActionFeedback feedback={feedback} />
    </div>
  );
}
