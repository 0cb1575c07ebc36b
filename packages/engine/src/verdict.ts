// The verdict for the server (RELAY-TESTS.md §5): one code, one sentence on why, what to do next,
// and the reasons that name the evidence. Pure: it reads vector results and session facts only.
import { REASON_CODES, VERDICT_LABELS, type DeliveryResult, type Reason, type ReasonCode, type VectorResult, type Verdict, type VerdictCode } from '@relayprobe/contracts';

/** Why no vector could run at all, decided by the session. */
export interface SessionFailure {
  verdict: 'unreachable' | 'inconclusive';
  reason: ReasonCode;
  text: string;
  /** A connection to port 25 timed out: the one case where "outbound port 25 is blocked" is advice. */
  port25TimedOut?: boolean;
}

export interface VerdictInput {
  vectors: readonly VectorResult[];
  delivery?: DeliveryResult | undefined;
  /** Set when the probe never got to the relay tests. */
  failure?: SessionFailure | undefined;
  /** Target and prober share a private network (RELAY-TESTS.md §5, "Vantage point"). */
  internalVantage: boolean;
  testDomain: string;
  /** The HELO name we used (named when the server refuses it). */
  helo?: string | undefined;
  /** The certificate's problems in words (empty or absent when none, or no TLS). */
  tlsProblems?: readonly string[] | undefined;
}

/** C2 outcomes that show the server refuses what it cannot deliver. */
const DISCRIMINATING = new Set(['denied', 'relay-denied']);
const REFUSALS = new Set(['relay-denied', 'auth-required', 'denied', 'sender-refused', 'domain-refused']);
const keys = (results: readonly VectorResult[]) => results.map((r) => r.key);
const reason = (code: ReasonCode, text: string = REASON_CODES[code], vectors?: string[]): Reason => (vectors && vectors.length > 0 ? { code, text, vectors } : { code, text });

function make(code: VerdictCode, summary: string, advice: string, reasons: Reason[]): Verdict {
  // One reason per code: a cause found both among the vectors and the controls is said once.
  const merged: Reason[] = [];
  for (const r of reasons) {
    const same = merged.find((m) => m.code === r.code);
    if (!same) merged.push(r);
    else if (r.vectors) same.vectors = [...new Set([...(same.vectors ?? []), ...r.vectors])];
  }
  return { code, label: VERDICT_LABELS[code], summary, advice, reasons: merged };
}

const list = (ids: string[]) => (ids.length <= 4 ? ids.join(', ') : `${ids.slice(0, 4).join(', ')} and ${ids.length - 4} more`);

