// The OpenSMTPD driver: Debian 12's OpenSMTPD 6.8.0p2, unpacked (never installed) under
// $RELAYPROBE_MTA_ROOT/root, one instance per state directory, `smtpd -d` in the foreground.
//
// smtpd has compiled-in paths (`strings smtpd`: /var/spool/smtpd, /var/run/smtpd.sock and
// smtpd.pid, /usr/libexec/opensmtpd/mail.*, /etc/resolv.conf, /etc/hosts, /etc/mailname), so each
// instance runs in a mount and UTS namespace of its own (`unshare`) where those come from its state
// directory. The namespace dies with its last process: nothing is left mounted after stop.
//
// Invariants: the instance listens on ctx.listen only; every message it relays goes to ctx.sink
// (configs/opensmtpd/smtpd.conf); local mail stays in a maildir under the state directory; its
// resolver is 127.0.0.1:53, where nothing listens, so the reverse lookup smtpd makes of each
// client fails at once and no query leaves loopback.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isListening, startDaemon, unshareShell } from './daemon.js';
import { fillTemplate, mtaRoot } from './lab-host.js';
import type { LabTls, RunningMta, StartContext } from './lab-types.js';

export type OpensmtpdFlavour = 'open' | 'closed' | 'trusts-localhost' | 'auth-required';

/** One line per flavour; configs/opensmtpd/flavours/<flavour>.conf says how. */
export const OPENSMTPD_FLAVOURS: Record<OpensmtpdFlavour, string> = {
  open: 'open relay: match from any for any action relay (relayed mail reaches the sink)',
  closed: 'closed: local domains only, a foreign recipient gets 550 Invalid recipient',
  'trusts-localhost': "Debian's stock match from local for any: relays for 127.0.0.1, not 127.0.0.2",
  'auth-required': 'AUTH (inside TLS only) before MAIL, else 530 5.5.1; authenticated users relay',
};

/** The account of the auth-required flavour (its crypt hash is in flavours/auth-required.conf). */

export interface OpensmtpdExtras {
  /**
   * Run smtpd without configs/opensmtpd/openssl3-pkey-fix.c: TLS then fails the way Debian 12
   * ships it (STARTTLS is answered 220, then every handshake ends in an internal-error alert).
   */
  unpatchedTls?: boolean;
}

const CONFIGS = fileURLToPath(new URL('../configs/opensmtpd/', import.meta.url));

/** Listener options per TLS mode; "lab" is the pki declared in smtpd.conf. */
const LISTEN_TLS: Record<LabTls, string> = {
  none: '',
  starttls: 'tls pki lab',
  'starttls-required': 'tls-require pki lab',
  implicit: 'smtps pki lab',
};

/** Debian's nobody:nogroup, owner of the maildir (smtpd does not deliver as root). */
const MAILBOX_OWNER = 65534;

// Runs as `sh -c` inside the new namespaces; arguments: $1 state dir, $2 host name, $3 lab root,
// $4 LD_PRELOAD (may be empty). Mounts are private to the namespace (--propagation private).
const IN_NAMESPACE = `set -e
mount --bind "$1/spool" /var/spool              # the queue, /var/spool/smtpd (smtpd creates it)
mount --bind "$1/run" /var/run                  # smtpd.sock and smtpd.pid
mount --bind "$1/etc/resolv.conf" /etc/resolv.conf
mount --bind "$1/etc/hosts" /etc/hosts
mount --bind "$3/root/usr/libexec" /usr/libexec # mail.maildir, run for local delivery
# The server name (Received headers, bounces, an unqualified RCPT): the first line of
# /etc/mailname if there is one (hidden behind ours), else gethostname() when it is fully
# qualified, which the UTS namespace makes it; otherwise smtpd would look the short name up.
if [ -e /etc/mailname ]; then mount --bind "$1/etc/mailname" /etc/mailname; fi
hostname "$2"
LD_PRELOAD="$4" exec "$3/root/usr/sbin/smtpd" -d -f "$1/smtpd.conf" >>"$1/smtpd.log" 2>&1`;

// Values are written into smtpd.conf (some inside quotes): refuse anything that could end a
// string or start a new directive.
const NAME = /^[A-Za-z0-9.-]+$/;
const LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

const fill = (template: string, values: Record<string, string>) => fillTemplate(template, values, 'configs/opensmtpd');

