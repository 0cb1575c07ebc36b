// RFC 3463 enhanced status codes (class.subject.detail), with the registry's meanings, so the
// CLI and the web page can explain "5.7.1" to someone who does not know SMTP. Vendor codes used
// by Exchange (5.7.54, 5.7.57, 5.7.64) are included because relay refusals use them.

const CLASSES: Record<string, string> = {
  '2': 'Success',
  '4': 'Temporary failure (try again later)',
  '5': 'Permanent failure',
};

/** subject.detail → meaning (RFC 3463 §3, IANA SMTP Enhanced Status Codes registry). */
const DETAILS: Record<string, string> = {
  '0.0': 'Other or undefined status',
  '1.0': 'Other address status',
  '1.1': 'Bad destination mailbox address',
  '1.2': 'Bad destination system address (domain not found)',
  '1.3': 'Bad destination mailbox address syntax',
  '1.4': 'Destination mailbox address ambiguous',
  '1.5': 'Destination address valid',
  '1.6': 'Destination mailbox has moved',
  '1.7': "Bad sender's mailbox address syntax",
  '1.8': "Bad sender's system address",
  '1.10': 'Recipient address has null MX',
  '2.0': 'Other or undefined mailbox status',
  '2.1': 'Mailbox disabled, not accepting messages',
  '2.2': 'Mailbox full',
  '2.3': 'Message length exceeds administrative limit',
  '2.4': 'Mailing list expansion problem',
  '3.0': 'Other or undefined mail system status',
  '3.1': 'Mail system full',
  '3.2': 'System not accepting network messages',
  '3.3': 'System not capable of selected features',
  '3.4': 'Message too big for system',
  '3.5': 'System incorrectly configured',
  '4.0': 'Other or undefined network or routing status',
  '4.1': 'No answer from host',
  '4.2': 'Bad connection',
  '4.3': 'Directory server failure',
  '4.4': 'Unable to route',
  '4.5': 'Mail system congestion',
  '4.6': 'Routing loop detected',
  '4.7': 'Delivery time expired',
  '5.0': 'Other or undefined protocol status',
  '5.1': 'Invalid command',
  '5.2': 'Syntax error',
  '5.3': 'Too many recipients',
  '5.4': 'Invalid command arguments',
  '5.5': 'Wrong protocol version',
  '6.0': 'Other or undefined media error',
  '7.0': 'Other or undefined security status (often: authentication required)',
  '7.1': 'Delivery not authorized, message refused (relaying denied)',
  '7.2': 'Mailing list expansion prohibited',
  '7.3': 'Security conversion required but not possible',
  '7.4': 'Security features not supported',
  '7.5': 'Cryptographic failure',
  '7.7': 'Message integrity failure',
  '7.8': 'Authentication credentials invalid',
  '7.9': 'Authentication mechanism is too weak',
  '7.10': 'Encryption needed',
  '7.11': 'Encryption required for requested authentication mechanism',
  '7.13': 'User account disabled',
  '7.14': 'Trust relationship required',
  '7.25': 'Reverse DNS validation failed',
  '7.26': 'Multiple authentication checks failed',
  '7.27': 'Sender address has null MX',
  '7.54': 'Unable to relay recipient in non-accepted domain (Exchange)',
  '7.57': 'Client was not authenticated to send anonymous mail (Exchange)',
  '7.64': 'Relay access denied by tenant attribution (Exchange Online)',
};

const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})$/;

/** Explain an enhanced status code such as "5.7.1"; undefined when it is not one. */
export function explainEnhancedStatus(code: string): string | undefined {
  const m = ENHANCED.exec(code);
  if (!m) return undefined;
  const [, cls, subject, detail] = m as unknown as [string, string, string, string];
  const meaning = DETAILS[`${subject}.${detail}`] ?? DETAILS[`${subject}.0`] ?? 'Unregistered status';
  return `${CLASSES[cls]}: ${meaning}`;
}
