// The evidence: one row per vector or control result, its key in the first cell, the outcome in
// words (OUTCOME_WORDS) and in colour, never colour alone; a note in the page's words (forPage).
import { escapeForDisplay, forPage, OUTCOME_WORDS, type VectorResult } from '@relayprobe/contracts';
import { useApp } from '../../../store/use-app.js';
import type { AppState } from '../../../store/app-state.js';
import { outcomeTone } from './outcome-tone.js';
import './evidence-table.css';

// A test run again (greylist retry, controls with another sender) shows its latest result only,
// in plan order: the fold's `vectors`.
const selectResults = (s: AppState) => s.result.shown.view.vectors;

function replyText(result: VectorResult): string {
  const reply = result.reply;
  return reply ? `${reply.code}${reply.enhanced ? ` ${reply.enhanced}` : ''} ${escapeForDisplay(reply.text)}` : '';
}

/** The evidence table. */
export function EvidenceTable() {
  const results = useApp(selectResults);
  return (
    <section className="panel evidence-section">
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Results table">
        <table className="evidence">
          <caption>Evidence</caption>
          <thead>
            <tr>
              <th scope="col">ID</th>
              <th scope="col">MAIL FROM</th>
              <th scope="col">RCPT TO</th>
              <th scope="col">Reply</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {results.map((r) => (
              <tr key={r.key} className={`weight-${r.weight}`}>
                <td className="key" title={escapeForDisplay(r.name)}>{r.key}</td>
                <td className="address">
                  {escapeForDisplay(r.mailFrom)}
                  {r.senderRetry && (
                    <span className="cell-note">
                      after {escapeForDisplay(r.senderRetry.refusedMailFrom)} was refused ({r.senderRetry.mailReply.code})
                    </span>
                  )}
                </td>
                <td className="address">{escapeForDisplay(r.rcptTo)}</td>
                <td className="reply">
                  {replyText(r)}
                  {r.note !== undefined && <span className="cell-note">{escapeForDisplay(forPage(r.note))}</span>}
                </td>
                <td>
                  <span className={`outcome tone-${outcomeTone(r)}`}>{OUTCOME_WORDS[r.outcome] ?? escapeForDisplay(r.outcome)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {results.length === 0 && <p className="hint">Each test's result appears here as soon as the server has answered it.</p>}
    </section>
  );
}
