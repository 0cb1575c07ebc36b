// "Run again": the same request as a new probe, then its page. Used by the action buttons and, for
// an old result, by the notice that puts it first (when/result-when.tsx); each shows its own feedback.
import { useState } from 'react';
import { probeBody } from '../../../api/probe-body.js';
import { createProbe } from '../../../api/probes-api.js';
import { navigate } from '../../../router/navigation.js';
import { resultPath } from '../../../router/routes.js';
import { app, useApp } from '../../../store/use-app.js';
import type { AppState } from '../../../store/app-state.js';
import type { Feedback } from './action-feedback.js';

const selectRequest = (s: AppState) => s.result.request;

/** Start the result's request again; `ready` once the request is known, `busy` while starting. */
export function useRunAgain(setFeedback: (feedback: Feedback) => void): { runAgain: () => Promise<void>; ready: boolean; busy: boolean } {
  const request = useApp(selectRequest);
  const [busy, setBusy] = useState(false);
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
  return { runAgain, ready: request !== undefined, busy };
}
