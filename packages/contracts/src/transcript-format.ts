// The plain-text transcript, in the swaks convention: "->" sent, "<-" received, "~>"/"<~" inside
// TLS, "===" information, "***" errors; each reply's last line carries the milliseconds it took.
// The CLI prints it live and the web page's "Copy transcript" gives the same text. Every string
// that can hold what a server sent (replies, texts, notes, the verdict's words) is escaped for
// display (display-text.ts): no control, bidi or invisible character reaches a terminal.
import type { PlannedServer, ProbeEvent, TlsDetails } from './events.js';
import type { Resolution, VectorResult, Verdict } from './results.js';
import { escapeForDisplay } from './display-text.js';

export const OUTCOME_WORDS: Record<VectorResult['outcome'], string> = {
  accepted: 'ACCEPTED',
  'auth-required': 'refused: authentication required',
  'relay-denied': 'refused: relaying denied',
  denied: 'refused',
  deferred: 'deferred (temporary)',
  'domain-refused': 'refused: recipient domain not accepted',
  'sender-refused': 'sender refused',
  'not-completed': 'not completed',
  'not-run': 'not run',
};

/** The certificate in one line: "CN=mx.example.com, issued by CN=R11, valid until 2027-01-01" (the date only). */
export function describeCertificate(cert: Pick<NonNullable<TlsDetails['certificate']>, 'subject' | 'issuer' | 'validTo'>): string {
  return `${cert.subject || '(no subject)'}, issued by ${cert.issuer || '(no issuer)'}, valid until ${cert.validTo.slice(0, 10)}`;
}

/** One line about a finished TLS handshake, problems spelled out. */
export function describeTls(tls: TlsDetails): string {
  const parts = [`${tls.protocol ?? 'TLS'} ${tls.cipher ?? ''}`.trim()];
  if (tls.certificate) parts.push(`certificate ${describeCertificate(tls.certificate)}`);
  const problems = tlsProblems(tls);
  parts.push(problems.length === 0 ? 'trusted, name matches' : problems.join('; '));
  return parts.join('; ');
}

/** The certificate's problems, in words (empty when none). */
export function tlsProblems(tls: TlsDetails): string[] {
  const problems: string[] = [];
  if (!tls.authorized) problems.push(`not trusted (${tls.authorizationError ?? 'unknown reason'})`);
  if (tls.hostnameMatch === false) problems.push(`name mismatch (${tls.hostnameError ?? 'the certificate does not name this host'})`);
  if (tls.certificate === null) problems.push('no certificate');
  return problems;
}

function describeResolution(r: Resolution): string[] {
  if (r.kind === 'ipv4' || r.kind === 'ipv6') return [`Target ${r.input} (address literal, no DNS)`];
  const lines: string[] = [];
  if (r.nullMx) lines.push(`${r.domain}: null MX (accepts no mail)`);
  else if (r.mx.length > 0) lines.push(`${r.domain}: MX ${r.mx.map((m) => `${m.preference} ${m.exchange}`).join(', ')}`);
  else if (r.implicitMx) lines.push(`${r.domain}: no MX, using its own address (RFC 5321 §5.1)`);
  if (r.addresses.length > 0) {
    lines.push(`Addresses: ${r.addresses.map((a) => `${a.address}${a.host ? ` (${a.host})` : ''}${a.allowed ? '' : ' [refused]'}`).join(', ')}`);
  }
  return lines;
}

const escape = (text: string) => escapeForDisplay(text);

/** "2. mx2.example.com (192.0.2.7, MX 20)": a server of a domain test in a line of text. */
function describeServer(server: PlannedServer): string {
  return `${server.server}. ${escape(server.host)} (${server.address ?? 'no address'}, MX ${server.preference})`;
}

/** The transcript lines of one event (several for a multi-line reply; none for silent events). */
export function formatEvent(event: ProbeEvent): string[] {
  switch (event.type) {
    case 'resolution': {
      const lines = describeResolution(event.resolution).map((l) => `=== ${escape(l)}`);
      if (event.resolution.error) lines.push(`*** ${escape(event.resolution.error.text)}`);
      return lines;
    }
    case 'info':
      return [`=== ${escape(event.text)}`];
    case 'error':
      return [`*** ${escape(event.text)}`];
    case 'command':
      return [`${event.tls ? ' ~>' : ' ->'} ${escape(event.text)}`];
    case 'reply': {
      const arrow = event.tls ? '<~ ' : '<- ';
      const flags = event.flags.length > 0 ? ` [${event.flags.join(', ')}]` : '';
      const lines = event.lines.map((line, i) => `${arrow} ${escape(line)}${i === event.lines.length - 1 ? `  (${event.elapsedMs} ms)${flags}` : ''}`);
      // What the result's caps cut is said where it happened (the engine's result-limits.ts).
      const cut = event.cut;
      if (cut) lines.push(`=== Not stored: ${cut.bytes} bytes of this reply, in ${cut.lines} ${cut.lines === 1 ? 'line' : 'lines'} (a result keeps only so much of what a server sends).`);
      return lines;
    }
    case 'tls':
      return [`=== TLS started: ${escape(describeTls(event.details))}`];
    case 'vector-start':
      return [`=== [${escape(event.vector)}] ${escape(event.name)} (test ${event.index} of ${event.total})`];
    case 'vector-result': {
      const r = event.result;
      const reply = r.reply ? ` (${r.reply.code}${r.reply.enhanced ? ` ${r.reply.enhanced}` : ''} ${escape(r.reply.text)})` : '';
      const note = r.note ? ` — ${escape(r.note)}` : '';
      return [`=== [${escape(r.key)}] ${OUTCOME_WORDS[r.outcome]}${reply}${note}`];
    }
    case 'delivery': {
      const d = event.result;
      return [`=== Test message through ${escape(d.vector)} to ${escape(d.rcptTo)}: ${d.outcome}${d.queueId ? ` (queued as ${escape(d.queueId)})` : ''}`];
    }
    case 'verdict':
      return formatVerdict(event.verdict).map((l) => `=== ${l}`);
    case 'session':
      return []; // the facts are shown by the summary, not as transcript lines
    case 'servers':
      return [`=== Servers to test: ${event.servers.map(describeServer).join(', ')}${event.omittedHosts > 0 ? `; ${event.omittedHosts} more MX hosts not looked up` : ''}`];
    case 'not-tested':
      return [`=== Server ${event.server} not tested: ${escape(event.text)}`];
  }
}

/** The verdict as a few lines: label and why, the evidence, what to do next (escaped: the summary and reasons may quote the server). */
export function formatVerdict(verdict: Verdict): string[] {
  return [
    `Verdict: ${escape(verdict.label)}. ${escape(verdict.summary)}`,
    ...verdict.reasons.map((r) => `  - ${escape(r.text)}${r.vectors && r.vectors.length > 0 && !r.text.includes(r.vectors[0] as string) ? ` [${escape(r.vectors.join(', '))}]` : ''}`),
    `Next: ${escape(verdict.advice)}`,
  ];
}

/** The whole transcript as plain text, one line per transcript line, ending in a newline. */
export function formatTranscript(events: readonly ProbeEvent[]): string {
  return events.flatMap(formatEvent).join('\n') + '\n';
}
