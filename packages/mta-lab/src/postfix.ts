// The Postfix driver: Debian's Postfix 3.7 (installed with apt), one instance per state
// directory, started in the foreground (`postfix -c DIR start-fg`) inside a PID and mount
// namespace of its own whose /etc/resolv.conf names a loopback address with nothing behind it, so no lookup
// of any instance can leave the machine (STACK.md, "Real mail servers", facts 2, 3 and 6).
import { chmodSync, chownSync, copyFileSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDaemon, unshareShell } from './daemon.js';
import { fillTemplate, userIds } from './lab-host.js';
import type { LabTls, RunningMta, StartContext } from './lab-types.js';

export type PostfixFlavour =
  | 'open'
  | 'closed'
  | 'default-454'
  | 'trusts-localhost'
  | 'accept-all-bounce'
  | 'catch-all'
  | 'greylisting'
  | 'percent-hack'
  | 'postscreen'
  | 'rate-limit'
  | 'sender-domain-check'
  | 'recipient-domain-check'
  | 'helo-check';

/** One line per flavour; the files in configs/postfix/flavours/ say how. */
export const POSTFIX_FLAVOURS: Record<PostfixFlavour, string> = {
  open: 'open relay: mynetworks = 0.0.0.0/0',
  closed: 'closed: reject_unauth_destination (554 5.7.1 Relay access denied)',
  'default-454': "Postfix's default defer_unauth_destination (454 4.7.1 Relay access denied)",
  'trusts-localhost': 'mynetworks = 127.0.0.1/32: open from 127.0.0.1 only',
  'accept-all-bounce': 'accepts every recipient, then bounces every message (delivers nothing)',
  'catch-all': 'open relay whose local domain has a catch-all mailbox',
  greylisting: "open relay behind Debian's postgrey (450 4.2.0 Greylisted on the first try)",
  'percent-hack': 'allow_untrusted_routing = yes: relays user%other@localdomain and other routed forms',
  postscreen: 'postscreen in front: multi-line greeting, early talkers dropped',
  'rate-limit': 'closed, at most 2 connections per client per minute',
  'sender-domain-check': 'open relay that refuses sender domains it cannot resolve',
  'recipient-domain-check': 'open relay that refuses recipient domains it cannot resolve',
  'helo-check': 'closed, refuses a HELO name that does not resolve',
};

const execFileAsync = promisify(execFile);
const CONFIGS = fileURLToPath(new URL('../configs/postfix/', import.meta.url));
/**
 * A mount namespace (our resolv.conf) and a PID namespace: master makes itself a session leader,
 * so signalling our process group would miss it; when unshare ends, --kill-child kills the
 * namespace's first process and with it every process of the instance.
 */
const NAMESPACE = ['--fork', '--pid', '--kill-child=SIGKILL', '--mount', '--propagation', 'private'];

/** A loopback address nobody listens on: the resolver of every instance (lookups fail at once). */
const DEAD_RESOLVER = '127.255.53.53';

const fill = (template: string, values: Record<string, string>) => fillTemplate(template, values, 'configs/postfix');
const chownTo = (dir: string, user: string) => {
  const { uid, gid } = userIds(user);
  chownSync(dir, uid, gid);
};

const SETTING = /^([a-z0-9_]+)\s*=/;

/** The base main.cf with every setting the overlay names removed, then the overlay: one line per setting. */
export function overlay(base: string, extra: string): string {
  const names = new Set(
    extra
      .split('\n')
      .map((l) => SETTING.exec(l)?.[1])
      .filter((n): n is string => n !== undefined),
  );
  const kept: string[] = [];
  let dropping = false;
  for (const line of base.split('\n')) {
    const name = SETTING.exec(line)?.[1];
    if (name !== undefined) dropping = names.has(name);
    else if (!/^\s/.test(line)) dropping = false; // a comment or blank line ends a continuation
    if (!dropping) kept.push(line);
  }
  return `${kept.join('\n')}\n${extra}`;
}

/** The smtpd (or postscreen + smtpd) listener lines of master.cf for a TLS mode. */
function listeners(flavour: PostfixFlavour, tls: LabTls, at: string): string {
  const wrapper = tls === 'implicit' ? '\n  -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt' : '';
  if (flavour === 'postscreen') {
    return `${at} inet n - n - 1 postscreen\nsmtpd pass - - n - - smtpd${wrapper}`;
  }
  return `${at} inet n - n - - smtpd${wrapper}`;
}

function tlsSettings(tls: LabTls, dir: string): string {
  if (tls === 'none') return 'smtpd_tls_security_level = none\n';
  return [
    `smtpd_tls_cert_file = ${join(dir, 'cert.pem')}`,
    `smtpd_tls_key_file = ${join(dir, 'key.pem')}`,
    `smtpd_tls_security_level = ${tls === 'starttls-required' ? 'encrypt' : 'may'}`,
    'smtpd_tls_session_cache_database =',
    '',
  ].join('\n');
}

export interface PostfixExtras {
  /** inet port of the policy service (greylisting flavour). */
  policyPort?: number;
}

