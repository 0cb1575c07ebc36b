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

function addresses(session: SessionFacts | undefined, resolution: Resolution | undefined): string[] {
  if (session && session.attempts.length > 0) return session.attempts.map((a) => `${a.address} port ${a.port}: ${a.outcome}`);
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
