// What a finished run of a watch changes (issue 14, "Alerts on change, not on every run"). Pure:
// the watch's state before, the run's findings, out comes the new state and the changes to alert.
//
// Rules:
// - The first run that reaches a verdict sets the baseline and alerts nothing.
// - A verdict change alerts only across classes (VERDICT_CLASSES: accepts-all and suspicious are one).
// - Unreachable needs UNREACHABLE_AFTER_FAILURES runs in a row (one failure is a network blip):
//   until then the state keeps the last verdict; the first run that reaches the server again
//   alerts "reachable".
// - STARTTLS and the certificate are compared only between runs that saw them; what an
//   unreachable run could not see is kept as last known, so a change across an outage still alerts.
// - The certificate alerts entering its last CERTIFICATE_WARNING_DAYS days and becoming invalid,
//   and again on the way back.
import {
  CERTIFICATE_WARNING_DAYS,
  UNREACHABLE_AFTER_FAILURES,
  VERDICT_CLASSES,
  VERDICT_LABELS,
  type AlertState,
  type CertificateState,
  type ResultDocument,
  type VerdictCode,
  type WatchChangeKind,
  type WatchState,
} from '@relayprobe/contracts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What one finished run found. */
export interface RunFindings {
  verdict: { code: VerdictCode; label: string };
  starttls?: boolean;
  certificate?: CertificateState;
}

/** One change to alert, with a sentence for people. */
export interface WatchChange {
  kind: WatchChangeKind;
  text: string;
}

export interface Evaluation {
  state: WatchState;
  changes: WatchChange[];
  /** The states an alert reports (set when there are changes). */
  previous?: AlertState;
  current?: AlertState;
}

/** The findings of a complete result at time `now` (ms); undefined when it has no verdict. */
export function findingsOf(doc: ResultDocument, now: number): RunFindings | undefined {
  if (!doc.verdict) return undefined;
  const findings: RunFindings = { verdict: { code: doc.verdict.code, label: doc.verdict.label } };
  const session = doc.session;
  // STARTTLS says something only when a session got to EHLO in plain text (implicit TLS has none).
  if (session && doc.verdict.code !== 'unreachable' && doc.request.tls !== 'implicit' && session.connections > 0) findings.starttls = session.starttlsOffered;
  const tls = session?.tls;
  if (tls?.certificate) {
    const validTo = Date.parse(tls.certificate.validTo);
    const daysLeft = Number.isFinite(validTo) ? Math.floor((validTo - now) / DAY_MS) : 0;
    const problem = daysLeft < 0 ? 'expired' : !tls.authorized ? (tls.authorizationError ?? 'not trusted') : tls.hostnameMatch === false ? (tls.hostnameError ?? 'name mismatch') : undefined;
    findings.certificate = { validTo: tls.certificate.validTo, daysLeft, valid: problem === undefined, ...(problem ? { problem } : {}) };
  }
  return findings;
}

const classOf = (code: VerdictCode) => (code === 'unreachable' ? 'unreachable' : VERDICT_CLASSES[code]);

function alertState(state: WatchState): AlertState | undefined {
  if (!state.verdict) return undefined;
  return {
    verdict: state.verdict,
    reachable: state.reachable ?? state.verdict.code !== 'unreachable',
    ...(state.starttls !== undefined ? { starttls: state.starttls } : {}),
    ...(state.certificate ? { certificate: state.certificate } : {}),
    ...(state.probeId ? { probeId: state.probeId } : {}),
  };
}

function certificateChanges(before: CertificateState | undefined, after: CertificateState | undefined, where: string): WatchChange[] {
  if (!before || !after) return [];
  const changes: WatchChange[] = [];
  const warn = CERTIFICATE_WARNING_DAYS;
  if (before.daysLeft > warn && after.daysLeft <= warn) changes.push({ kind: 'certificate-expiring', text: `The certificate of ${where} expires in ${after.daysLeft} days (${after.validTo}).` });
  if (before.daysLeft <= warn && after.daysLeft > warn) changes.push({ kind: 'certificate-renewed', text: `The certificate of ${where} is valid for ${after.daysLeft} more days (renewed).` });
  if (before.valid && !after.valid) changes.push({ kind: 'certificate-invalid', text: `The certificate of ${where} is no longer valid: ${after.problem ?? 'invalid'}.` });
  if (!before.valid && after.valid) changes.push({ kind: 'certificate-valid', text: `The certificate of ${where} is valid again.` });
  return changes;
}

/** Evaluate one complete run of the watch of `where` ("mx.example.com port 25"). */
export function evaluateRun(previous: WatchState, findings: RunFindings, run: { probeId: string; at: string }, where: string): Evaluation {
  const reached = findings.verdict.code !== 'unreachable';
  const failures = reached ? 0 : previous.failures + 1;
  const base: WatchState = { ...previous, failures };

  if (!reached) {
    const confirmed = failures >= UNREACHABLE_AFTER_FAILURES;
    // A blip, or already reported: the state keeps its verdict (and STARTTLS, certificate: last known).
    if (!confirmed || previous.reachable === false) return { state: base, changes: [] };
    const state: WatchState = { ...base, verdict: findings.verdict, reachable: false, probeId: run.probeId, checkedAt: run.at };
    // The first runs of a watch that never reached its server set the baseline.
    if (!previous.verdict) return { state, changes: [] };
    return withAlert(previous, state, [{ kind: 'unreachable', text: `${where} is unreachable (${failures} runs in a row reached no SMTP service).` }]);
  }

  const state: WatchState = {
    ...base,
    verdict: findings.verdict,
    reachable: true,
    probeId: run.probeId,
    checkedAt: run.at,
    ...(findings.starttls !== undefined ? { starttls: findings.starttls } : {}),
    ...(findings.certificate ? { certificate: findings.certificate } : {}),
  };
  if (!previous.verdict) return { state, changes: [] };
  const changes: WatchChange[] = [];
  if (previous.reachable === false) changes.push({ kind: 'reachable', text: `${where} is reachable again: ${findings.verdict.label}.` });
  else if (classOf(previous.verdict.code) !== classOf(findings.verdict.code)) {
    changes.push({ kind: 'verdict', text: `${where} is now "${VERDICT_LABELS[findings.verdict.code]}" (was "${VERDICT_LABELS[previous.verdict.code]}").` });
  }
  if (previous.starttls !== undefined && findings.starttls !== undefined && previous.starttls !== findings.starttls) {
    changes.push(findings.starttls ? { kind: 'starttls-offered', text: `${where} offers STARTTLS again.` } : { kind: 'starttls-lost', text: `${where} no longer offers STARTTLS.` });
  }
  changes.push(...certificateChanges(previous.certificate, findings.certificate, where));
  return changes.length > 0 ? withAlert(previous, state, changes) : { state, changes };
}

function withAlert(previous: WatchState, state: WatchState, changes: WatchChange[]): Evaluation {
  const before = alertState(previous);
  const after = alertState(state);
  return { state, changes, ...(before ? { previous: before } : {}), ...(after ? { current: after } : {}) };
}
