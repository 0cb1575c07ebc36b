// Following a result in the browser: follow-result.ts and probe-socket.ts wired to the real
// fetch, WebSocket, timers and the app's store. The one place they meet the browser's globals;
// everything they decide is tested with fakes (test/follow-result.test.ts, probe-socket.test.ts).
import { getResult } from '../api/probes-api.js';
import { app } from '../store/use-app.js';
import { followResult } from './follow-result.js';
import { liveStoreOf } from './live-store.js';
import { watchProbe, type LiveSocket } from './probe-socket.js';

/** ws(s)://<this host>/api/v1/probes/:id/events?after=SEQ: same origin, so the page's CSP allows it. */
function streamUrl(id: string, after: number): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/api/v1/probes/${encodeURIComponent(id)}/events?after=${after}`;
}

// The browser's handlers are typed with `this` and an event argument; LiveSocket's take none, which
// is all probe-socket.ts needs, so the cast only narrows.
const openSocket = (url: string) => new WebSocket(url) as unknown as LiveSocket;
const schedule = (run: () => void, ms: number): unknown => setTimeout(run, ms);
const cancel = (handle: unknown): void => clearTimeout(handle as ReturnType<typeof setTimeout>);

/** Show result `id` (and of a domain test, server `server`) in the app's store (document, then live stream) until the returned function is called. */
export function followInBrowser(id: string, server?: number): () => void {
  const store = liveStoreOf(app);
  return followResult({
    id,
    server,
    fetchDocument: (resultId) => getResult(resultId),
    watch: (resultId, onDone) => watchProbe({ id: resultId, store, onDone, url: streamUrl, open: openSocket, schedule, cancel }),
    store: app(),
    schedule,
    cancel,
  });
}
