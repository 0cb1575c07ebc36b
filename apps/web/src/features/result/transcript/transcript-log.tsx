// The live transcript (role="log"): one element per line, as the CLI prints it (formatEvent),
// grouped by phase and vector. Server text is only ever a React text node (SECURITY.md §4);
// formatEvent has already made control and bidi characters visible as escapes.
import { memo, useMemo, useRef } from 'react';
import { explainEnhancedStatus } from '@relayprobe/contracts';
import { useApp } from '../../../store/use-app.js';
import type { AppState } from '../../../store/app-state.js';
import { isRunning } from '../../../store/result-state.js';
import { splitAtEnhanced, transcriptGroups, type TranscriptGroup, type TranscriptLine } from './transcript-groups.js';
import { useStickToBottom } from './stick-to-bottom.js';
import './transcript-log.css';

const selectEvents = (s: AppState) => s.result.shown.events;
const selectRunning = (s: AppState) => isRunning(s.result);

/** An RFC 3463 code, explained on hover (title) and on keyboard focus (CSS shows the title). */
function EnhancedCode({ code }: { code: string }) {
  const meaning = explainEnhancedStatus(code) ?? 'Enhanced status code';
  return (
    <abbr className="enhanced" title={meaning} tabIndex={0} data-meaning={meaning}>
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
  return (
    <div className={`group group-${group.kind}`} role="group" aria-labelledby={id}>
      <h3 className="group-label" id={id}>
        {group.label}
      </h3>
      {group.lines.map((line) => (
        <Line key={line.key} line={line} />
      ))}
    </div>
  );
}

/** The transcript section. */
export function TranscriptLog() {
  const events = useApp(selectEvents);
  const running = useApp(selectRunning);
  const groups = useMemo(() => transcriptGroups(events), [events]);
  const box = useRef<HTMLDivElement>(null);
  useStickToBottom(box, running, events.length);
  return (
    <section className="panel transcript-section">
      <h2 id="transcript-title">Transcript</h2>
      <p className="hint legend">
        <code>-&gt;</code> sent, <code>&lt;-</code> received, <code>~&gt;</code> <code>&lt;~</code> inside TLS, <code>===</code> information,{' '}
        <code>***</code> error; each reply ends with the milliseconds it took.
      </p>
      <div className="transcript" role="log" aria-label="Transcript" ref={box} tabIndex={0}>
        {groups.map((group) => (
          <Group key={group.key} group={group} />
        ))}
      </div>
    </section>
  );
}
