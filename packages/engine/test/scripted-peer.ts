// An in-memory SMTP peer that drives the engine with no sockets: it carries out the engine's
// actions on a virtual clock, answers each written line from a policy, and fires the earliest
// timer whenever the peer stays silent. Used by the engine tests and bench/engine-suite-cpu.ts.
import type { TlsDetails } from '@relayprobe/contracts';
import { ProbeSession, Transcript, type EngineAction, type EngineInput, type EngineOptions, type EngineResult, type TimerName } from '../src/index.js';

export interface PeerPolicy {
  /** Reply to the connection, or 'refuse' / 'silent' / 'no-connect' (TCP never opens: the connect timer fires). Lines include codes: ["220 mx.peer.example ESMTP"]. */
  greeting?: (connection: number, tls: boolean) => string[] | 'refuse' | 'silent' | 'no-connect';
  /**
   * The second connection of the implicit TLS check ('sniff-tls', TLS from the first byte):
   * 'tls' = the handshake succeeds, and once adopted it greets with greeting(connection, true);
   * 'fail' = the handshake fails; 'hang' = no answer. Default 'fail' (a port that speaks plain text).
   */
  sniff?: (connection: number) => 'tls' | 'fail' | 'hang';
  extensions?: string[];
  /** Reply lines for one command line: undefined = default Postfix-like answer, [] = stay silent, 'close' = close. */
  reply?: (line: string, state: PeerState) => string[] | 'close' | undefined;
  /** Bytes to append after a reply (injection tests). */
  after?: (line: string) => string | undefined;
}

export interface PeerState {
  connection: number;
  tls: boolean;
  mailAccepted: boolean;
  inData: boolean;
  commands: number;
}

export const PEER_TLS: TlsDetails = {
  protocol: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  authorized: true,
  authorizationError: null,
  hostnameMatch: true,
  hostnameError: null,
  servername: null,
  certificate: null,
};

export const defaultOptions = (overrides: Partial<EngineOptions> = {}): EngineOptions => ({
  runId: 'run-test',
  token: 'tok123',
  suite: 'standard',
  tls: 'auto',
  port: 25,
  helo: 'prober.test',
  testDomain: 'example.com',
  sendMessage: false,
  replyTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  probeDeadlineMs: 300_000,
  targets: [{ address: '192.0.2.10', family: 4, host: 'mx.peer.example' }],
  localNameHints: [],
  wallClockStart: Date.UTC(2026, 10, 29),
  ...overrides,
});

export interface Run {
  result: EngineResult;
  transcript: Transcript;
  /** Every line the engine wrote, per connection. */
  written: string[][];
  actions: EngineAction[];
  elapsedMs: number;
}

