// /r/:id: the same page whether the probe is running or finished. It follows the result (document,
// then live stream) while mounted; every part reads the store through its own selectors.
import { Suspense, lazy, useEffect, useRef } from 'react';
import { escapeForDisplay, resultPageTitle } from '@relayprobe/contracts';
import { followInBrowser } from '../../live/follow-in-browser.js';
import { serverParam } from '../../router/routes.js';
import { arrivedInApp } from '../../router/navigation.js';
import { useApp } from '../../store/use-app.js';
import type { AppState } from '../../store/app-state.js';
import { NoSuchResult } from './no-such-result.js';
import { VerdictPanel } from './verdict/verdict-panel.js';
import { ProbeProgress } from './verdict/probe-progress.js';
import { EvidenceTable } from './evidence/evidence-table.js';
import { TranscriptLog } from './transcript/transcript-log.js';
import { SessionFactsSection } from './session-facts/session-facts.js';
import { ResultActions } from './actions/result-actions.js';
import { ServersSummary } from './servers/servers-summary.js';
import { ResultWhen } from './when/result-when.js';
import './result.css';

// Below the fold and not needed to read the verdict: loaded after the page's first script, which
// keeps the initial JavaScript within its budget (DESIGN.md "Performance targets").
const TimelineChart = lazy(() => import('./timeline/timeline-chart.js').then((m) => ({ default: m.TimelineChart })));

type S = AppState;
const selectLookup = (s: S) => s.result.lookup;
const selectRequest = (s: S) => s.result.request;
const selectStatus = (s: S) => s.result.status;
const selectVerdictCode = (s: S) => (s.result.view.verdict ?? s.result.doneVerdict)?.code;
const selectStartedAt = (s: S) => s.result.startedAt;

/**
 * document.title as the server wrote it for link previews (contracts' resultPageTitle, escaped as
 * the server's HTML escaping does), so it does not change when the app takes over; until the
 * request is known, the server's title stays.
 */
function useResultTitle(): void {
  const request = useApp(selectRequest);
  const status = useApp(selectStatus);
  const verdict = useApp(selectVerdictCode);
  const startedAt = useApp(selectStartedAt);
  const target = request?.target;
  const port = request?.port;
  useEffect(() => {
    if (target === undefined || port === undefined || status === undefined || startedAt === undefined) return;
    document.title = escapeForDisplay(resultPageTitle({ target, port, status, verdict, startedAt }));
  }, [target, port, status, verdict, startedAt]);
}

/** The result page for `id`. */
export function ResultPage({ id }: { id: string }) {
  // The link may choose a server of a domain test (?server=N); read once per result.
  useEffect(() => followInBrowser(id, serverParam(location.search)), [id]);
  useResultTitle();
  const lookup = useApp(selectLookup);
  const request = useApp(selectRequest);
  // After "Test" or "Run again", focus goes to the result's heading once it names the target (or
  // says the result cannot be read), so a screen reader starts reading the new page there.
  const heading = useRef<HTMLHeadingElement>(null);
  const settled = lookup !== 'idle' && lookup !== 'loading';
  useEffect(() => {
    if (settled && arrivedInApp()) heading.current?.focus();
  }, [settled]);

  if (lookup === 'not-found') return <NoSuchResult />;
  return (
    <div className="result-page">
      <section className="panel result-head" aria-labelledby="result-title">
        <h1 id="result-title" tabIndex={-1} ref={heading}>
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
        <ResultWhen />
        <VerdictPanel />
        <ProbeProgress />
        <ResultActions id={id} />
      </section>
      <ServersSummary id={id} />
      <EvidenceTable />
      <TranscriptLog />
      <Suspense fallback={null}>
        <TimelineChart />
      </Suspense>
      <SessionFactsSection />
    </div>
  );
}
