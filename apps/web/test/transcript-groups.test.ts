// The transcript (src/features/result/transcript/transcript-groups.ts): lines exactly as the CLI
// prints them (formatEvent), grouped by phase and vector, with kinds, TLS marks and the enhanced
// status code located for its explanation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTranscript } from '@relayprobe/contracts';
import { enhancedCodesIn, groupOf, linesOf, repeats, splitAtEnhanced, transcriptGroups } from '../src/features/result/transcript/transcript-groups.js';
import { EventLog, command, info, openRelayTranscript, reply, vectorResult, vectorStart } from './helpers/events.js';

const events = openRelayTranscript().events;

test('the lines are the CLI transcript, line for line', () => {
  const lines = transcriptGroups(events).flatMap((g) => g.lines.map((l) => l.text));
  assert.equal(lines.join('\n') + '\n', formatTranscript(events));
});

test('lines are grouped by phase, then one group per vector', () => {
  const groups = transcriptGroups(events);
  assert.deepEqual(
    groups.map((g) => `${g.kind}:${g.id}`),
    ['phase:resolve', 'phase:connect', 'phase:greeting', 'phase:ehlo', 'vector:C1', 'vector:R01', 'phase:quit', 'phase:done'],
  );
  const r01 = groups.find((g) => g.id === 'R01');
  // The vector's start line names it: that line is the heading (named without its markers), not a heading repeating it.
  assert.equal(r01?.label, 'R01 plain third-party relay');
  assert.equal(r01?.headingIsFirstLine, true);
  assert.equal(r01?.lines[0]?.text, '=== [R01] plain third-party relay (test 2 of 2)');
  assert.equal(r01?.lines.length, 8); // start, RSET, MAIL, RCPT, three replies, result
  assert.equal(groups.find((g) => g.id === 'greeting')?.label, 'Greeting');
  assert.equal(new Set(groups.map((g) => g.key)).size, groups.length, 'group keys are unique');
});

test('a vector interrupted by a reconnect gets a second group of its own', () => {
  const log = new EventLog();
  log.add(vectorStart('R05', 'local sender', 1, 1));
  log.add(command('MAIL FROM:<x@mx.example.com>', 'vector', 'R05'));
  log.add(info('connecting', 'Trying 192.0.2.1:25...'));
  log.add(command('MAIL FROM:<x@mx.example.com>', 'vector', 'R05'));
  log.add(vectorResult('R05', 'relay-denied'));
  const groups = transcriptGroups(log.events);
  assert.deepEqual(
    groups.map((g) => g.id),
    ['R05', 'connect', 'R05'],
  );
  assert.equal(groups[2]?.label, 'R05 local sender (continued)');
  assert.equal(groups[2]?.headingIsFirstLine, false);
  assert.notEqual(groups[0]?.key, groups[2]?.key);
});

test('each line knows its direction and whether it was inside TLS', () => {
  const log = new EventLog();
  log.add(command('STARTTLS', 'starttls'));
  log.add(reply(['220 2.0.0 Ready'], { phase: 'starttls', enhanced: '2.0.0' }));
  log.add(command('EHLO prober.example.net', 'ehlo', undefined, true));
  log.add(reply(['250 mx.example.com'], { phase: 'ehlo', tls: true }));
  log.add({ type: 'error', phase: 'vector', code: 'reply-timeout', side: 'server', text: 'No reply in 30 s.' });
  const lines = log.events.flatMap(linesOf);
  assert.deepEqual(
    lines.map((l) => [l.kind, l.tls]),
    [
      ['sent', false],
      ['received', false],
      ['sent', true],
      ['received', true],
      ['error', false],
    ],
  );
  assert.equal(lines[2]?.text, ' ~> EHLO prober.example.net');
  assert.equal(lines[3]?.text, '<~  250 mx.example.com  (30 ms)');
  assert.deepEqual(groupOf(log.events[0]!), { kind: 'phase', id: 'starttls' });
});