/** Run a whole probe against the policy; throws if it does not finish within `maxSteps`. */
export function runAgainst(policy: PeerPolicy, options: EngineOptions = defaultOptions(), maxSteps = 100_000): Run {
  let now = 1_000;
  const transcript = new Transcript(now);
  const engine = new ProbeSession(options, transcript);
  const timers = new Map<TimerName, number>();
  const written: string[][] = [];
  const all: EngineAction[] = [];
  const inbox: EngineInput[] = [];
  const encoder = new TextEncoder();
  let state: PeerState = { connection: 0, tls: false, mailAccepted: false, inData: false, commands: 0 };
  let open = false;
  /** Connections opened so far, the implicit TLS check's included; the check's own, until adopted. */
  let opened = 0;
  let sniffConnection: number | undefined;

  const serverSays = (lines: string[]) => inbox.push({ type: 'data', now, bytes: encoder.encode(lines.map((l) => `${l}\r\n`).join('')) });
  const apply = (actions: EngineAction[]) => {
    for (const action of actions) {
      all.push(action);
      switch (action.type) {
        case 'connect': {
          state = { connection: ++opened, tls: action.implicitTls, mailAccepted: false, inData: false, commands: 0 };
          written.push([]);
          const greeting = policy.greeting?.(state.connection, action.implicitTls) ?? ['220 mx.peer.example ESMTP Postfix'];
          if (greeting === 'refuse') {
            inbox.push({ type: 'connect-failed', now, code: 'connect-refused', message: 'ECONNREFUSED' });
            break;
          }
          if (greeting === 'no-connect') break;
          open = true;
          inbox.push({ type: 'connected', now, localAddress: '198.51.100.7', localPort: 40000, ...(action.implicitTls ? { tls: PEER_TLS } : {}) });
          if (greeting !== 'silent') serverSays(greeting);
          break;
        }
        case 'write': {
          const lines = action.data.split('\r\n');
          if (lines.pop() !== '') throw new Error(`write not CRLF-terminated: ${JSON.stringify(action.data)}`);
          const replies: string[] = [];
          let extra = '';
          for (const line of lines) {
            written[written.length - 1]?.push(line);
            state.commands++;
            const r = answer(line, policy, state);
            if (r === 'close') {
              inbox.push({ type: 'closed', now });
              open = false;
              break;
            }
            if (r) replies.push(...r);
            extra += policy.after?.(line) ?? '';
          }
          if (replies.length > 0 || extra) inbox.push({ type: 'data', now: now + 1, bytes: encoder.encode(replies.map((l) => `${l}\r\n`).join('') + extra) });
          break;
        }
        case 'start-tls':
          state.tls = true;
          inbox.push({ type: 'tls-ready', now, details: PEER_TLS });
          break;
        case 'set-timer':
          timers.set(action.timer, now + action.ms);
          break;
        case 'clear-timer':
          timers.delete(action.timer);
          break;
        case 'close':
          open = false;
          inbox.length = 0;
          break;
        case 'sniff-tls': {
          sniffConnection = ++opened;
          const outcome = policy.sniff?.(sniffConnection) ?? 'fail';
          if (outcome === 'tls') inbox.push({ type: 'sniff-connected', now, localAddress: '198.51.100.7', localPort: 40001, tls: PEER_TLS });
          if (outcome === 'fail') inbox.push({ type: 'sniff-failed', now, code: 'tls-failed', message: 'ECONNRESET socket hang up' });
          break;
        }
        case 'adopt-sniff': {
          if (sniffConnection === undefined) throw new Error('scripted peer: adopt-sniff without a sniff connection');
          state = { connection: sniffConnection, tls: true, mailAccepted: false, inData: false, commands: 0 };
          sniffConnection = undefined;
          written.push([]);
          open = true;
          const greeting = policy.greeting?.(state.connection, true) ?? ['220 mx.peer.example ESMTP Postfix'];
          if (Array.isArray(greeting)) serverSays(greeting);
          break;
        }
        case 'close-sniff':
          sniffConnection = undefined;
          break;
        case 'event':
        case 'finish':
          break;
      }
    }
  };

  apply(engine.start(now));
  for (let step = 0; !engine.finished; step++) {
    if (step > maxSteps) throw new Error('scripted peer: the probe did not finish');
    const input = inbox.shift();
    if (input) {
      now = Math.max(now, input.now) + 1;
      apply(engine.handle({ ...input, now }));
      continue;
    }
    const [timer, at] = [...timers.entries()].sort((a, b) => a[1] - b[1])[0] ?? [];
    if (!timer || at === undefined) throw new Error(`scripted peer: engine is stuck (open=${open})`);
    timers.delete(timer);
    now = Math.max(now, at);
    apply(engine.handle({ type: 'timer', now, timer }));
  }
  return { result: engine.result(), transcript, written, actions: all, elapsedMs: now - 1_000 };
}

function answer(line: string, policy: PeerPolicy, state: PeerState): string[] | 'close' | undefined {
  if (state.inData) {
    if (line === '.') {
      state.inData = false;
      return policy.reply?.(line, state) ?? ['250 2.0.0 Ok: queued as ABC123'];
    }
    return [];
  }
  const custom = policy.reply?.(line, state);
  if (custom !== undefined) {
    if (custom !== 'close' && line.startsWith('MAIL') && custom[0]?.startsWith('2')) state.mailAccepted = true;
    if (custom !== 'close' && line === 'DATA' && custom[0]?.startsWith('354')) state.inData = true;
    return custom;
  }
  const verb = line.split(/[ :]/, 1)[0]?.toUpperCase();
  switch (verb) {
    case 'EHLO':
      return [
        '250-mx.peer.example',
        ...(policy.extensions ?? ['PIPELINING', 'STARTTLS', '8BITMIME']).filter((e) => !(state.tls && e === 'STARTTLS')).map((e, i, all) => `250${i === all.length - 1 ? ' ' : '-'}${e}`),
      ];
    case 'HELO':
      return ['250 mx.peer.example'];
    case 'STARTTLS':
      return ['220 2.0.0 Ready to start TLS'];
    case 'RSET':
      state.mailAccepted = false;
      return ['250 2.0.0 Ok'];
    case 'MAIL':
      state.mailAccepted = true;
      return ['250 2.1.0 Ok'];
    case 'RCPT':
      return state.mailAccepted ? ['554 5.7.1 Relay access denied'] : ['503 5.5.1 Error: need MAIL command'];
    case 'DATA':
      state.inData = true;
      return ['354 End data with <CR><LF>.<CR><LF>'];
    case 'QUIT':
      return ['221 2.0.0 Bye'];
    default:
      return ['502 5.5.2 Error: command not recognized'];
  }
}

/** Local part + domain of a path like <a@b> (undefined for odd forms). */
export function isForeign(path: string, localDomains: string[]): boolean {
  const m = /^<?([^<>@"%!:]+)@([^<>@"%!:]+)>?$/.exec(path);
  if (!m) return true;
  return !localDomains.includes((m[2] as string).toLowerCase());
}
