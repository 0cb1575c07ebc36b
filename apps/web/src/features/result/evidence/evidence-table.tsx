// The evidence: one row per vector or control result. Its row header is the key and the test's
// name (visible text, not a tooltip), then the addresses, the reply, and the outcome in words
// (outcomeText) and in colour, never colour alone; a note in the page's words (forPage). On a
// phone each row is stacked as a card (evidence-table.css), with the outcome beside the key; the
// table keeps its column headers for screen readers, and its roles are spelled out because a
// table whose parts are not displayed as table parts loses them in some browsers. A finished probe without results
// (nothing answered) shows no table at all.
import { escapeForDisplay, forPage, type VectorResult } from '@relayprobe/contracts';
import { useApp } from '../../../store/use-app.js';
import type { AppState } from '../../../store/app-state.js';
import { isRunning } from '../../../store/result-state.js';
import { outcomeTone } from './outcome-tone.js';
import { outcomeText } from './outcome-text.js';
import './evidence-table.css';

// A test run again (greylist retry, controls with another sender) shows its latest result only,
// in plan order: the fold's `vectors`.
const selectResults = (s: AppState) => s.result.shown.view.vectors;
const selectRunning = (s: AppState) => isRunning(s.result);

function replyText(result: VectorResult): string {
  const reply = result.reply;
  return reply ? `${reply.code}${reply.enhanced ? ` ${reply.enhanced}` : ''} ${escapeForDisplay(reply.text)}` : '';
}

/** A column's name, shown inside the cell where the phone layout has no header row (hidden from screen readers, which have the header). */
const CellLabel = ({ name }: { name: string }) => (
  <span className="cell-label" aria-hidden="true">
    {name}
  </span>
);

/** The evidence section. */
export function EvidenceTable() {
  const results = useApp(selectResults);
  const running = useApp(selectRunning);
  if (!running && results.length === 0) return null;
  return (
    <section className="panel evidence-section" aria-labelledby="evidence-title">
      <h2 id="evidence-title">Evidence</h2>
      <table className="evidence" role="table" aria-labelledby="evidence-title">
        <thead role="rowgroup">
          <tr role="row">
            <th scope="col" role="columnheader">
              ID
            </th>
            <th scope="col" role="columnheader">
              MAIL FROM
            </th>
            <th scope="col" role="columnheader">
              RCPT TO
            </th>
            <th scope="col" role="columnheader">
              Reply
            </th>
            <th scope="col" role="columnheader">
              Outcome
            </th>
          </tr>
        </thead>
        <tbody role="rowgroup">
          {results.map((r) => (
            <tr key={r.key} className={`weight-${r.weight}`} role="row">
              <th scope="row" role="rowheader" className="key-cell">
                <span className="key">{r.key}</span> <span className="vector-name">{escapeForDisplay(r.name)}</span>
              </th>
              <td className="address mail-from" role="cell">
                <CellLabel name="MAIL FROM" />
                {escapeForDisplay(r.mailFrom)}
                {r.senderRetry && (
                  <span className="cell-note">
                    after {escapeForDisplay(r.senderRetry.refusedMailFrom)} was refused ({r.senderRetry.mailReply.code})
                  </span>
                )}
              </td>
              <td className="address rcpt-to" role="cell">
                <CellLabel name="RCPT TO" />
                {escapeForDisplay(r.rcptTo)}
              </td>
              <td className="reply" role="cell">
                <CellLabel name="Reply" />
                {replyText(r)}
                {r.note !== undefined && <span className="cell-note">{escapeForDisplay(forPage(r.note))}</span>}
              </td>
              <td className="outcome-cell" role="cell">
                <span className={`outcome tone-${outcomeTone(r)}`}>{outcomeText(r)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {results.length === 0 && <p className="hint">Each test's result appears here as soon as the server has answered it.</p>}
    </section>
  );
}
