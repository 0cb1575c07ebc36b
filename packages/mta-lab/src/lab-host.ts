// What every driver needs from this machine: where the unpacked MTAs are, the ids of the users
// their daemons drop to, and config templates filled with an instance's values.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where scripts/ensure-mtas.sh unpacks Exim, OpenSMTPD and Sendmail ($RELAYPROBE_MTA_ROOT). */
export const mtaRoot = (): string => process.env.RELAYPROBE_MTA_ROOT ?? '/opt/relayprobe-mta-lab';

/** A path inside the unpacked packages: unpacked('usr/sbin/exim4'). */
export const unpacked = (path: string): string => join(mtaRoot(), 'root', path);

/** uid and primary gid of a user, from /etc/passwd; a clear error when the install step is missing. */
export function userIds(user: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error(`user ${user} does not exist; run packages/mta-lab/scripts/ensure-mtas.sh as root`);
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * A template with its placeholders replaced: `${LAB_NAME}` (Postfix, OpenSMTPD), or `@LAB_NAME@`
 * where `$` means something to the config language (m4 for Sendmail). A placeholder without a
 * value is an error naming `where`, never an empty string in a config.
 */
export function fillTemplate(template: string, values: Record<string, string>, where: string, style: 'braces' | 'at' = 'braces'): string {
  const pattern = style === 'braces' ? /\$\{(LAB_[A-Z_]+)\}/g : /@(LAB_[A-Z_]+)@/g;
  return template.replace(pattern, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`${where}: no value for ${whole}`);
    return value;
  });
}
