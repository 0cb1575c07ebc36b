// A result as large as a database written before the result caps (issue 12) can hold: the
// control-flood server's 64 KB replies of 0x01 stored whole, each as text plus a base64 copy, about
// 470 KB an event. Written straight into a data directory before the server opens it (the store
// has one writer), for the viewers benchmark (bench/service-viewers.ts, by relative path) and tests.
import type { ProbeEvent } from '@relayprobe/contracts';
import { ProbeStore } from '../../src/storage/probe-store.js';
import { sampleRequest, sampleResult } from '../storage/sample-probes.js';

/** One 64 KB reply of 0x01 as schema 1 stored it: 16 lines of 4,000 bytes, their text and a base64 copy. */
function floodReply(seq: number): ProbeEvent {
  const lines = [...Array.from({ length: 16 }, () => `554-${'\x01'.repeat(4000)}`), '554 \x01'];
  const raw = Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'utf8').toString('base64');
  return { seq, ms: seq, type: 'reply', phase: 'vector', tls: false, code: 554, lines, raw, elapsedMs: 1, flags: [], vector: 'R01' };
}

/** Store a finished (complete) probe `id` with `replies` such replies and a verdict; returns its events' JSON size in bytes. */
export function storeLegacyFloodResult(dataDir: string, id: string, replies = 80): number {
  const store = ProbeStore.open(dataDir);
  try {
    const request = sampleRequest('127.0.0.1');
    const startedAt = new Date(Date.UTC(2025, 0, 1)).toISOString();
    const finishedAt = new Date(Date.UTC(2025, 0, 1, 0, 1)).toISOString();
    store.createProbe({ id, createdAt: startedAt, target: request.target, request });
    const events: ProbeEvent[] = [{ seq: 1, ms: 0, type: 'info', phase: 'connect', code: 'connected', text: 'Connected to 127.0.0.1.' }];
    for (let i = 0; i < replies; i++) events.push(floodReply(events.length + 1));
    const result = sampleResult(id, request, startedAt, finishedAt);
    if (result.verdict) events.push({ seq: events.length + 1, ms: events.length, type: 'verdict', verdict: result.verdict });
    store.finishProbe(id, {
      status: 'complete',
      finishedAt,
      ...(result.verdict ? { verdict: { code: result.verdict.code, label: result.verdict.label } } : {}),
      result: { ...result, status: 'complete' },
      events,
    });
    return events.reduce((n, e) => n + JSON.stringify(e).length, 0);
  } finally {
    store.close();
  }
}
