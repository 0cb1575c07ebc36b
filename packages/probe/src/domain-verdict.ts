// The verdict of a domain test: the worst of its servers' verdicts (contracts' VERDICT_SEVERITY),
// with one sentence that names the servers ("mx2.example.com (192.0.2.7) is an open relay;
// mx1.example.com (192.0.2.1) is not an open relay"), the worst server's advice, and one reason
// per server. A server that was not tested is not a fault of that server: it is named, never
// counted in the verdict; when no server was tested the verdict says why nothing could be judged.
import { VERDICT_LABELS, VERDICT_SEVERITY, type Reason, type ServerView, type Verdict, type VerdictCode } from '@relayprobe/contracts';

/** What each verdict says of one server, and of several. */
const SAYS: Record<VerdictCode, [string, string]> = {
  open: ['is an open relay', 'are open relays'],
  'accepts-all': ['accepts every recipient', 'accept every recipient'],
  suspicious: ['is suspicious', 'are suspicious'],
  inconclusive: ['could not be judged', 'could not be judged'],
  unreachable: ['could not be reached', 'could not be reached'],
  closed: ['is not an open relay', 'are not open relays'],
};
/** Servers named in a clause before "and N more". */
const NAMED = 3;
/** Codes of servers left untested for which "unreachable" is the truth about the domain: DNS and the policy. */
const UNREACHABLE_CAUSES = new Set(['host-not-resolved', 'address-refused', 'duplicate-address']);

/** "mx2.example.com (192.0.2.7)". */
function serverName(server: Pick<ServerView['plan'], 'host' | 'address'>): string {
  return server.address ? `${server.host} (${server.address})` : server.host;
}

type Judged = ServerView & { view: ServerView['view'] & { verdict: Verdict } };

/** The domain's verdict from its servers' views. */
export function domainVerdict(domain: string, servers: readonly ServerView[], omittedHosts: number): Verdict {
  const judged = servers.filter((s): s is Judged => s.view.verdict !== undefined);
  const untested = servers.filter((s) => s.view.verdict === undefined);
  const rank = (s: Judged) => VERDICT_SEVERITY.indexOf(s.view.verdict.code);
  const ordered = [...judged].sort((a, b) => rank(a) - rank(b) || a.plan.server - b.plan.server);
  const reasons: Reason[] = [
    ...ordered.map((s) => ({ code: 'server-verdict', text: `${serverName(s.plan)}: ${s.view.verdict.label}. ${s.view.verdict.summary}`, server: s.plan.server })),
    ...untested.map((s) => ({ code: s.notTested?.code ?? 'not-run', text: `${serverName(s.plan)} not tested: ${s.notTested?.text ?? 'it got no session'}`, server: s.plan.server })),
  ];
  const tail = [
    ...(untested.length > 0 ? [`${untested.length} ${untested.length === 1 ? 'server was' : 'servers were'} not tested`] : []),
    ...(omittedHosts > 0 ? [`${omittedHosts} more MX ${omittedHosts === 1 ? 'host was' : 'hosts were'} not looked up`] : []),
  ];
  const worst = ordered[0];
  if (!worst) {
    const code: VerdictCode = untested.length > 0 && untested.every((s) => UNREACHABLE_CAUSES.has(s.notTested?.code ?? '')) ? 'unreachable' : 'inconclusive';
    const first = untested[0]?.notTested;
    const summary = `No server of ${domain} was tested${first ? `: ${first.text}` : ''}.`;
    const advice = untested.some((s) => s.notTested?.code === 'no-ipv6-route')
      ? 'Run the test from a machine with IPv6 connectivity, or test the servers by their IPv4 addresses.'
      : 'Check the MX records of the domain; the list of servers says why each was not tested.';
    return { code, label: VERDICT_LABELS[code], summary, advice, reasons };
  }
  const clauses = VERDICT_SEVERITY.flatMap((code) => {
    const group = ordered.filter((s) => s.view.verdict.code === code);
    if (group.length === 0) return [];
    const names = group.slice(0, NAMED).map((s) => serverName(s.plan));
    const more = group.length - names.length;
    const subject = more > 0 ? `${names.join(', ')} and ${more} more` : names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0];
    return [`${subject} ${SAYS[code][group.length > 1 ? 1 : 0]}`];
  });
  const code = worst.view.verdict.code;
  const summary = `${[...clauses, ...tail].join('; ')}.`;
  const advice = `${serverName(worst.plan)}: ${worst.view.verdict.advice}`;
  return { code, label: VERDICT_LABELS[code], summary, advice, reasons };
}