/** Start one Postfix instance of a flavour; resolves once it listens. */
export async function startPostfix(flavour: PostfixFlavour, tls: LabTls, ctx: StartContext, extras: PostfixExtras = {}): Promise<RunningMta> {
  const config = join(ctx.stateDir, 'etc');
  const queue = join(ctx.stateDir, 'spool');
  const data = join(ctx.stateDir, 'lib');
  const logFile = join(ctx.stateDir, 'postfix.log');
  // Postfix's daemons run as the postfix user and must be able to reach their directories.
  chmodSync(ctx.stateDir, 0o755);
  for (const dir of [config, queue, data]) mkdirSync(dir, { recursive: true });
  // postfix check wants the data directory owned by the mail owner, the queue by root.
  chownTo(data, 'postfix');
  const values: Record<string, string> = {
    LAB_CONFIG_DIR: config,
    LAB_QUEUE_DIR: queue,
    LAB_DATA_DIR: data,
    LAB_STATE_DIR: ctx.stateDir,
    LAB_LOG_FILE: logFile,
    LAB_HOSTNAME: ctx.hostname,
    LAB_LOCAL_DOMAIN: ctx.localDomain,
    LAB_LISTEN: ctx.listen,
    LAB_SINK_HOST: ctx.sink.host,
    LAB_SINK_PORT: String(ctx.sink.port),
    LAB_POLICY_PORT: String(extras.policyPort ?? 0),
  };
  const main = overlay(
    fill(readFileSync(join(CONFIGS, 'main.cf'), 'utf8'), values),
    [
      `# --- flavour ${flavour} (configs/postfix/flavours/${flavour}.cf)`,
      fill(readFileSync(join(CONFIGS, 'flavours', `${flavour}.cf`), 'utf8'), values),
      `# --- TLS mode ${tls}`,
      tlsSettings(tls, config),
    ].join('\n'),
  );
  writeFileSync(join(config, 'main.cf'), main);
  const master = fill(readFileSync(join(CONFIGS, 'master.cf'), 'utf8'), {
    ...values,
    LAB_SMTPD_SERVICES: listeners(flavour, tls, `${ctx.listen}:${ctx.port}`),
  });
  writeFileSync(join(config, 'master.cf'), master);
  if (flavour === 'percent-hack') {
    // The local names and the instance's own address literal, as a gateway rule would list them.
    const local = [ctx.localDomain, ctx.hostname, `[${ctx.listen}]`].map((d) => d.replace(/[.[\]]/g, (c) => `\\${c}`)).join('|');
    writeFileSync(join(config, 'percent-hack.regexp'), `/^([^%@]+)%([^%@]+)@(${local})$/ \${1}@\${2}\n`);
  }
  if (tls !== 'none') {
    copyFileSync(ctx.tls.certFile, join(config, 'cert.pem'));
    copyFileSync(ctx.tls.keyFile, join(config, 'key.pem'));
    chmodSync(join(config, 'key.pem'), 0o600);
  }
  const resolv = join(ctx.stateDir, 'resolv.conf');
  writeFileSync(resolv, `nameserver ${DEAD_RESOLVER}\noptions timeout:1 attempts:1\n`);
  writeFileSync(logFile, '');
  // Postfix rereads a main.cf younger than a few seconds until it stops changing (0.3 s a try):
  // age the files we just wrote, or every start waits about 2 s.
  const past = new Date(Date.now() - 60_000);
  for (const file of readdirSync(config)) utimesSync(join(config, file), past, past);

  // Set up the queue directories the way `postfix start` would, then run master in the
  // foreground inside a mount namespace with our resolv.conf.
  // `postfix` reports fatal errors only on a terminal (there is no syslog here): run it under
  // script(1) so a broken config says why.
  // Asynchronous, so instances started together are prepared in parallel.
  try {
    await execFileAsync('script', ['-qec', `postfix -c ${config} set-permissions && postfix -c ${config} check`, '/dev/null']);
  } catch (error) {
    const out = (error as { stdout?: string }).stdout ?? '';
    throw new Error(`postfix ${flavour}/${tls}: the configuration in ${config} is refused:\n${out}`, { cause: error });
  }
  // The check just ran: tell postfix-script not to run it again at start (its quick-start file).
  writeFileSync(join(queue, 'quick-start'), '');
  const script = `mount --bind ${resolv} /etc/resolv.conf && exec postfix -c ${config} start-fg`;
  const daemon = await startDaemon({
    name: `postfix ${flavour}/${tls}`,
    ...unshareShell(NAMESPACE, script, 'postfix-lab', []),
    logFile,
    listen: { host: ctx.listen, port: ctx.port },
  });
  return { logFile, stop: () => daemon.stop() };
}

/** postgrey on 127.0.0.1:port with its own database and a short delay (greylisting flavour). */
export async function startPostgrey(stateDir: string, port: number, delaySeconds: number): Promise<RunningMta> {
  const db = join(stateDir, 'postgrey');
  mkdirSync(db, { recursive: true });
  chownTo(db, 'postgrey');
  const logFile = join(stateDir, 'postgrey.log');
  writeFileSync(logFile, '');
  // Postgrey logs to syslog or stderr; the daemon helper keeps its output for errors.
  const daemon = await startDaemon({
    name: 'postgrey',
    command: 'postgrey',
    // The text announces the delay (%s: seconds left), as many greylisters do; the probe waits that long.
    args: [
      `--inet=127.0.0.1:${port}`,
      `--dbdir=${db}`,
      `--delay=${delaySeconds}`,
      '--user=postgrey',
      '--group=postgrey',
      '--max-age=1',
      '--greylist-text=Greylisted for %s seconds, see http://postgrey.schweikert.ch/help/%r.html',
    ],
    logFile,
    listen: { host: '127.0.0.1', port },
  });
  return { logFile, stop: () => daemon.stop() };
}
