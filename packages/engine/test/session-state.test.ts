// The session's state machine on its own (session-state.ts): every move the table allows, from
// every phase, leads where it should and carries the phase's data; every other move throws; and
// transition() is pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attempt } from '../src/attempt.js';
import { CONTROLS, RELAY_VECTORS } from '../src/relay-vectors.js';
import { MOVES, attemptOf, eventPhase, transition, type Move, type MoveType, type Phase, type SessionState } from '../src/session-state.js';

const vector = RELAY_VECTORS[0]!;
const attempt: Attempt = { test: { key: vector.id, vector, attempts: 1 }, kind: 'vector', mailFrom: '<x@example.com>', rcptTo: '<r@example.com>', stage: 'main' };
const other: Attempt = { ...attempt, mailReply: { code: 250, text: 'Ok' } };
const control: Attempt = { ...attempt, test: { key: 'C1', vector: CONTROLS[0]!, attempts: 1 } };
const delivery: Attempt = { ...attempt, kind: 'delivery' };
const failure = { verdict: 'unreachable', reason: 'no-service', text: 'No SMTP service.' } as const;

/** The table as the design states it: from each phase, each move and the phase it leads to. */
const EXPECTED = [
  'idle --connect--> connecting',
  'idle --finish--> done',
  'connecting --connected--> greeting',
  'connecting --drop--> idle',
  'greeting --ehlo--> ehlo',
  'greeting --quit--> quit',
  'greeting --drop--> idle',
  'ehlo --helo--> helo',
  'ehlo --starttls--> starttls',
  'ehlo --session-ready--> ready',
  'ehlo --drop--> idle',
  'helo --session-ready--> ready',
  'helo --quit--> quit',
  'helo --drop--> idle',
  'starttls --tls-handshake--> tls-handshake',
  'starttls --session-ready--> ready',
  'starttls --drop--> idle',
  'tls-handshake --ehlo--> ehlo',
  'tls-handshake --drop--> idle',
  'ready --begin-attempt--> transaction',
  'ready --starttls--> starttls',
  'ready --quit--> quit',
  'ready --drop--> idle',
  'transaction --attempt-reply--> transaction',
  'transaction --data--> data',
  'transaction --end-attempt--> ready',
  'transaction --drop--> idle',
  'data --message--> message',
  'data --end-attempt--> ready',
  'data --drop--> idle',
  'message --end-attempt--> ready',
  'message --drop--> idle',
  'quit --drop--> idle',
];

/** One state of each phase (with its data). */
const STATES: Record<Phase, SessionState> = {
  idle: { phase: 'idle' },
  connecting: { phase: 'connecting' },
  greeting: { phase: 'greeting' },
  ehlo: { phase: 'ehlo' },
  helo: { phase: 'helo' },
  starttls: { phase: 'starttls', needsRset: true },
  'tls-handshake': { phase: 'tls-handshake' },
  ready: { phase: 'ready', needsRset: true },
  transaction: { phase: 'transaction', attempt },
  data: { phase: 'data', attempt: delivery },
  message: { phase: 'message', attempt: delivery },
  quit: { phase: 'quit', then: 'finish', failure },
  done: { phase: 'done' },
};

/** One move of each type. */
const SAMPLE_MOVES: Record<MoveType, Move> = {
  connect: { type: 'connect' },
  connected: { type: 'connected' },
  ehlo: { type: 'ehlo' },
  helo: { type: 'helo' },
  starttls: { type: 'starttls' },
  'tls-handshake': { type: 'tls-handshake' },
  'session-ready': { type: 'session-ready' },
  'begin-attempt': { type: 'begin-attempt', attempt },
  'attempt-reply': { type: 'attempt-reply', attempt: other },
  data: { type: 'data' },
  message: { type: 'message' },
  'end-attempt': { type: 'end-attempt', needsRset: true },
  quit: { type: 'quit', then: { greylistWaitMs: 60_000 }, failure },
  drop: { type: 'drop' },
  finish: { type: 'finish' },
};

const PHASES = Object.keys(STATES) as Phase[];
const MOVE_TYPES = Object.keys(SAMPLE_MOVES) as MoveType[];

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

test('the table of moves is the one the design states, and covers every phase', () => {
  const table = PHASES.flatMap((phase) => MOVES[phase].map((move) => `${phase} --${move}--> ${transition(STATES[phase], SAMPLE_MOVES[move]).phase}`));
  assert.deepEqual([...table].sort(), [...EXPECTED].sort());
  assert.deepEqual(Object.keys(MOVES).sort(), [...PHASES].sort());
});

test('every allowed move, from every phase, leads to the phase the table says', () => {
  let checked = 0;
  for (const line of EXPECTED) {
    const [, from, move, to] = /^(\S+) --(\S+)--> (\S+)$/.exec(line) as unknown as [string, Phase, MoveType, Phase];
    assert.equal(transition(STATES[from], SAMPLE_MOVES[move]).phase, to, line);
    checked++;
  }
  assert.equal(checked, EXPECTED.length);
});

