// What the "Session" section shows, from the fold of the events (contracts' foldEvents): the
// session event's facts once the probe has finished (or an older document's stored ones), before
// that what the transcript has shown so far (`sessionSoFar`). Server text is escaped here, once,
// for display (SECURITY.md §4); the component only renders strings.
import { describeCertificate, escapeForDisplay, tlsProblems, type Resolution, type ResultView, type SessionFacts } from '@relayprobe/contracts';

/** One fact: a name and its values (several lines for lists). */
export interface Fact {
  name: string;
  values: string[];
}

/**
 * What happened at an address, in words: an attempt's outcome is the engine's code ("smtp-session",
 * an error code of the registry, "421", ...), which the page does not show as such.
 */
const ATTEMPT_WORDS: Record<string, string> = {
  'smtp-session': 'the tests ran here',
  'connect-refused': 'connection refused (nothing listens on that port)',
  'connect-timeout': 'no connection in time',
  'connect-failed': 'connection failed',
  'connection-reset': 'connection reset by the server',
  'connection-closed': 'the server closed the connection',
  'greeting-timeout': 'no greeting in time (possibly a tarpit)',
  '421': 'the server said 421 (closing) instead of a greeting',
  'no-service': 'the server offers no mail service to us (554 greeting)',
  'unexpected-greeting': 'the greeting was not 220',
  'tls-failed': 'the TLS handshake failed',
  'tls-timeout': 'the TLS handshake did not finish in time',
  'source-address-unavailable': 'our source address cannot be used',
};

/** An attempt's outcome in words; a code this page does not know is shown spaced out ("probe-deadline" → "probe deadline"). */
export function attemptWords(outcome: string): string {
  return ATTEMPT_WORDS[outcome] ?? outcome.replace(/-/g, ' ');
}

function addresses(session: SessionFacts | undefined, resolution: Resolution | undefined): string[] {
  if (session && session.attempts.length > 0) return session.attempts.map((a) => `${a.address} port ${a.port}: ${attemptWords(a.outcome)}`);
  return (resolution?.addresses ?? []).map((a) => `${a.address}${a.host ? ` (${a.host})` : ''}${a.allowed ? '' : `: refused${a.refusal ? `, ${a.refusal}` : ''}`}`);
}

function mxUsed(resolution: Resolution | undefined): string[] {
  if (!resolution) return [];
  if (resolution.kind === 'ipv4' || resolution.kind === 'ipv6') return ['none: the target is an address'];
  if (resolution.nullMx) return [`${resolution.domain ?? resolution.input} publishes a null MX (accepts no mail)`];
  if (resolution.mx.length > 0) return resolution.mx.map((m) => `${m.preference} ${m.exchange}`);
  return resolution.implicitMx ? ['none: the domain has no MX, so its own address was used (RFC 5321 §5.1)'] : [];
}

/** The session's facts, in display order; facts not known yet are left out. */
export function sessionFacts(view: Pick<ResultView, 'resolution' | 'session' | 'sessionSoFar' | 'verdict'>): Fact[] {
  const { resolution, session, sessionSoFar: soFar } = view;
  const greeting = session?.greeting ?? soFar.greeting ?? [];
  const extensions = session ? session.extensions : (soFar.extensions ?? []);
  const tls = session ? session.tls : (soFar.tls ?? null);

  const facts: Fact[] = [
    { name: 'Addresses tried', values: addresses(session, resolution) },
    { name: 'MX used', values: mxUsed(resolution) },
    { name: 'Greeting', values: [...greeting] },
    { name: 'Extensions', values: [...extensions] },
  ];
  if (session) {
    facts.push({ name: 'Connections', values: [String(session.connections)] });
    if (session.localAddress) facts.push({ name: 'Our address', values: [session.localAddress] });
  }
  if (tls) {
    // Each TLS fact once, on its own line; the transcript's one-line describeTls would repeat them.
    const problems = tlsProblems(tls);
    facts.push(
      { name: 'TLS protocol', values: [tls.protocol ?? 'unknown'] },
      { name: 'Cipher', values: [tls.cipher ?? 'unknown'] },
      { name: 'Certificate', values: tls.certificate ? [describeCertificate(tls.certificate)] : ['none'] },
      { name: 'Certificate problems', values: problems.length > 0 ? problems : ['none: trusted, and the name matches'] },
    );
  } else if (session || view.verdict) {
    facts.push({ name: 'TLS', values: ['not used'] });
  }
  return facts.filter((f) => f.values.length > 0).map((f) => ({ name: f.name, values: f.values.map(escapeForDisplay) }));
}
