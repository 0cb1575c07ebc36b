// The live transcript (role="log"): one element per line, as the CLI prints it (formatEvent),
// grouped by phase and vector, with a key to the enhanced status codes it shows. Server text is only ever a React text node (SECURITY.md §4);
// formatEvent has already made control and bidi characters visible as escapes.
import { memo, useMemo, useRef } from 'react';
import { explainEnhancedStatus } from '@relayprobe/contracts';
import { useApp } from '../../../store/use-app.js';
import type { AppState } from '../../../store/app-state.js';
import { isRunning } from '../../../store/result-state.js';
import { enhancedCodesIn, splitAtEnhanced, transcriptGroups, type TranscriptGroup, type TranscriptLine } from './transcript-groups.js';
import { useStickToBottom } from './stick-to-bottom.js';
import './transcript-log.css';

const selectEvents = (s: AppState) => s.result.shown.events;
const selectRunning = (s: AppState) => isRunning(s.result);

/** An RFC 3463 code, explained on hover (title); keyboard and screen reader users get the explanations in the key below the log. */
function EnhancedCode({ code }: { code: string }) {
  return (
    <abbr className="enhanced" title={explainEnhancedStatus(code) ?? 'Enhanced status code'}>
      {code}
    </abbr>
  );
}

const Line = memo(function Line({ line }: { line: TranscriptLine }) {
  const parts = splitAtEnhanced(line.text, line.enhanced);
  return (
    <div className={`line line-${line.kind}${line.tls ? ' line-tls' : ''}`} data-seq={line.seq}>
      {parts ? (
        <>
          {parts[0]}
          <EnhancedCode code={parts[1]} />
          {parts[2]}
        </>
      ) : (
        line.text
      )}
    </div>
  );
});

const domId = (key: string) => `tg-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`;

// Groups are rebuilt on every event, but a group only ever grows at its end: one with the same
// key, label and number of lines renders the same, so only the last group re-renders.
const Group = memo(GroupLines, (a, b) => a.group.key === b.group.key && a.group.label === b.group.label && a.group.lines.length === b.group.lines.length);

function GroupLines({ group }: { group: TranscriptGroup }) {
  const id = domId(group.key);
  const [first, ...rest] = group.lines;
  // A first line that says what the group is ("=== [R01] ...") is the heading itself; screen
  // readers hear its name without the markers ("R01 plain third-party relay").
  const heading = group.headingIsFirstLine && first ? first : undefined;
  return (
    <div className={`group group-${group.kind}`} role="group" aria-labelledby={id}>
      {heading ? (
        <h3 className={`group-label group-line-label line line-${heading.kind}`} id={id} data-seq={heading.seq} aria-label={group.label}>
          {heading.text}
        </h3>
      ) : (
        <h3 className="group-label" id={id}>
          {group.label}
        </h3>
      )}
      {(heading ? rest : group.lines).map((line) => (
        <Line key={line.key} line={line} />
      ))}
    </div>
  );
}

/** The enhanced status codes the transcript shows, each once, in order, with what they mean. */
function CodeKey({ codes }: { codes: readonly string[] }) {
  if (codes.length === 0) return null;
  return (
    <div className="code-key" id="transcript-codes">
      <h3 className="code-key-title">Status codes in this transcript</h3>
      <dl>
        {codes.map((code) => (
          <div key={code}>
            <dt>{code}</dt>
            <dd>{explainEnhancedStatus(code) ?? 'Enhanced status code'}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/** The transcript section. */
export function TranscriptLog() {
  const events = useApp(selectEvents);
  const running = useApp(selectRunning);
  const groups = useMemo(() => transcriptGroups(events), [events]);
  const codes = useMemo(() => enhancedCodesIn(groups), [groups]);
  const box = useRef<HTMLDivElement>(null);
  useStickToBottom(box, running, events.length);
  return (
    <section className="panel transcript-section" aria-labelledby="transcript-title">
      <h2 id="transcript-title">Transcript</h2>
      <p className="hint legend">
        <code>-&gt;</code> sent, <code>&lt;-</code> received, <code>~&gt;</code> <code>&lt;~</code> inside TLS, <code>===</code> information, <code>***</code> error; each reply ends with the
        milliseconds it took.
      </p>
      {/* One tab stop for the whole log; the codes' explanations are its description. */}
      <div className="transcript" role="log" aria-label="Transcript" aria-describedby={codes.length > 0 ? 'transcript-codes' : undefined} ref={box} tabIndex={0}>
        {groups.map((group) => (
          <Group key={group.key} group={group} />
        ))}
      </div>
      <CodeKey codes={codes} />
    </section>
  );
}
