// Builders of probe events for tests: the same shapes the probe emits (contracts/events.ts),
// numbered in order by an EventLog so seq and ms stay consistent.
import type { ProbeEvent, ResultDocument, TlsDetails, VectorResult, Verdict } from '@relayprobe/contracts';

type Body<E> = E extends ProbeEvent ? Omit<E, 'seq' | 'ms'> : never;

/** Numbers events from 1, 10 ms apart. */
export class EventLog {
  readonly events: ProbeEvent[] = [];

  add(body: Body<ProbeEvent>): ProbeEvent {
    const seq = this.events.length + 1;
    const event = { ...body, seq, ms: seq * 10 } as ProbeEvent;
    this.events.push(event);
    return event;
  }
}

export const resolution = (input = '192.0.2.1'): Body<ProbeEvent> => ({
  type: 'resolution',
  resolution: { input, kind: 'ipv4', mx: [], nullMx: false, implicitMx: false, addresses: [{ address: input, family: 4, allowed: true }] },
});
export const info = (code: string, text: string, phase = 'connect', vector?: string): Body<ProbeEvent> => ({ type: 'info', phase, code, text, ...(vector ? { vector } : {}) }) as Body<ProbeEvent>;
export const command = (text: string, phase = 'vector', vector?: string, tls = false): Body<ProbeEvent> => ({ type: 'command', phase, tls, text, ...(vector ? { vector } : {}) }) as Body<ProbeEvent>;
export const reply = (lines: string[], options: { phase?: string; vector?: string; elapsedMs?: number; enhanced?: string; tls?: boolean; flags?: string[] } = {}): Body<ProbeEvent> =>
  ({
    type: 'reply',
    phase: options.phase ?? 'vector',
    tls: options.tls ?? false,
    code: Number(lines[0]?.slice(0, 3)),
    lines,
    elapsedMs: options.elapsedMs ?? 30,
    flags: options.flags ?? [],
    ...(options.enhanced ? { enhanced: options.enhanced } : {}),
    ...(options.vector ? { vector: options.vector } : {}),
  }) as Body<ProbeEvent>;
export const vectorStart = (vector: string, name: string, index: number, total: number): Body<ProbeEvent> => ({ type: 'vector-start', vector, name, index, total });

export function vectorResult(key: string, outcome: VectorResult['outcome'], extra: Partial<VectorResult> = {}): Body<ProbeEvent> {
  const result: VectorResult = {
    id: key.split('@')[0] as string,
    key,
    name: `${key} trick`,
    weight: key.startsWith('C') ? 'control' : 'strong',
    mailFrom: '<x@example.com>',
    rcptTo: '<r@example.com>',
    outcome,
    flags: [],
    ...extra,
  };
  return { type: 'vector-result', result };
}

export const VERDICT_OPEN: Verdict = {
  code: 'open',
  label: 'Open relay',
  summary: 'The server accepted mail for a domain it does not serve (R01).',
  advice: 'Restrict relaying, then test again.',
  reasons: [{ code: 'strong-accepted', text: 'Accepted: R01.', vectors: ['R01'] }],
};
export const verdict = (v: Verdict = VERDICT_OPEN): Body<ProbeEvent> => ({ type: 'verdict', verdict: v });

export const TLS_SELF_SIGNED: TlsDetails = {
  protocol: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  authorized: false,
  authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
  hostnameMatch: false,
  hostnameError: "Hostname/IP does not match certificate's altnames",
  servername: 'mx.example.com',
  certificate: { subject: 'CN=other.example', issuer: 'CN=other.example', subjectAltNames: [], validFrom: '2026-01-01', validTo: '2027-01-01T00:00:00Z', fingerprint256: 'AA', selfSigned: true },
};

/** A quick-suite open relay: resolution, greeting, EHLO, C1 and R01 pipelined, verdict. */
export function openRelayTranscript(): EventLog {
  const log = new EventLog();
  log.add(resolution());
  log.add(info('connecting', 'Trying 192.0.2.1:25...'));
  log.add(info('connected', 'Connected to 192.0.2.1.'));
  log.add(reply(['220 mx.example.com ESMTP'], { phase: 'greeting', elapsedMs: 40 }));
  log.add(command('EHLO prober.example.net', 'ehlo'));
  log.add(reply(['250-mx.example.com', '250-PIPELINING', '250 8BITMIME'], { phase: 'ehlo' }));
  log.add(vectorStart('C1', 'postmaster is accepted', 1, 2));
  log.add(command('MAIL FROM:<x@example.com>', 'control', 'C1'));
  log.add(command('RCPT TO:<postmaster@mx.example.com>', 'control', 'C1'));
  log.add(reply(['250 2.1.0 Ok'], { phase: 'control', vector: 'C1', enhanced: '2.1.0' }));
  log.add(reply(['250 2.1.5 Ok'], { phase: 'control', vector: 'C1', enhanced: '2.1.5' }));
  log.add(vectorResult('C1', 'accepted', { expectationMet: true, reply: { code: 250, enhanced: '2.1.5', text: 'Ok' } }));
  log.add(vectorStart('R01', 'plain third-party relay', 2, 2));
  log.add(command('RSET', 'vector', 'R01'));
  log.add(command('MAIL FROM:<x@example.com>', 'vector', 'R01'));
  log.add(command('RCPT TO:<r@example.com>', 'vector', 'R01'));
  log.add(reply(['250 2.0.0 Ok'], { vector: 'R01', enhanced: '2.0.0' }));
  log.add(reply(['250 2.1.0 Ok'], { vector: 'R01', enhanced: '2.1.0' }));
  log.add(reply(['250 2.1.5 Ok'], { vector: 'R01', enhanced: '2.1.5', elapsedMs: 35 }));
  log.add(vectorResult('R01', 'accepted', { reply: { code: 250, enhanced: '2.1.5', text: 'Ok' } }));
  log.add(command('QUIT', 'quit'));
  log.add(reply(['221 2.0.0 Bye'], { phase: 'quit', enhanced: '2.0.0' }));
  log.add(verdict());
  return log;
}

/** A result document around `events`. */
export function documentOf(id: string, events: readonly ProbeEvent[], status: ResultDocument['status'], extra: Partial<ResultDocument> = {}): ResultDocument {
  return {
    schemaVersion: 1,
    id,
    tool: { name: 'relayprobe', version: '0.1.0' },
    status,
    request: { target: '192.0.2.1', port: 25, suite: 'quick', tls: 'auto', helo: 'prober.example.net', testDomain: 'example.com', sendMessage: false, timeoutSeconds: 30 },
    startedAt: '2026-01-01T00:00:00.000Z',
    vectors: [],
    events: [...events],
    ...extra,
  };
}