/** Decide the verdict from the evidence. */
export function decideVerdict(input: VerdictInput): Verdict {
  const context: Reason[] = input.internalVantage ? [reason('internal-vantage')] : [];
  if (input.tlsProblems && input.tlsProblems.length > 0) context.push(reason('tls-problem', `The TLS certificate has a problem: ${input.tlsProblems.join('; ')}.`));
  if (input.failure) {
    const { failure } = input;
    const advice =
      failure.verdict === 'unreachable'
        ? failure.port25TimedOut
          ? 'Outbound port 25 is blocked by most cloud providers and many ISPs: run the test from another network, or check the name and the server.'
          : failure.reason === 'connect-failed'
            ? 'Check the name, the port and that the mail server is running and reachable from here.'
            : 'Check the name and port; the transcript shows what the server said.'
        : inconclusiveAdvice([failure.reason]);
    const extra = failure.port25TimedOut ? [reason('port-25-blocked')] : [];
    return make(failure.verdict, failure.text, advice, [reason(failure.reason, failure.text), ...extra, ...context]);
  }

  const vectors = input.vectors.filter((r) => r.weight !== 'control');
  const control = (id: string) => input.vectors.find((r) => r.id === id);
  const c1 = control('C1');
  const c2 = control('C2');
  const c3 = control('C3');
  const strong = vectors.filter((r) => r.weight === 'strong' && r.outcome === 'accepted');
  const weak = vectors.filter((r) => r.weight === 'weak' && r.outcome === 'accepted');
  const controlReasons: Reason[] = [];
  // A control refused for a fact about us (our sender's domain, our HELO name) says nothing about
  // the server's mailboxes: name that fact instead.
  const aboutUs = (r: VectorResult | undefined): boolean => r !== undefined && r.outcome !== 'accepted' && (r.flags.includes('sender-domain-refused') || r.flags.includes('helo-refused'));
  if (c1 && REFUSALS.has(c1.outcome) && !aboutUs(c1)) controlReasons.push(reason('postmaster-refused', undefined, [c1.key]));
  for (const flag of ['sender-domain-refused', 'helo-refused'] as const) {
    const hit = [c1, c2].filter((r): r is VectorResult => r !== undefined && aboutUs(r) && r.flags.includes(flag));
    const code: ReasonCode = flag === 'helo-refused' ? 'helo-name-refused' : 'sender-domain-refused';
    if (hit.length > 0) controlReasons.push(reason(code, causeText(code, input), keys(hit)));
  }
  if (c2?.outcome === 'accepted') controlReasons.push(reason('catch-all', undefined, [c2.key]));
  const rcpt252 = input.vectors.filter((r) => r.flags.includes('rcpt-252'));
  if (rcpt252.length > 0) controlReasons.push(reason('rcpt-252', undefined, keys(rcpt252)));

  if (strong.length > 0 || weak.length > 0) {
    const acceptedReason =
      strong.length > 0
        ? reason('strong-accepted', `Accepted: ${list(keys(strong))} (${strong[0]?.name}).`, keys(strong))
        : reason('weak-accepted', `Only weak forms accepted: ${list(keys(weak))}.`, keys(weak));
    const delivery = input.delivery;
    const deliveryReason = delivery
      ? delivery.outcome === 'accepted'
        ? [reason('message-accepted', `The test message was accepted at end of data${delivery.queueId ? ` (queued as ${delivery.queueId})` : ''}.`, [delivery.vector])]
        : [reason('message-refused', `The test message was not accepted (${delivery.outcome}).`, [delivery.vector])]
      : [];
    // C2 is the discriminator (RELAY-TESTS.md §2, §5): a server that refuses a mailbox it does not
    // have, yet accepts a foreign recipient, relays. C3 is evidence only: every real open relay
    // tried (stock Postfix, Exim, OpenSMTPD) accepts a .invalid recipient at RCPT.
    const c2Refused = c2 !== undefined && DISCRIMINATING.has(c2.outcome);
    const c3Reasons = c3?.outcome === 'accepted' ? [reason('no-domain-check', undefined, [c3.key])] : [];
    const messageRefused = delivery !== undefined && delivery.outcome !== 'accepted';

    if (strong.length > 0 && c2?.outcome === 'accepted') {
      // A "250 queued" proves nothing here: accept-then-bounce servers queue, then bounce.
      const queued = delivery?.outcome === 'accepted' ? [reason('queued-not-proof', undefined, [delivery.vector])] : [];
      return make(
        'accepts-all',
        'The server accepted a local mailbox that does not exist as readily as a foreign domain, so its acceptance of relay recipients proves nothing on its own.',
        ADVICE['accepts-all'],
        [acceptedReason, ...deliveryReason, ...queued, ...controlReasons, ...c3Reasons, ...context],
      );
    }
    if (strong.length > 0 && c2Refused && !messageRefused) {
      return make('open', `The server accepted mail for a domain it does not serve (${list(keys(strong))}) while refusing a local mailbox that does not exist.`, ADVICE.open, [
        acceptedReason,
        reason('controls-discriminate', undefined, [c2.key]),
        ...deliveryReason,
        ...controlReasons,
        ...c3Reasons,
        ...context,
      ]);
    }
    const why =
      strong.length === 0
        ? 'The server accepted only address forms that are often a local user accepted and bounced later.'
        : delivery && delivery.outcome !== 'accepted'
          ? 'The server accepted a relay recipient but did not accept the test message.'
          : 'The server accepted a relay recipient, but the control that tells a relay from a server that accepts everything (a nonexistent local mailbox, C2) got no usable answer.';
    const ourFault = controlReasons.map((r) => r.code as ReasonCode).filter((c) => c === 'sender-domain-refused' || c === 'helo-name-refused');
    return make('suspicious', why, ourFault.length > 0 ? inconclusiveAdvice(ourFault) : ADVICE.suspicious, [acceptedReason, ...deliveryReason, ...controlReasons, ...context]);
  }

  // Nothing accepted: closed only when every vector got an informative refusal.
  const causes = new Map<ReasonCode, Set<string>>();
  const addCause = (code: ReasonCode, key?: string) => {
    const set = causes.get(code) ?? new Set<string>();
    if (key) set.add(key);
    causes.set(code, set);
  };
  let informative = 0;
  for (const r of vectors) {
    if (r.flags.includes('blocklisted')) addCause('blocklisted', r.key);
    else if (r.flags.includes('starttls-required') && r.outcome !== 'accepted') addCause('starttls-unavailable', r.key);
    else if (r.flags.includes('helo-refused') && r.outcome !== 'accepted') addCause('helo-name-refused', r.key);
    else if (r.flags.includes('sender-domain-refused') && r.outcome !== 'accepted') addCause('sender-domain-refused', r.key);
    else if (r.outcome === 'domain-refused') addCause('test-domain-refused', r.key);
    else if (REFUSALS.has(r.outcome)) informative++;
    else if (r.outcome === 'deferred') addCause(r.flags.includes('greylisting') ? 'greylisting' : r.flags.includes('rate-limited') ? 'rate-limited' : 'deferred', r.key);
    else if (r.outcome === 'not-completed') addCause(r.flags.includes('tarpit') ? 'tarpit' : 'connection-lost', r.key);
    else if (r.outcome === 'not-run' && r.flags.includes('no-local-name')) addCause('no-local-name', r.key);
    else if (r.outcome === 'not-run' && r.flags.includes('too-long')) addCause('too-long', r.key);
    else if (r.outcome === 'not-run') addCause(firstCause(r.flags) ?? 'not-run', r.key);
  }
  const INFORMATIONAL: ReasonCode[] = ['no-local-name', 'too-long'];
  const blocking = [...causes.keys()].filter((c) => !INFORMATIONAL.includes(c));
  if (blocking.length === 0 && informative > 0) {
    const auth = vectors.filter((r) => r.outcome === 'auth-required');
    const reasons = [reason('all-refused', informative === 1 ? 'The one relay vector tested was refused.' : `All ${informative} relay vectors were refused.`)];
    if (auth.length > 0) reasons.push(reason('auth-required', undefined, keys(auth)));
    for (const code of INFORMATIONAL) if (causes.has(code)) reasons.push(reason(code, undefined, [...(causes.get(code) ?? [])]));
    return make('closed', auth.length === vectors.length ? 'Every relay attempt was refused: the server requires authentication.' : 'Every relay attempt was refused.', ADVICE.closed, [
      ...reasons,
      ...controlReasons,
      ...context,
    ]);
  }
  const reasons = [...causes.entries()].map(([code, set]) => reason(code, causeText(code, input), [...set]));
  const first = reasons.find((r) => !INFORMATIONAL.includes(r.code as ReasonCode)) ?? reasons[0];
  const summary = first ? `No relay vector was accepted, but the test could not finish: ${lowerFirst(first.text)}` : 'No relay vector got an answer.';
  return make('inconclusive', summary, inconclusiveAdvice(blocking), [...reasons, ...controlReasons, ...context]);
}

