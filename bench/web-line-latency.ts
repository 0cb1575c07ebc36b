// Benchmark part (bench/web.ts): how long a transcript event takes to become a line on the result
// page, in Chromium, over a whole thorough suite (≥ 200 events). DESIGN.md: "a transcript line
// reaches a connected browser within 10 ms (p95) of the byte arriving at the probe socket".
//
// Three figures, each p50/p95:
// - message → DOM: the WebSocket message's dispatch in the page to the MutationObserver callback
//   after which the role=log text holds the event's line(s) (page clock, sub-millisecond);
// - message → frame: the same, to the animation frame that paints it;
// - reply written → page: the fake server writing a reply (Date.now() here) to the page receiving
//   that reply's event (Date.now() in the page): both clocks are this machine's wall clock, at
//   1 ms resolution. It spans the probe's socket, the engine, storage, the WebSocket and the page.
//
// The fake server holds its greeting until the page has opened its WebSocket, so every SMTP event
// reaches the page live rather than as a replay of stored events.
import { chromium, type Browser } from '@playwright/test';
import { formatEvent, type ProbeEvent, type ReplyEvent, type ResultDocument } from '@relayprobe/contracts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/support/chromium.js';
import { percentile } from './stats.js';
import { PAGE_HOOKS } from './web-page-hooks.js';
import type { WrittenReply } from './service-timed-target.js';
import { startGatedTarget, startWebBenchServer } from './web-fixtures.js';

/** Delay of every reply batch of the fake server: a short network round trip. */
const LATENCY_MS = 20;
const MIN_EVENTS = 200;

interface PageRecord {
  messages: { t: number; wall: number; data: string }[];
  snapshots: { t: number; frameT: number | null; text: string }[];
}

/** The few page globals read here (bench/ compiles without the DOM library). */
interface InPage {
  __relayprobeBench: PageRecord & { done: boolean };
  document: { querySelector(selector: string): { textContent: string | null } | null };
}

const strip = (text: string) => text.replace(/\s+/g, '');

function countOf(haystack: string, needle: string, atLeast: number): boolean {
  let count = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) {
    if (++count >= atLeast) return true;
  }
  return false;
}