test('server text with control characters is shown as escapes, never raw', () => {
  const log = new EventLog();
  log.add(reply(['220 evil\u001b[2J\u202e<script>alert(1)</script>\u0000'], { phase: 'greeting' }));
  const [line] = linesOf(log.events[0]!);
  assert.equal(line?.text, '<-  220 evil\\e[2J\\u202e<script>alert(1)</script>\\x00  (30 ms)');
});

test('the enhanced code is found after the reply code, in replies and in results', () => {
  assert.deepEqual(splitAtEnhanced('<-  550 5.7.1 <r@example.com>: Relay access denied  (31 ms)', '5.7.1'), ['<-  550 ', '5.7.1', ' <r@example.com>: Relay access denied  (31 ms)']);
  assert.deepEqual(splitAtEnhanced('<-  250-2.1.5 Ok', '2.1.5'), ['<-  250-', '2.1.5', ' Ok']);
  assert.deepEqual(splitAtEnhanced('=== [R01] refused: relaying denied (554 5.7.1 Relay access denied)', '5.7.1'), ['=== [R01] refused: relaying denied (554 ', '5.7.1', ' Relay access denied)']);
  assert.equal(splitAtEnhanced('<-  250 Ok 5.7.1', '5.7.1'), undefined, 'only right after the reply code');
  assert.equal(splitAtEnhanced('<-  550 5.7.10 Encryption needed', '5.7.1'), undefined, 'not a prefix of a longer code');
  assert.equal(splitAtEnhanced('<-  550 5.7.1 x', undefined), undefined);
  assert.equal(splitAtEnhanced('<-  550 5.7.1 x', '5.x.1'), undefined);
  const replyLine = linesOf(events[9]!)[0];
  assert.equal(replyLine?.enhanced, '2.1.0');
  const resultLine = linesOf(events[11]!)[0];
  assert.equal(resultLine?.enhanced, '2.1.5');
});

test('an event is formatted once: its lines keep their identity across renders', () => {
  assert.equal(linesOf(events[4]!), linesOf(events[4]!));
  const first = transcriptGroups(events.slice(0, 6));
  const later = transcriptGroups(events);
  assert.equal(first[0]?.lines[0], later[0]?.lines[0]);
});

test('no group heading repeats the line beneath it', () => {
  for (const group of transcriptGroups(openRelayTranscript().events)) {
    // What the reader sees as the heading, and the line under it.
    const [heading, beneath] = group.headingIsFirstLine ? [group.lines[0]?.text ?? '', group.lines[1]?.text] : [group.label, group.lines[0]?.text];
    if (beneath !== undefined) assert.ok(!repeats(beneath, heading), `"${heading}" over "${beneath}"`);
  }
});

test('phases whose first line starts with a command or "Verdict" have headings in other words', () => {
  const log = new EventLog();
  log.add(command('EHLO prober.example.net', 'ehlo'));
  log.add(command('STARTTLS', 'starttls'));
  log.add(command('QUIT', 'quit'));
  log.add({ type: 'verdict', verdict: { code: 'closed', label: 'Not an open relay', summary: 's', advice: 'a', reasons: [] } });
  const groups = transcriptGroups(log.events);
  assert.deepEqual(
    groups.map((g) => [g.label, g.headingIsFirstLine]),
    [
      ['Introduction and extensions', false],
      ['Upgrade to TLS', false],
      ['Closing', false],
      ['Summary', false],
    ],
  );
  for (const group of groups) assert.ok(!repeats(group.lines[0]?.text ?? '', group.label), group.label);
});

test('the key lists each enhanced code shown, once, in order, and nothing that is not one', () => {
  const log = new EventLog();
  log.add(reply(['250 2.1.0 Ok'], { enhanced: '2.1.0' }));
  log.add(reply(['554 5.7.1 Relay access denied'], { enhanced: '5.7.1' }));
  log.add(reply(['250 2.1.0 Ok'], { enhanced: '2.1.0' }));
  log.add(reply(['550 x.y.z odd'], { enhanced: 'x.y.z' }));
  assert.deepEqual(enhancedCodesIn(transcriptGroups(log.events)), ['2.1.0', '5.7.1']);
});
