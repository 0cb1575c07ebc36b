// "Watch this server": a watch (issue 14) on this result's target, port, suite and TLS mode, with
// the server's default interval and no alerts yet (alerts need URLs and secrets: the API sets
// them); then the Watches page, with the new watch first.
import { useState } from 'react';
import type { ProbeRequest } from '@relayprobe/contracts';
import { createWatch } from '../../../api/watches-api.js';
import { navigate } from '../../../router/navigation.js';
import { watchesPath } from '../../../router/routes.js';
import { app } from '../../../store/use-app.js';

/** The button; `onProblem` shows a refusal next to the other actions. */
export function WatchButton({ request, onProblem }: { request: ProbeRequest | undefined; onProblem: (text: string) => void }) {
  const [busy, setBusy] = useState(false);
  const watch = async () => {
    if (!request || busy) return;
    setBusy(true);
    const outcome = await createWatch({ target: request.target, port: request.port, suite: request.suite, tls: request.tls, alerts: [] }, app().auth.token);
    setBusy(false);
    if (outcome.ok) return navigate(watchesPath(outcome.value.id));
    if (outcome.status === 401) app().requireToken();
    onProblem(outcome.status === 401 ? `${outcome.message} Enter it on the home page.` : outcome.message);
  };
  return (
    <button type="button" onClick={() => void watch()} disabled={!request} aria-busy={busy}>
      Watch this server
    </button>
  );
}
