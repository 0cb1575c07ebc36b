// The code lists of the result document (vector outcomes, delivery outcomes, verdicts) and the
// verdict labels, as plain data: results.ts builds the schemas from them. Kept apart from the
// schemas so that a module needing only these (the web page) pulls in no TypeBox: no module here
// may import a schema or run code at load time (contracts' package.json says `sideEffects: false`).

export const VECTOR_OUTCOMES = [
  'accepted', // 250/251 (or 252, flagged) to RCPT
  'auth-required', // 530, 5.7.0 authentication required, Exchange 5.7.57
  'relay-denied', // refused by relay policy: X.7.1, 5.7.54, 5.7.64, relay phrase, Postfix's 454 4.7.1
  'denied', // another 5xx: a refusal whose reason we cannot name
  'deferred', // other 4xx: temporary (greylisting, rate limit), says nothing yet
  'domain-refused', // X.1.x about the recipient domain: the test domain is the problem, not relaying
  'sender-refused', // MAIL FROM refused and the plain-sender retry refused too
  'not-completed', // 421, connection closed, or a timeout while this vector ran
  'not-run', // never sent: deadline, connection budget, no local name, ...
] as const;

export const DELIVERY_OUTCOMES = [
  'accepted', // 250 after the final dot: the server queued the message
  'recipient-refused', // the re-run of the vector for the delivery recipient was refused
  'refused-at-data', // DATA not answered with 354
  'refused-at-end', // not 2xx after the final dot
  'not-completed', // connection lost or timed out during the stage
] as const;

export const VERDICT_CODES = ['open', 'accepts-all', 'suspicious', 'closed', 'inconclusive', 'unreachable'] as const;

/**
 * Verdicts worst first: a domain's verdict is the first of these that one of its servers got. A
 * server that could not be judged or reached ranks above a closed one: "not an open relay" is
 * said of a domain only when every server it tested said so.
 */
export const VERDICT_SEVERITY: readonly (typeof VERDICT_CODES)[number][] = ['open', 'accepts-all', 'suspicious', 'inconclusive', 'unreachable', 'closed'];

/** Labels people see, exactly as DESIGN.md lists them. */
export const VERDICT_LABELS: Record<(typeof VERDICT_CODES)[number], string> = {
  open: 'Open relay',
  'accepts-all': 'Accepts every recipient',
  suspicious: 'Suspicious',
  closed: 'Not an open relay',
  inconclusive: 'Inconclusive',
  unreachable: 'Unreachable',
};
