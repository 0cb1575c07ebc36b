// The code lists of watches (issue 14) as plain data: alert channel types, the kinds of change an
// alert reports, and the verdict classes whose transitions are changes. No schema here (the web
// page imports this module and must pull in no TypeBox; see result-codes.ts).
import type { VERDICT_CODES } from './result-codes.js';

/** Where an alert goes: a generic signed JSON webhook, Slack or Teams incoming webhooks, e-mail. */
export const ALERT_TYPES = ['webhook', 'slack', 'teams', 'email'] as const;

/** What changed between two runs of a watch; each has a recovery twin, so both directions alert. */
export const WATCH_CHANGE_KINDS = [
  'verdict', // the verdict class changed (closed -> open relay, open -> closed, ...)
  'unreachable', // two runs in a row reached no SMTP service (one failure is a blip, not a change)
  'reachable', // the first run that reached the server after it was reported unreachable
  'starttls-lost', // STARTTLS was offered and is no more
  'starttls-offered', // STARTTLS is offered again (or for the first time)
  'certificate-expiring', // the certificate entered its last 14 days
  'certificate-renewed', // out of its last 14 days again
  'certificate-invalid', // the chain no longer verifies, the name does not match, or it expired
  'certificate-valid', // valid again
] as const;

/** A certificate is "expiring" in its last this many days (issue 14). */
export const CERTIFICATE_WARNING_DAYS = 14;

type VerdictCodeText = (typeof VERDICT_CODES)[number];

/**
 * Verdict classes: a change of class is an alert, a change within one is not. "Accepts every
 * recipient" and "Suspicious" are one class (both mean "look at it, we cannot prove relaying");
 * unreachable is not a class here: reachability has its own rule (two failures in a row).
 */
export const VERDICT_CLASSES: Record<Exclude<VerdictCodeText, 'unreachable'>, string> = {
  open: 'relaying',
  'accepts-all': 'doubtful',
  suspicious: 'doubtful',
  closed: 'closed',
  inconclusive: 'unknown',
};

/** Runs of a watch in a row that must fail before it is reported unreachable. */
export const UNREACHABLE_AFTER_FAILURES = 2;

/** Default and bounds of a watch's interval, in minutes (the lower bound is the operator's RELAYPROBE_WATCH_MIN_INTERVAL). */
export const WATCH_DEFAULT_INTERVAL_MINUTES = 24 * 60;
export const WATCH_MAX_INTERVAL_MINUTES = 31 * 24 * 60;