test('every move the table does not list throws, from every phase', () => {
  let refused = 0;
  for (const phase of PHASES) {
    for (const move of MOVE_TYPES) {
      if (MOVES[phase].includes(move)) continue;
      assert.throws(() => transition(STATES[phase], SAMPLE_MOVES[move]), new RegExp(`illegal move ${move} in phase ${phase}`), `${phase} --${move}-->`);
      refused++;
    }
  }
  assert.equal(refused, PHASES.length * MOVE_TYPES.length - EXPECTED.length);
});

test("'done' is final and the probe ends only from 'idle'", () => {
  assert.deepEqual(MOVES.done, []);
  assert.deepEqual(
    PHASES.filter((phase) => MOVES[phase].includes('finish')),
    ['idle'],
  );
});

test('a pending RSET survives a refused STARTTLS; EHLO and HELO clear it (RFC 5321 §4.1.4)', () => {
  const ready = (needsRset: boolean): SessionState => ({ phase: 'ready', needsRset });
  for (const needsRset of [true, false]) {
    const starttls = transition(ready(needsRset), { type: 'starttls' });
    assert.deepEqual(starttls, { phase: 'starttls', needsRset });
    assert.deepEqual(transition(starttls, { type: 'session-ready' }), ready(needsRset), 'STARTTLS refused: back to ready as before');
  }
  assert.deepEqual(transition({ phase: 'ehlo' }, { type: 'starttls' }), { phase: 'starttls', needsRset: false });
  assert.deepEqual(transition({ phase: 'ehlo' }, { type: 'session-ready' }), ready(false));
  assert.deepEqual(transition({ phase: 'helo' }, { type: 'session-ready' }), ready(false));
  assert.deepEqual(transition(STATES.transaction, { type: 'end-attempt', needsRset: true }), ready(true));
  assert.deepEqual(transition(STATES.message, { type: 'end-attempt', needsRset: false }), ready(false));
});

test('the attempt lives only in the transaction, DATA and message phases, and goes with them', () => {
  const begun = transition({ phase: 'ready', needsRset: false }, { type: 'begin-attempt', attempt });
  assert.equal(attemptOf(begun), attempt);
  const replied = transition(begun, { type: 'attempt-reply', attempt: other });
  assert.equal(attemptOf(replied), other, 'a reply replaces the attempt with the one that records it');
  const data = transition(replied, { type: 'data' });
  assert.equal(attemptOf(data), other);
  assert.equal(attemptOf(transition(data, { type: 'message' })), other);
  for (const phase of PHASES) assert.equal(attemptOf(STATES[phase]) !== undefined, ['transaction', 'data', 'message'].includes(phase), phase);
  assert.equal(attemptOf(transition(data, { type: 'drop' })), undefined);
  assert.equal(attemptOf(transition(data, { type: 'end-attempt', needsRset: true })), undefined);
});

test('QUIT keeps what follows it and the failure to report meanwhile', () => {
  for (const then of ['reconnect', 'next-target', 'finish', { greylistWaitMs: 5000 }] as const) {
    assert.deepEqual(transition({ phase: 'ready', needsRset: false }, { type: 'quit', then }), { phase: 'quit', then, failure: undefined });
  }
  assert.deepEqual(transition({ phase: 'greeting' }, { type: 'quit', then: 'next-target', failure }), { phase: 'quit', then: 'next-target', failure });
});

test('transition() is pure: the state it is given is never changed', () => {
  for (const line of EXPECTED) {
    const [, from, move] = /^(\S+) --(\S+)-->/.exec(line) as unknown as [string, Phase, MoveType];
    const state = deepFreeze(structuredClone(STATES[from]));
    const before = JSON.stringify(state);
    const next = transition(state, SAMPLE_MOVES[move]);
    assert.equal(JSON.stringify(state), before, line);
    assert.notEqual(next, state, `${line}: a new state`);
  }
});

test('events take their phase from the state: the attempt kind first, then the phase', () => {
  const expected: Record<Phase, string> = {
    idle: 'connect',
    connecting: 'connect',
    greeting: 'greeting',
    ehlo: 'ehlo',
    helo: 'ehlo',
    starttls: 'starttls',
    'tls-handshake': 'starttls',
    ready: 'connect',
    transaction: 'vector',
    data: 'delivery',
    message: 'delivery',
    quit: 'quit',
    done: 'connect',
  };
  for (const phase of PHASES) assert.equal(eventPhase(STATES[phase]), expected[phase], phase);
  assert.equal(eventPhase({ phase: 'transaction', attempt: control }), 'control');
  assert.equal(eventPhase({ phase: 'transaction', attempt: delivery }), 'delivery');
});
