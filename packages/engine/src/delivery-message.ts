// The test message of the opt-in delivery stage: fixed content naming relayprobe and the run id,
// so whoever receives it knows what it is. Lines only; smtp-commands.messageLines() dot-stuffs
// them (RFC 5321 §4.5.2) and every line goes on the wire with CRLF alone.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** RFC 5322 §3.3 date-time in UTC: "Sun, 29 Nov 2026 04:20:53 +0000". */
function rfc5322Date(epochMs: number): string {
  const d = new Date(epochMs);
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

export interface TestMessageInput {
  runId: string;
  token: string;
  helo: string;
  /** Envelope paths as sent, with angle brackets where the vector used them. */
  mailFrom: string;
  rcptTo: string;
  vector: string;
  server: string;
  epochMs: number;
}

const bare = (path: string) => path.replace(/^<|>$/g, '');

/** Header and body lines of the test message (no line ends). */
export function testMessageLines(input: TestMessageInput): string[] {
  const from = bare(input.mailFrom) || 'relayprobe';
  return [
    `From: relayprobe <${from}>`,
    `To: <${bare(input.rcptTo)}>`,
    `Subject: relayprobe open relay test ${input.runId}`,
    `Date: ${rfc5322Date(input.epochMs)}`,
    `Message-ID: <relayprobe-${input.token}@${input.helo}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This message was sent by relayprobe, an open-relay tester.',
    `Run: ${input.runId}`,
    `Server: ${input.server}, relay vector ${input.vector}.`,
    '',
    'If you received it, that server relayed mail for a domain it does not serve:',
    'it is an open relay. Restrict relaying to authenticated users and your own networks.',
    '.',
    '(The line above is a lone dot, sent dot-stuffed; it must not end the message.)',
  ];
}

/** The queue id in an end-of-data reply ("250 2.0.0 Ok: queued as 4BvT3x1Zq"), when there is one. */
export function queueIdFrom(text: string): string | undefined {
  const m = /queued as ([A-Za-z0-9._-]+)/i.exec(text) ?? /\bid[=: ]+([A-Za-z0-9._-]{4,})/i.exec(text);
  return m?.[1];
}
