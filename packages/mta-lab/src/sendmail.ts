// The Sendmail driver of the lab: Debian 12's Sendmail 8.17.1.9 (sendmail-bin, sendmail-cf and
// sendmail-base unpacked, never installed, under $RELAYPROBE_MTA_ROOT/root; see
// scripts/ensure-mtas.sh), one instance per state directory, `sendmail -bD` in the foreground.
//
// configs/sendmail/sendmail.mc is the one template, configs/sendmail/flavours/<flavour>.mc the
// flavour's part; this file fills in the instance's values and builds sendmail.cf from them with
// m4 and the unpacked cf macros, the way sendmailconfig would. Every path the .cf names (queue,
// pid file, aliases, class files, local mailbox) is under the state directory.
//
// How Sendmail runs here, and why:
// - No DNS at all. The .cf's own lookups go through a ServiceSwitchFile saying "hosts files",
//   but Sendmail also asks the C library: the canonical name of gethostname() at start (an AAAA
//   query for "vm" to this machine's resolver, seen with strace on `sendmail -bi`) and the
//   reverse name of every client. So it runs in a mount and UTS namespace of its own (`unshare`)
//   whose /etc/nsswitch.conf says "hosts: files" (no dns source), whose /etc/hosts names the
//   instance and the lab's two client addresses, whose resolv.conf names 127.0.0.1, and whose
//   host name is ctx.hostname. `strace -f -e trace=connect,sendto` of a daemon serving probes
//   shows no socket but the listener's and AF_UNIX ones.
// - 127.0.0.2 has a name in that /etc/hosts (CLIENT_NAMES): Sendmail adds ". IP name lookup
//   failed [127.0.0.2]" to "Relaying denied" for a client whose reverse lookup fails; with the
//   name it says the plain "550 5.7.1 <r@ext>... Relaying denied" of a client with a PTR record.
// - Stock Sendmail 8.17 relays for 127.0.0.1 whatever the configuration says: ruleset Relay_ok
//   has "R127.0.0.1 $@ RELAY originated locally" (and the same for ::1). A closed flavour is
//   therefore closed from 127.0.0.2 and open from 127.0.0.1 (EXPECTED.md says so); that rule is
//   left alone, because it is what every real Sendmail does.
// - Sendmail logs to syslog only, which the lab has not. The log a test prints is the SMTP
//   traffic log of `-X FILE` (every line each session sent and received, prefixed by its pid)
//   followed by the daemon's own output (-d0.1: version and system identity), in one file.
// - `sendmail -bD`: daemon in the foreground, our child (sh and unshare exec it, so it keeps the
//   pid startDaemon knows), in a process group of its own with the children it forks per
//   connection; stop() signals the group. No queue runners (no -q); DeliveryMode=background.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isListening, startDaemon, unshareShell } from './daemon.js';
import { fillTemplate, mtaRoot, userIds } from './lab-host.js';
import type { LabTls, RunningMta, StartContext } from './lab-types.js';

export type SendmailFlavour = 'closed';

/** One line per flavour; configs/sendmail/flavours/<flavour>.mc says how. */
export const SENDMAIL_FLAVOURS: Record<SendmailFlavour, string> = {
  closed: 'stock relay rules: local users only, "550 5.7.1 <r@ext>... Relaying denied" (stock Sendmail still relays for 127.0.0.1)',
};

/** Local parts in the aliases file (all go to root); /etc/passwd users are local too (flag w). */
const SENDMAIL_LOCAL_USERS = ['postmaster', 'abuse', 'hostmaster', 'alice', 'bob'];

/** Names the namespace's /etc/hosts gives the lab's client addresses (see the head comment). */
const CLIENT_NAMES: Array<[string, string]> = [
  ['127.0.0.1', 'localhost'],
  ['127.0.0.2', 'prober.relayprobe-lab.test'],
];

/** Debian's sendmail-base makes this user; DefaultUser of the .cf (scripts/ensure-mtas.sh). */
const SENDMAIL_USER = 'smmta';

const CONFIGS = fileURLToPath(new URL('../configs/sendmail/', import.meta.url));
const LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const NAME = /^[A-Za-z0-9.-]+$/;

// Runs as `sh -c` inside the new namespaces; arguments: $1 state dir, $2 host name, $3 sendmail
// binary, $4 sendmail.cf. Mounts are private to the namespace (--propagation private) and go
// with it when its last process exits.
const IN_NAMESPACE = `set -e
mount --bind "$1/etc/nsswitch.conf" /etc/nsswitch.conf   # hosts: files, no dns
mount --bind "$1/etc/hosts" /etc/hosts
mount --bind "$1/etc/resolv.conf" /etc/resolv.conf
hostname "$2"
"$3" -C "$4" -bi >>"$1/sendmail.log" 2>&1 </dev/null     # aliases.db, inside the namespace too
exec "$3" -bD -C "$4" -X "$1/sendmail.log" -d0.1 >>"$1/sendmail.log" 2>&1 </dev/null
`;

const fill = (text: string, values: Record<string, string>) => fillTemplate(text, values, 'configs/sendmail', 'at');

