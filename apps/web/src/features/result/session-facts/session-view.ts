// What the "Session" section shows: the finished document's session facts when there are some,
// otherwise what the events so far tell (a running probe has no facts yet). Server text is
// escaped here, once, for display (SECURITY.md §4); the component only renders strings.
import { describeCertificate, escapeForDisplay, tlsProblems, type ProbeEvent, type Resolution, type SessionFacts } from '@relayprobe/contracts';

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

/** EHLO keywords from the last 250 reply to EHLO: every line after the first, without its code. */
function extensionsFrom(events: readonly ProbeEvent[]): string[] {
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const e = events[i] as ProbeEvent;
    if (e.type === 'reply' && e.phase === 'ehlo' && e.code === 250 && e.lines.length > 0) return e.lines.slice(1).map((l) => l.slice(4));
  }
  return [];
}

/** The session's facts, in display order; facts not known yet are left out. */
export function sessionFacts(session: SessionFacts | undefined, events: readonly ProbeEvent[]): Fact[] {
  const resolution = events.find((e) => e.type === 'resolution')?.resolution;
  const greetingEvent = events.find((e) => e.type === 'reply' && e.phase === 'greeting');
  const greeting = session?.greeting ?? (greetingEvent?.type === 'reply' ? greetingEvent.lines : []);
  const extensions = session ? session.extensions : extensionsFrom(events);
  const lastTls = events.findLast((e) => e.type === 'tls');
  const tls = session ? session.tls : lastTls?.type === 'tls' ? lastTls.details : null;

  const facts: Fact[] = [
    { name: 'Addresses tried', values: addresses(session, resolution) },
    { name: 'MX used', values: mxUsed(resolution) },
    { name: 'Greeting', values: greeting },
    { name: 'Extensions', values: extensions },
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
  } else if (session || events.some((e) => e.type === 'verdict')) {
    facts.push({ name: 'TLS', values: ['not used'] });
  }
  return facts.filter((f) => f.values.length > 0).map((f) => ({ name: f.name, values: f.values.map(escapeForDisplay) }));
}