const CAUSE_FLAGS: ReasonCode[] = ['probe-aborted', 'probe-deadline', 'tarpit', 'error-limit', 'rate-limited', 'starttls-unavailable', 'protocol-error', 'connection-lost'];
const firstCause = (flags: string[]) => CAUSE_FLAGS.find((c) => flags.includes(c));
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
/** A cause in words, naming what was refused when we know it. */
function causeText(code: ReasonCode, input: VerdictInput): string {
  switch (code) {
    case 'test-domain-refused':
      return testDomainText(input.testDomain);
    case 'sender-domain-refused':
      return `The server refused our sender's domain ${input.testDomain} because it could not resolve it, which says nothing about relaying; use a real, resolvable domain of yours that the target does not host (--test-domain, or RELAYPROBE_TEST_DOMAIN on the web service).`;
    case 'helo-name-refused':
      return `The server refused our HELO name${input.helo ? ` ${input.helo}` : ''} (it could not verify it), which says nothing about relaying; use this machine's real, resolvable host name (--helo, or RELAYPROBE_HELO_NAME on the web service).`;
    default:
      return REASON_CODES[code];
  }
}

const testDomainText = (domain: string) =>
  `The server refused the test domain ${domain} itself (domain not found or null MX), which says nothing about relaying; use a real, mail-accepting domain you control that the target does not host (--test-domain, or RELAYPROBE_TEST_DOMAIN on the web service).`;

const ADVICE: Record<'open' | 'accepts-all' | 'suspicious' | 'closed', string> = {
  open: 'Restrict relaying to authenticated users and your own networks (Postfix: smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination; Exim: relay_from_hosts), then test again.',
  'accepts-all': 'Run again with --send-message --to an address you control to see whether mail is really delivered; mail catchers, honeypots and accept-then-bounce servers answer like this.',
  suspicious: 'Check whether such messages are delivered or bounced; run again with --send-message --to an address you control to confirm.',
  closed: 'Nothing to fix. Test again after every change to the mail server configuration.',
};

function inconclusiveAdvice(causes: ReasonCode[]): string {
  if (causes.includes('greylisting')) return 'Greylisting defers first attempts: run the test again after a few minutes.';
  // helo-refused: EHLO and HELO both refused; helo-name-refused: the name refused at MAIL or RCPT.
  if (causes.includes('helo-refused') || causes.includes('helo-name-refused'))
    return "The server refused our HELO name: run again with --helo set to this machine's real host name, one that resolves in DNS (RELAYPROBE_HELO_NAME on the web service).";
  if (causes.includes('sender-domain-refused') || causes.includes('test-domain-refused'))
    return 'Run again with a test domain of your own that resolves and is hosted elsewhere (--test-domain, or RELAYPROBE_TEST_DOMAIN on the web service).';
  if (causes.includes('rate-limited'))
    return 'The server limits how often a client may connect: wait until its limit resets (often a minute or an hour) and run again, or run the quick suite (--suite quick), which needs one connection.';
  if (causes.includes('blocklisted')) return 'The server refused our address; run the test from another network or ask its operator.';
  if (causes.includes('tarpit')) return 'The server answered slowly; run again with a longer --timeout.';
  if (causes.includes('starttls-unavailable')) return 'Run again with --tls auto, or check the server’s TLS configuration.';
  return 'Run the test again; the transcript shows which vectors did not get an answer and why.';
}
