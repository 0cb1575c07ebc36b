// Titles of result pages, shared by the server (link previews, before any JavaScript runs) and
// the web app (document.title), so a page's title does not change when the app takes over. The
// day in a title is the UTC day: the server does not know the reader's time zone, and the page
// must say the same as the preview did.
import { VERDICT_LABELS } from './result-codes.js';
import type { VerdictCode } from './results.js';
import type { ProbeStatus } from './result-document.js';

/** What a result page's title says about the result. */
export interface ResultTitleInput {
  target: string;
  port: number;
  status: ProbeStatus;
  verdict?: VerdictCode | undefined;
  /** The document's `startedAt` (ISO 8601). */
  startedAt: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "mx.example.com:25"; an IPv6 literal in brackets, as in a URL: "[2001:db8::1]:25". */
export function targetWithPort(target: string, port: number): string {
  return target.includes(':') && !target.startsWith('[') ? `[${target}]:${port}` : `${target}:${port}`;
}

/** "3 Dec 2026": the UTC day of an ISO 8601 time, undefined when it is not one. */
export function utcDayText(iso: string): string | undefined {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return undefined;
  return `${time.getUTCDate()} ${MONTHS[time.getUTCMonth()]} ${time.getUTCFullYear()}`;
}

/** A duration as people read it: "850 ms", "4.2 s", "12 s", "6 min 5 s". */
export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
}

/** The title of a result page: "Not an open relay: mx.example.com:25 · 3 Dec 2026". */
export function resultPageTitle(result: ResultTitleInput): string {
  const where = targetWithPort(result.target, result.port);
  const day = utcDayText(result.startedAt);
  const when = day === undefined ? '' : ` · ${day}`;
  if (result.status === 'running') return `Testing ${where} for open relay…${when}`;
  if (result.verdict === undefined) return `${where}: test interrupted${when}`;
  return `${VERDICT_LABELS[result.verdict]}: ${where}${when}`;
}

/** The title of the page for an unknown or malformed result link. */
export const NO_SUCH_RESULT_TITLE = 'No such result · relayprobe';

/**
 * Names of the <meta> tags in which the server tells the web app its settings, in the index.html
 * it serves (no request needed, and known before the first render). `publicUrl` is present only
 * when RELAYPROBE_PUBLIC_URL is set.
 */
export const PAGE_SETTING_NAMES = { oldResultDays: 'relayprobe:old-result-days', publicUrl: 'relayprobe:public-url' } as const;
