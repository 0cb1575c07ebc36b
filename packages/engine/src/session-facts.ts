// What the probe learns about the server's side of the session, for the result's SessionFacts:
// the greeting, the EHLO name and extensions, TLS, every address tried and how it went, the local
// names T (local-names.ts), and whether prober and target share a private network.
import type { SessionFacts, TlsDetails } from '@relayprobe/contracts';
import type { EngineOptions } from './engine-io.js';
import { readEhloReply, hasExtension } from './ehlo-reply.js';
import { mergeLocalNames, nameFromReplyText } from './local-names.js';

export class SessionRecord {
  readonly facts: SessionFacts;
  /** Local names T, in the order learned: the hints, then what the server says it is, then rDNS names. */
  localNames: string[];
  /** Target and prober share a private network (RELAY-TESTS.md §5, "Vantage point"). */
  internalVantage = false;

  constructor(private readonly options: EngineOptions) {
    this.facts = { port: options.port, attempts: [], heloFallback: false, extensions: [], pipelining: false, starttlsOffered: false, tls: null, localNames: [], connections: 0 };
    this.localNames = mergeLocalNames([], options.localNameHints);
  }

  /** How one connection to `address` went ("smtp-session", "connect-refused", "421", ...). */
  attempt(address: string, outcome: string): void {
    this.facts.attempts.push({ address, port: this.options.port, outcome });
  }

  /** A name the server gave in its greeting or EHLO/HELO reply line, when it looks like a host name. */
  learnName(replyText: string | undefined): void {
    this.localNames = mergeLocalNames(this.localNames, [nameFromReplyText(replyText)]);
  }

  /** The first session: the reverse-DNS names come after the server's own word. */
  learnReverseNames(): void {
    this.localNames = mergeLocalNames(this.localNames, this.options.reverseNames ?? []);
  }

  /** A 250 to EHLO: the server's name and extensions (STARTTLS is noted only outside TLS). */
  ehlo(texts: readonly string[], insideTls: boolean): void {
    const ehlo = readEhloReply(texts);
    this.facts.ehloName = ehlo.firstLine.split(/\s+/, 1)[0];
    this.facts.extensions = ehlo.extensions;
    this.facts.pipelining = hasExtension(ehlo.extensions, 'PIPELINING');
    if (!insideTls) this.facts.starttlsOffered = hasExtension(ehlo.extensions, 'STARTTLS');
    this.learnName(ehlo.firstLine);
  }

  /** Extensions known before are void (HELO has none; after STARTTLS they are asked again, RFC 3207 §4.2). */
  forgetExtensions(): void {
    this.facts.extensions = [];
    this.facts.pipelining = false;
  }

  tls(details: TlsDetails): void {
    this.facts.tls = details;
  }

  /** A copy for the result, with the connections opened so far. */
  snapshot(connections: number): SessionFacts {
    return { ...this.facts, connections, attempts: [...this.facts.attempts], localNames: [...this.localNames] };
  }
}
