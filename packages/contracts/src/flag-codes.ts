// The registry of flags (HOUSE-STYLE rule 7): the words a reply event or a vector result carries
// besides its outcome. docs/error-codes.md lists the same flags, and a test keeps the two in step.
// A flag that names a cause of "could not tell" has the same name as its reason code.

/** Irregularities of a reply that did not stop parsing (ReplyEvent.flags). */
export const REPLY_FLAGS = {
  'bare-lf': 'A line ended in a bare LF instead of CRLF (accepted, and noted).',
  'long-line': 'A line was longer than the 512 octets RFC 5321 allows a reply line.',
  'non-utf8': 'A line was not valid UTF-8; its exact bytes are kept in `raw`.',
  unsolicited: 'A reply nobody asked for: recorded, never taken as the answer to a command.',
  truncated: 'Part of the reply was not stored, to keep the result within its caps; `cut` says how much, and the transcript shows it.',
} as const satisfies Record<string, string>;

export type ReplyFlag = keyof typeof REPLY_FLAGS;

/** What a vector result's reply or its fate says besides the outcome (VectorResult.flags). */
export const RESULT_FLAGS = {
  // Read from the reply text and enhanced code (reply-judge.ts)
  greylisting: 'The reply reads as greylisting (a 4xx that asks to try again later).',
  'rate-limited': 'The reply reads as a rate or connection limit.',
  'error-limit': 'The reply reads as the server ending the session for too many errors.',
  blocklisted: 'The reply reads as a blocklist or reputation refusal of our address or sender.',
  'helo-refused': 'The reply refuses our HELO name, not the relay attempt.',
  'sender-domain-refused': "The reply refuses our sender's domain because the server could not resolve it.",
  'rcpt-252': 'RCPT was answered 252, a code defined for VRFY; counted as accepted.',
  'unexpected-code': 'RCPT was answered with a code RFC 5321 does not define for it.',
  'starttls-required': 'The server wants STARTTLS before mail.',
  // Why a test has no (complete) answer
  'starttls-unavailable': 'TLS was required but could not be established.',
  'not-run': 'The probe ended before this test ran.',
  'no-local-name': 'No host name of the server was known, so this form could not be built.',
  'too-long': 'The command would have exceeded 512 octets, so it was not sent.',
  'connection-lost': 'The connection was lost while the test ran.',
  tarpit: 'The server answered too slowly.',
  'protocol-error': 'The session ended on a protocol error.',
  'probe-deadline': 'The whole-probe deadline passed.',
  'probe-aborted': 'The probe was stopped before it finished.',
} as const satisfies Record<string, string>;

export type ResultFlag = keyof typeof RESULT_FLAGS;

/** True when `flag` is a registered result flag. */
export function isResultFlag(flag: string): flag is ResultFlag {
  return Object.hasOwn(RESULT_FLAGS, flag);
}