/** Start one Sendmail instance of a flavour; resolves once it listens. */
export async function startSendmail(flavour: SendmailFlavour, tls: LabTls, ctx: StartContext): Promise<RunningMta> {
  const name = `sendmail ${flavour}/${tls}`;
  if (!(flavour in SENDMAIL_FLAVOURS)) throw new Error(`sendmail: unknown flavour ${flavour}`);
  if (tls !== 'none') throw new Error(`${name}: only TLS mode none is configured (no certificate in sendmail.mc)`);
  const labRoot = mtaRoot();
  const binary = join(labRoot, 'root/usr/libexec/sendmail/sendmail');
  const cfDir = join(labRoot, 'root/usr/share/sendmail/cf/');
  if (!existsSync(binary) || !existsSync(join(cfDir, 'm4/cf.m4'))) {
    throw new Error(`${name}: no ${binary} or ${cfDir}m4/cf.m4; run packages/mta-lab/scripts/ensure-mtas.sh as root`);
  }
  if (!LOOPBACK.test(ctx.listen) || !LOOPBACK.test(ctx.sink.host)) {
    throw new Error(`${name}: listen (${ctx.listen}) and sink (${ctx.sink.host}) must be 127.0.0.0/8 addresses`);
  }
  // Values go into m4 text and .cf option lines: nothing m4 would quote, split or expand.
  const state = resolve(ctx.stateDir);
  if (!NAME.test(ctx.hostname) || !NAME.test(ctx.localDomain) || !/^\/[A-Za-z0-9._/-]+$/.test(state)) {
    throw new Error(`${name}: host name, local domain or state directory unfit for sendmail.mc`);
  }
  // The readiness check looks for a listener on the port: someone else's would pass it.
  if (isListening(ctx.listen, ctx.port)) throw new Error(`${name}: something already listens on ${ctx.listen}:${ctx.port}`);
  const ids = userIds(SENDMAIL_USER);

  chmodSync(state, 0o755);
  for (const dir of ['etc', 'mail']) mkdirSync(join(state, dir), { recursive: true });
  mkdirSync(join(state, 'mqueue'), { recursive: true, mode: 0o700 });
  chownSync(join(state, 'mail'), ids.uid, ids.gid); // the local mailer may run as DefaultUser smmta
  // Sendmail's own files (the .cf names them; see configs/sendmail/sendmail.mc).
  writeFileSync(join(state, 'service.switch'), 'hosts files\naliases files\n');
  writeFileSync(join(state, 'hosts'), `127.0.0.1\tlocalhost\n${ctx.listen}\t${ctx.hostname}\n`);
  writeFileSync(join(state, 'local-host-names'), `${ctx.localDomain}\n${ctx.hostname}\n`);
  writeFileSync(join(state, 'relay-domains'), '');
  writeFileSync(join(state, 'trusted-users'), '');
  writeFileSync(join(state, 'statistics'), '');
  writeFileSync(join(state, 'aliases'), [...SENDMAIL_LOCAL_USERS.map((u) => `${u}: root`), 'MAILER-DAEMON: postmaster', ''].join('\n'));
  // The C library's view inside the namespace.
  writeFileSync(join(state, 'etc/nsswitch.conf'), 'passwd: files\ngroup: files\nshadow: files\nhosts: files\nnetworks: files\nservices: files\nprotocols: files\n');
  writeFileSync(join(state, 'etc/hosts'), [`${ctx.listen}\t${ctx.hostname}`, ...CLIENT_NAMES.map(([a, n]) => `${a}\t${n}`), ''].join('\n'));
  writeFileSync(join(state, 'etc/resolv.conf'), 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n');

  const values: Record<string, string> = {
    LAB_FLAVOUR: flavour,
    LAB_STATE: state,
    LAB_LISTEN: ctx.listen,
    LAB_PORT: String(ctx.port),
    LAB_HOSTNAME: ctx.hostname,
    LAB_LOCAL_DOMAIN: ctx.localDomain,
    LAB_SINK_HOST: ctx.sink.host,
    LAB_SINK_PORT: String(ctx.sink.port),
  };
  values.LAB_FLAVOUR_MC = fill(readFileSync(join(CONFIGS, 'flavours', `${flavour}.mc`), 'utf8'), values).trimEnd();
  const mc = join(state, 'sendmail.mc');
  writeFileSync(mc, fill(readFileSync(join(CONFIGS, 'sendmail.mc'), 'utf8'), values));
  // Any word on stderr is a fault too: the cf macros report mistakes ("duplicate OSTYPE", a
  // missing feature file) with errprint and still exit 0.
  const m4 = spawnSync('m4', [`-D_CF_DIR_=${cfDir}`, join(cfDir, 'm4/cf.m4'), mc], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (m4.error || m4.status !== 0 || m4.stderr.trim() !== '') {
    throw new Error(`${name}: m4 could not build sendmail.cf from ${mc} (is m4 installed?):\n${m4.error?.message ?? m4.stderr}`);
  }
  const cf = m4.stdout;
  const cfFile = join(state, 'sendmail.cf');
  writeFileSync(cfFile, cf, { mode: 0o644 });
  const logFile = join(state, 'sendmail.log');
  writeFileSync(logFile, '');

  const daemon = await startDaemon({
    name,
    ...unshareShell(['--mount', '--uts', '--propagation', 'private'], IN_NAMESPACE, 'sendmail-lab', [state, ctx.hostname, binary, cfFile]),
    logFile,
    listen: { host: ctx.listen, port: ctx.port },
  });
  return { logFile, stop: () => daemon.stop() };
}
