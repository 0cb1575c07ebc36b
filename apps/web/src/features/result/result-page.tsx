// /r/:id: the same page whether the probe is running or finished. It follows the result (document,
// then live stream) while mounted; every part reads the store through its own selectors.
import { useEffect } from 'react';
import { escapeForDisplay } from '@relayprobe/contracts';
import { getResult } from '../../api/probes-api.js';
import { followResult } from '../../live/follow-result.js';
import { watchProbe, type LiveSocket, type LiveStore } from '../../live/probe-socket.js';
import { appStore } from '../../store/app-store.js';
import { app, useApp } from '../../store/use-app.js';
import type { AppState } from '../../store/app-state.js';
import { hasGap } from '../../store/result-state.js';
import { NoSuchResult } from './no-such-result.js';
import { VerdictPanel } from './verdict/verdict-panel.js';
import { ProbeProgress } from './verdict/probe-progress.js';
import { EvidenceTable } from './evidence/evidence-table.js';
import { TranscriptLog } from './transcript/transcript-log.js';
import { TimelineChart } from './timeline/timeline-chart.js';
import { SessionFactsSection } from './session-facts/session-facts.js';
import { ResultActions } from './actions/result-actions.js';
import { statusText } from './verdict/verdict-text.js';
import './result.css';

const streamUrl = (id: string, after: number) =>
  `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/probes/${encodeURIComponent(id)}/events?after=${after}`;

const liveStore: LiveStore = {
  receiveEvents: (events) => app().receiveEvents(events),
  receiveDone: (done) => app().receiveDone(done),
  setConnection: (phase, retries) => app().setConnection(phase, retries),
  lastSeq: () => app().result.lastSeq,
  hasGap: () => hasGap(app().result),
};

function follow(id: string): () => void {
  return followResult({
    id,
    fetchDocument: (resultId) => getResult(resultId),
    watch: (resultId, onDone) =>
      watchProbe({
        id: resultId, store: liveStore, onDone, url: streamUrl,
        open: (url) => new WebSocket(url) as unknown as LiveSocket,
        schedule: (run, ms) => setTimeout(run, ms), cancel: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      }),
    store: app(),
    schedule: (run, ms) => setTimeout(run, ms),
    cancel: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  });
}

const selectLookup = (s: AppState) => s.result.lookup;
const selectTarget = (s: AppState) => s.result.request;

/** The result page for `id`. */
export function ResultPage({ id }: { id: string }) {
  useEffect(() => follow(id), [id]);
  const lookup = useApp(selectLookup);
  const request = useApp(selectTarget);

  useEffect(
    () =>
      appStore.subscribe((s) => {
        const label = statusText(s.result).label;
        document.title = s.result.lookup === 'not-found' ? 'No such result · relayprobe' : `${label}${s.result.request ? ` · ${escapeForDisplay(s.result.request.target)}` : ''} · relayprobe`;
      }),
    [],
  );

  if (lookup === 'not-found') return <NoSuchResult />;
  return (
    <div className="result-page">
      <section className="panel result-head">
        <h1 id="result-title">
          {request ? (
            <>
              <span className="target">{escapeForDisplay(request.target)}</span>{' '}
              <span className="target-options">
                port {request.port}, {request.suite} suite, TLS {request.tls}
              </span>
            </>
          ) : (
            'Result'
          )}
        </h1>
        <VerdictPanel />
        <ProbeProgress />
        <ResultActions id={id} />
      </section>
      <EvidenceTable />
      <TranscriptLog />
      <TimelineChart />
      <SessionFactsSection />
    </div>
  );
}
