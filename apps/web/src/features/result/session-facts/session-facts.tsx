// "Session": addresses tried, MX used, greeting, extensions, TLS with the certificate's problems
// spelled out (describeCertificate / tlsProblems from the contracts: the transcript's words).
import { useMemo } from 'react';
import { useApp } from '../../../store/use-app.js';
import type { AppState } from '../../../store/app-state.js';
import { sessionFacts } from './session-view.js';
import './session-facts.css';

const selectResolution = (s: AppState) => s.result.shown.view.resolution;
const selectSession = (s: AppState) => s.result.shown.view.session;
const selectSoFar = (s: AppState) => s.result.shown.view.sessionSoFar;
const selectVerdict = (s: AppState) => s.result.shown.view.verdict;

/** The session facts section. */
export function SessionFactsSection() {
  const resolution = useApp(selectResolution);
  const session = useApp(selectSession);
  const sessionSoFar = useApp(selectSoFar);
  const verdict = useApp(selectVerdict);
  const facts = useMemo(() => sessionFacts({ resolution, session, sessionSoFar, verdict }), [resolution, session, sessionSoFar, verdict]);
  return (
    <section className="panel session-section" aria-labelledby="session-title">
      <h2 id="session-title">Session</h2>
      {facts.length === 0 ? (
        <p className="hint">Nothing known yet.</p>
      ) : (
        <dl className="facts">
          {facts.map((fact) => (
            <div key={fact.name} className="fact">
              <dt>{fact.name}</dt>
              {fact.values.map((value, i) => (
                <dd key={i}>{value}</dd>
              ))}
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