/** Start one OpenSMTPD instance of a flavour; resolves once it listens. */
export async function startOpensmtpd(flavour: OpensmtpdFlavour, tls: LabTls, ctx: StartContext, extras: OpensmtpdExtras = {}): Promise<RunningMta> {
  const name = `opensmtpd ${flavour}/${tls}`;
  // The lab's one place for where the unpacked packages are (scripts/ensure-mtas.sh).
  const labRoot = mtaRoot();
  if (!existsSync(join(labRoot, 'root/usr/sbin/smtpd'))) {
    throw new Error(`${name}: no ${labRoot}/root/usr/sbin/smtpd; run packages/mta-lab/scripts/ensure-mtas.sh as root`);
  }
  if (!LOOPBACK.test(ctx.listen) || !LOOPBACK.test(ctx.sink.host)) {
    throw new Error(`${name}: listen (${ctx.listen}) and sink (${ctx.sink.host}) must be 127.0.0.0/8 addresses`);
  }
  if (!NAME.test(ctx.hostname) || !NAME.test(ctx.localDomain) || /["\\\s]/.test(ctx.stateDir)) {
    throw new Error(`${name}: host name, local domain or state directory unfit for smtpd.conf`);
  }
  if (flavour === 'auth-required' && tls === 'none') {
    // smtpd refuses `listen ... auth` without tls or smtps ("auth requires tls/smtps").
    throw new Error(`${name}: OpenSMTPD offers AUTH only inside TLS; use starttls, starttls-required or implicit`);
  }
  // The readiness check looks for a listener on the port: someone else's would pass it while
  // smtpd dies on "bind: Address already in use".
  if (isListening(ctx.listen, ctx.port)) throw new Error(`${name}: something already listens on ${ctx.listen}:${ctx.port}`);

  const state = ctx.stateDir;
  // mail.maildir runs as nobody and must reach the maildir below the state directory.
  chmodSync(state, 0o755);
  for (const dir of ['spool', 'run', 'etc', 'tls']) mkdirSync(join(state, dir), { recursive: true });
  mkdirSync(join(state, 'mailbox'), { recursive: true, mode: 0o700 });
  chownSync(join(state, 'mailbox'), MAILBOX_OWNER, MAILBOX_OWNER);
  // This machine's resolver is not on loopback. ctx.dns is not used: smtpd resolves nothing the
  // lab serves (the sink is an address) and resolv.conf cannot name a port.
  writeFileSync(join(state, 'etc/resolv.conf'), 'nameserver 127.0.0.1\n');
  // Only localhost: the client at 127.0.0.1 is "localhost" in logs and Received headers, every
  // other lookup goes to the dead resolver. (The machine's own file maps 127.0.0.1 to vm, runsc.)
  writeFileSync(join(state, 'etc/hosts'), '127.0.0.1 localhost\n::1 localhost\n');
  writeFileSync(join(state, 'etc/mailname'), `${ctx.hostname}\n`);
  // smtpd loads the pki at start in every mode, and wants the key not readable by group/others.
  copyFileSync(ctx.tls.certFile, join(state, 'tls/cert.pem'));
  copyFileSync(ctx.tls.keyFile, join(state, 'tls/key.pem'));
  chmodSync(join(state, 'tls/key.pem'), 0o600);

  const values: Record<string, string> = {
    LAB_STATE_DIR: state,
    LAB_LISTEN: ctx.listen,
    LAB_PORT: String(ctx.port),
    LAB_HOSTNAME: ctx.hostname,
    LAB_LOCAL_DOMAIN: ctx.localDomain,
    LAB_SINK_HOST: ctx.sink.host,
    LAB_SINK_PORT: String(ctx.sink.port),
    LAB_TLS: LISTEN_TLS[tls],
  };
  const config = [
    `# Generated by src/opensmtpd.ts: flavour ${flavour}, TLS mode ${tls}.`,
    fill(readFileSync(join(CONFIGS, 'smtpd.conf'), 'utf8'), values),
    `# --- flavour ${flavour} (configs/opensmtpd/flavours/${flavour}.conf)`,
    fill(readFileSync(join(CONFIGS, 'flavours', `${flavour}.conf`), 'utf8'), values),
  ].join('\n');
  writeFileSync(join(state, 'smtpd.conf'), config);
  const logFile = join(state, 'smtpd.log');
  writeFileSync(logFile, '');

  let preload = '';
  if (tls !== 'none' && !extras.unpatchedTls) {
    preload = join(state, 'openssl3-pkey-fix.so');
    try {
      execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-o', preload, join(CONFIGS, 'openssl3-pkey-fix.c')], { stdio: 'pipe' });
    } catch (error) {
      const detail = (error as { stderr?: Buffer; message: string }).stderr?.toString() || (error as Error).message;
      throw new Error(`${name}: cannot build configs/opensmtpd/openssl3-pkey-fix.c (TLS needs it; is gcc installed?):\n${detail}`, { cause: error });
    }
  }

  const daemon = await startDaemon({
    name,
    ...unshareShell(['--mount', '--uts', '--propagation', 'private'], IN_NAMESPACE, 'opensmtpd-lab', [state, ctx.hostname, labRoot, preload]),
    logFile,
    listen: { host: ctx.listen, port: ctx.port },
  });
  return { logFile, stop: () => daemon.stop() };
}