/** Per event with lines: when its message arrived and when all its lines were in the log (page clock). */
function eventTimings(result: ResultDocument, page: PageRecord) {
  const arrivals = new Map<number, { t: number; wall: number }>();
  for (const message of page.messages) {
    const parsed = JSON.parse(message.data) as { type: string; seq?: number };
    if (parsed.type === 'event' && parsed.seq !== undefined && !arrivals.has(parsed.seq)) arrivals.set(parsed.seq, { t: message.t, wall: message.wall });
  }
  const texts = page.snapshots.map((s) => strip(s.text));
  // The first snapshot holding `line` at least `count` times (the log only grows: binary search).
  const firstHolding = (line: string, count: number): number => {
    let lo = 0;
    let hi = texts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (countOf(texts[mid] as string, line, count)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const seen = new Map<string, number>();
  const timings: { seq: number; dom: number; frame: number | null; wall: number }[] = [];
  // Events loaded before the page's socket opened (the page may GET the stored ones first), and
  // events whose line(s) never showed up in the log.
  let notStreamed = 0;
  let notShown = 0;
  for (const event of result.events) {
    const lines = formatEvent(event)
      .map(strip)
      .filter((l) => l.length > 0);
    if (lines.length === 0) continue;
    let last = -1;
    for (const line of lines) {
      const count = (seen.get(line) ?? 0) + 1;
      seen.set(line, count);
      last = Math.max(last, firstHolding(line, count));
    }
    const arrival = arrivals.get(event.seq);
    const snapshot = page.snapshots[last];
    if (!arrival) {
      notStreamed++;
      continue;
    }
    if (!snapshot) {
      notShown++;
      continue;
    }
    timings.push({ seq: event.seq, dom: snapshot.t - arrival.t, frame: snapshot.frameT === null ? null : snapshot.frameT - arrival.t, wall: arrival.wall });
  }
  return { timings, notStreamed, notShown };
}

/** Pairs each reply event with the fake server's written reply it reports (matched by its last line, in order). */
function replyWriteTimes(events: readonly ProbeEvent[], replies: readonly WrittenReply[]): Map<number, number> {
  const bySeq = new Map<number, number>();
  let next = 0;
  for (const event of events) {
    if (event.type !== 'reply') continue;
    const last = (event as ReplyEvent).lines.at(-1);
    const at = replies.findIndex((reply, i) => i >= next && reply.lines.at(-1) === last);
    if (at < 0) continue;
    bySeq.set(event.seq, (replies[at] as WrittenReply).at);
    next = at + 1;
  }
  return bySeq;
}

const figures = (values: number[], digits: number) => `p50 ${percentile(values, 50).toFixed(digits)} ms, p95 ${percentile(values, 95).toFixed(digits)} ms`;

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return (await response.json()) as T;
}

/** Runs one thorough probe watched by Chromium and prints the latency figures. */
export async function measureLineLatency(): Promise<void> {
  const server = await startWebBenchServer();
  const target = await startGatedTarget(LATENCY_MS).catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], headless: true });
    const page = await browser.newPage();
    await page.addInitScript({ content: PAGE_HOOKS });
    const created = await fetch(`${server.baseUrl}/api/v1/probes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ target: '127.0.0.1', port: target.handle.port, suite: 'thorough', tls: 'none' }),
    });
    if (created.status !== 201) throw new Error(`POST /api/v1/probes: ${created.status} ${await created.text()}`);
    const { id } = (await created.json()) as { id: string };

    const socketOpened = page.waitForEvent('websocket', { timeout: 15_000 }).catch(() => {
      throw new Error('the result page opened no WebSocket within 15 s (is apps/web built?)');
    });
    await page.goto(`${server.baseUrl}/r/${id}`);
    await socketOpened;
    target.open();

    // Functions, not strings: the page's CSP forbids eval, which string predicates need.
    await page.waitForFunction(() => (globalThis as unknown as InPage).__relayprobeBench.done, null, { timeout: 60_000 });
    let result = await getJson<ResultDocument>(`${server.baseUrl}/api/v1/probes/${id}`);
    for (let tries = 0; result.status === 'running' && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      result = await getJson<ResultDocument>(`${server.baseUrl}/api/v1/probes/${id}`);
    }
    if (result.verdict?.code !== 'closed') throw new Error(`expected verdict closed, got ${String(result.verdict?.code)}`);
    // Let the page render what the last messages carried.
    const lastLine = strip(formatEvent(result.events.at(-1) as ProbeEvent).at(-1) ?? '');
    await page.waitForFunction((line) => ((globalThis as unknown as InPage).document.querySelector('[role="log"]')?.textContent ?? '').replace(/\s+/g, '').includes(line), lastLine, {
      timeout: 10_000,
    });

    const record = await page.evaluate(() => (globalThis as unknown as InPage).__relayprobeBench);
    const { timings, notStreamed, notShown } = eventTimings(result, record);
    if (timings.length < MIN_EVENTS) throw new Error(`only ${timings.length} events measured (${notShown} never shown in the log); need ${MIN_EVENTS}`);
    const frames = timings.map((t) => t.frame).filter((f): f is number => f !== null);
    const written = replyWriteTimes(result.events, target.replies);
    const wire = timings.flatMap((t) => (written.has(t.seq) ? [t.wall - (written.get(t.seq) as number)] : []));

    console.log(
      `web transcript latency: thorough suite, ${LATENCY_MS} ms server delay; ${result.events.length} events, ${timings.length} measured ` +
        `(${notStreamed} loaded before the page's WebSocket opened, ${notShown} never shown in the log)`,
    );
    console.log(
      `  WebSocket message -> line in the DOM:      ${figures(
        timings.map((t) => t.dom),
        2,
      )}`,
    );
    console.log(`  WebSocket message -> frame that paints it: ${figures(frames, 2)}`);
    console.log(`  reply written by the server -> page has it (${wire.length} replies, 1 ms clock): ${figures(wire, 0)}  (DESIGN.md target: p95 <= 10 ms)`);
  } finally {
    await browser?.close();
    await target.handle.close();
    await server.stop();
  }
}
