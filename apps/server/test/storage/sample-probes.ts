// Sample requests, events and results for the storage tests: every event kind the transcript
// uses, with text a careless store could mangle (non-ASCII, controls, quotes, U+2028).
import type { ProbeEvent, ProbeRequest, ResultDocument } from '@relayprobe/contracts';

/** A request as the server fills it in. */
export function sampleRequest(target: string): ProbeRequest {
  return { target, port: 25, suite: 'quick', tls: 'auto', helo: 'probe.example.net', testDomain: 'example.com', sendMessage: false, timeoutSeconds: 30 };
}

/** Events `from`, `from + 1`, ... (count of them), cycling through the event kinds. */
export function sampleEvents(from: number, count: number): ProbeEvent[] {
  return Array.from({ length: count }, (_, i) => sampleEvent(from + i));
}

/** One event with the given seq; its kind depends on the seq. */
export function sampleEvent(seq: number): ProbeEvent {
  const ms = seq * 7;
  switch (seq % 5) {
    case 0:
      return { seq, ms, type: 'command', phase: 'vector', tls: true, text: `RCPT TO:<"r@ext"@[192.0.2.1]>`, vector: 'R14' };
    case 1:
      return { seq, ms, type: 'info', phase: 'connect', code: 'connected', text: 'connected to 192.0.2.1:25 — ünïcödé \u2028 "quoted"' };
    case 2:
      return {
        seq,
        ms,
        type: 'reply',
        phase: 'ehlo',
        tls: false,
        code: 250,
        lines: ['250-mx.example.com', '250-PIPELINING', '250 8BITMIME'],
        elapsedMs: 12,
        flags: [],
      };
    case 3:
      return {
        seq,
        ms,
        type: 'reply',
        phase: 'vector',
        tls: false,
        code: 554,
        enhanced: '5.7.1',
        lines: ['554 5.7.1 <r@ext>: Relay access denied\u0000\u001b[31m'],
        raw: 'NTU0IDUuNy4x',
        elapsedMs: 3,
        flags: ['bare-lf'],
        vector: 'R01',
      };
    default:
      return { seq, ms, type: 'error', phase: 'greeting', code: 'reply-timeout', side: 'server', text: 'no reply within 30 s', evidence: 'AAEC' };
  }
}

/** A final result (without events) for the given probe. */
export function sampleResult(id: string, request: ProbeRequest, startedAt: string, finishedAt: string): Omit<ResultDocument, 'events'> {
  return {
    schemaVersion: 1,
    id,
    tool: { name: 'relayprobe', version: '0.1.0' },
    status: 'complete',
    request,
    startedAt,
    finishedAt,
    durationMs: 1234,
    vectors: [
      {
        id: 'R01',
        key: 'R01',
        name: 'plain third-party relay',
        weight: 'strong',
        mailFrom: '<x@example.com>',
        rcptTo: '<r@example.com>',
        outcome: 'relay-denied',
        reply: { code: 554, enhanced: '5.7.1', text: 'Relay access denied' },
        flags: [],
      },
    ],
    verdict: { code: 'closed', label: 'Not an open relay', summary: 'Every relay attempt was refused.', advice: 'Nothing to do.', reasons: [] },
  };
}

/** The n-th second of a fixed day, as Date#toISOString text. */
export function isoAt(second: number): string {
  return new Date(Date.UTC(2025, 0, 1, 0, 0, second)).toISOString();
}
