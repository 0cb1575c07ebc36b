// One DNS question with our own deadline, and node's resolver error codes sorted into the four
// outcomes resolution cares about. The resolver has a timeout of its own (per try), but a
// resolver we are handed may not, and a hostile or broken server must not stall a probe: the
// deadline here is the bound we rely on (SECURITY.md §3, "deadlines, not idle timers").
import { escapeForDisplay } from '@relayprobe/contracts';

/** How a query ended when it gave no answer. */
export type DnsFailure =
  | 'no-data' // the name exists but has no record of this type (ENODATA)
  | 'not-found' // the name does not exist (NXDOMAIN: ENOTFOUND)
  | 'timeout' // no answer in time (ETIMEOUT, or our deadline)
  | 'failed'; // SERVFAIL, REFUSED, unreachable server, malformed reply, ...

/** One query's outcome: the answer, or a failure with a short explanation. */
export type DnsOutcome<T> = { ok: true; value: T } | { ok: false; failure: DnsFailure; detail: string };

// Node's dns error codes (node:dns "Error codes"), with words for the ones a person may see.
const FAILED_CODES: Record<string, string> = {
  ESERVFAIL: 'the DNS server failed to answer (SERVFAIL)',
  EREFUSED: 'the DNS server refused the query (REFUSED)',
  ECONNREFUSED: 'the DNS server could not be contacted',
  EFORMERR: 'the DNS server said the query was malformed (FORMERR)',
  EBADRESP: 'the DNS reply was malformed',
  ENOTIMP: 'the DNS server does not implement this query (NOTIMP)',
  EBADNAME: 'the name is malformed for DNS',
  EBADQUERY: 'the DNS query was malformed',
  ECANCELLED: 'the DNS query was cancelled',
  EDESTRUCTION: 'the DNS resolver was shut down',
  EOF: 'the DNS server closed the connection',
  ENOMEM: 'the DNS resolver ran out of memory',
};

/** Run `query`, giving up after `timeoutMs` (the timer is always cleared). */
export async function queryWithDeadline<T>(query: () => Promise<T>, timeoutMs: number): Promise<DnsOutcome<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<DnsOutcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, failure: 'timeout', detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  const answer = (async (): Promise<DnsOutcome<T>> => {
    try {
      return { ok: true, value: await query() };
    } catch (error) {
      return classifyDnsError(error);
    }
  })();
  try {
    // A late answer or rejection after the deadline is absorbed by the async wrapper above.
    return await Promise.race([answer, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sort a rejected query's error by node's dns `code`. */
function classifyDnsError(error: unknown): { ok: false; failure: DnsFailure; detail: string } {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  switch (code) {
    case 'ENODATA':
      return { ok: false, failure: 'no-data', detail: 'no record of this type (ENODATA)' };
    case 'ENOTFOUND':
      return { ok: false, failure: 'not-found', detail: 'the name does not exist (NXDOMAIN)' };
    case 'ETIMEOUT':
      return { ok: false, failure: 'timeout', detail: 'the DNS server did not answer in time (ETIMEOUT)' };
    case undefined:
      return { ok: false, failure: 'failed', detail: 'the DNS query failed without an error code' };
    default:
      return { ok: false, failure: 'failed', detail: FAILED_CODES[code] ?? `the DNS query failed (${escapeForDisplay(code.slice(0, 40))})` };
  }
}
