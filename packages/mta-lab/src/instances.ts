// The lab's instances: which real MTA, which flavour of its configuration, which TLS mode, and
// how relayprobe is pointed at it. What each instance is expected to yield, from each source
// address, is in ../EXPECTED.md (one table a person reads and the tests parse).
import type { LabTls } from './lab-types.js';

export type LabMta = 'postfix' | 'exim' | 'opensmtpd' | 'sendmail';

export interface LabInstance {
  /** Stable id, the first column of EXPECTED.md: "postfix-open", "exim-closed-starttls". */
  id: string;
  mta: LabMta;
  /** The driver's flavour name (POSTFIX_FLAVOURS, EXIM_FLAVOURS, OPENSMTPD_FLAVOURS, SENDMAIL_FLAVOURS). */
  flavour: string;
  tls: LabTls;
  /** Started anew for every run (its state, a rate counter or a greylist database, is per run). */
  fresh?: boolean;
  /** Greylisting delay of the policy service, seconds (greylisting flavour). */
  greylistDelaySeconds?: number;
}

const i = (id: string, mta: LabMta, flavour: string, tls: LabTls = 'none', extra: Partial<LabInstance> = {}): LabInstance => ({ id, mta, flavour, tls, ...extra });

/** Every instance the lab starts. */
export const LAB_INSTANCES: readonly LabInstance[] = [
  i('postfix-open', 'postfix', 'open'),
  i('postfix-open-starttls', 'postfix', 'open', 'starttls'),
  i('postfix-open-starttls-required', 'postfix', 'open', 'starttls-required'),
  i('postfix-open-implicit', 'postfix', 'open', 'implicit'),
  i('postfix-closed', 'postfix', 'closed'),
  i('postfix-closed-implicit', 'postfix', 'closed', 'implicit'),
  i('postfix-default-454', 'postfix', 'default-454'),
  i('postfix-trusts-localhost', 'postfix', 'trusts-localhost'),
  i('postfix-accept-all-bounce', 'postfix', 'accept-all-bounce'),
  i('postfix-catch-all', 'postfix', 'catch-all'),
  i('postfix-greylisting', 'postfix', 'greylisting', 'none', { fresh: true, greylistDelaySeconds: 2 }),
  i('postfix-percent-hack', 'postfix', 'percent-hack'),
  i('postfix-postscreen', 'postfix', 'postscreen'),
  i('postfix-rate-limit', 'postfix', 'rate-limit', 'none', { fresh: true }),
  i('postfix-sender-domain-check', 'postfix', 'sender-domain-check'),
  i('postfix-recipient-domain-check', 'postfix', 'recipient-domain-check'),
  i('postfix-helo-check', 'postfix', 'helo-check'),
  i('exim-open', 'exim', 'open'),
  i('exim-open-starttls', 'exim', 'open', 'starttls'),
  i('exim-open-starttls-required', 'exim', 'open', 'starttls-required'),
  i('exim-open-implicit', 'exim', 'open', 'implicit'),
  i('exim-closed', 'exim', 'closed'),
  i('exim-trusts-localhost', 'exim', 'trusts-localhost'),
  i('exim-catch-all', 'exim', 'catch-all'),
  i('exim-auth-required', 'exim', 'auth-required'),
  i('exim-tarpit', 'exim', 'tarpit'),
  i('exim-helo-check', 'exim', 'helo-check'),
  i('opensmtpd-open', 'opensmtpd', 'open'),
  i('opensmtpd-open-starttls', 'opensmtpd', 'open', 'starttls'),
  i('opensmtpd-open-starttls-required', 'opensmtpd', 'open', 'starttls-required'),
  i('opensmtpd-open-implicit', 'opensmtpd', 'open', 'implicit'),
  i('opensmtpd-closed', 'opensmtpd', 'closed'),
  i('opensmtpd-trusts-localhost', 'opensmtpd', 'trusts-localhost'),
  i('opensmtpd-auth-required', 'opensmtpd', 'auth-required', 'starttls'),
  i('sendmail-closed', 'sendmail', 'closed'),
];

/** The instance with this id, or a clear error. */
export function labInstance(id: string): LabInstance {
  const found = LAB_INSTANCES.find((x) => x.id === id);
  if (!found) throw new Error(`no lab instance "${id}" (src/instances.ts lists them)`);
  return found;
}
