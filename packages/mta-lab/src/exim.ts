// The Exim driver of the lab: Debian's Exim 4.96 (unpacked under $RELAYPROBE_MTA_ROOT, see
// scripts/ensure-mtas.sh) run as a foreground daemon with a configuration of its own.
//
// configs/exim/exim.conf is the one template; this file puts a block of Exim macros in front of
// it (the instance's values and the flavour's feature switches) and writes the result into the
// state directory. Everything Exim writes (spool, logs, pid file) stays in that directory, so
// several instances run side by side.
//
// How Exim runs here, and why:
// - `exim -C FILE -bdf`: -C names our file; a root caller keeps root with -C, so the daemon can
//   bind (port 25 too), after which it runs as Debian-exim. -bdf keeps the daemon in the
//   foreground as our child, in a process group of its own; its reception and delivery processes
//   stay in that group (the delivery ones are reparented to init), so stop() signals the group.
// - Reception processes run as Debian-exim and re-execute Exim to deliver ("-Mc"); with a -C file
//   that is not in TRUSTED_CONFIG_LIST (/etc/exim4/trusted_configs) that delivery keeps the
//   Debian-exim uid (and says "exim user lost privilege for using -C option" in the paniclog, once
//   per message: expected). It only talks SMTP to the sink, which needs no root, but it must be
//   able to read the config file and write the spool and log: hence the ownership set below and
//   the check that Debian-exim can reach the state directory.
// - There are no queue runners (no -q): every message is delivered at receipt or stays queued.
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, chmod, chown, copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { dirname, join, resolve } from 'node:path';
import type { LabTls, RunningMta, StartContext } from './lab-types.js';
import { unpacked, userIds } from './lab-host.js';

export type EximFlavour = 'open' | 'closed' | 'trusts-localhost' | 'catch-all' | 'auth-required' | 'tarpit' | 'helo-check';

interface FlavourSpec {
  description: string;
  /** Exim hostlist of clients allowed to relay (`<;` so IPv6 needs no doubled colons). */
  relayFrom: string;
  /** Feature macros of the template (see the head of configs/exim/exim.conf). */
  features: Array<'LAB_CATCH_ALL' | 'LAB_AUTH' | 'LAB_TARPIT' | 'LAB_HELO_CHECK'>;
}

const ANYONE = '<; 0.0.0.0/0 ; ::/0';
const FLAVOURS: Record<EximFlavour, FlavourSpec> = {
  open: { description: 'open relay: relays for any client (relay_from_hosts = 0.0.0.0/0)', relayFrom: ANYONE, features: [] },
  closed: { description: 'stock policy: local users only, relaying refused with "550 relay not permitted"', relayFrom: '', features: [] },
  'trusts-localhost': {
    description: "Debian's default relay_from_hosts = 127.0.0.1 : ::1: relays for 127.0.0.1, not for 127.0.0.2",
    relayFrom: '<; 127.0.0.1 ; ::1',
    features: [],
  },
  'catch-all': { description: 'open relay whose local domains accept every local part (catch-all mailbox)', relayFrom: ANYONE, features: ['LAB_CATCH_ALL'] },
  'auth-required': {
    description: 'AUTH PLAIN/LOGIN offered; relays only for authenticated clients, others get "530 5.7.0 Authentication required"',
    relayFrom: '',
    features: ['LAB_AUTH'],
  },
  tarpit: { description: 'closed, and every RCPT reply is delayed by 2 s (delay = 2s)', relayFrom: '', features: ['LAB_TARPIT'] },
  'helo-check': {
    description: 'open relay that refuses MAIL when the HELO name is not a valid host name (stand-in for verify = helo)',
    relayFrom: ANYONE,
    features: ['LAB_HELO_CHECK'],
  },
};

/** One line per flavour, for test names and the lab's listing. */
export const EXIM_FLAVOURS = Object.fromEntries(Object.entries(FLAVOURS).map(([name, spec]) => [name, spec.description])) as Record<EximFlavour, string>;

/** The mailboxes of the local domains (other local parts are unknown users, except in catch-all). */
const EXIM_LOCAL_USERS = ['postmaster', 'abuse', 'hostmaster', 'root', 'alice', 'bob'];
/** The dummy account of the auth-required flavour. */
const EXIM_LOGIN = { user: 'relayprobe', password: 'lab-password' };

const TLS_FEATURES: Record<LabTls, string[]> = {
  none: [],
  starttls: ['LAB_TLS_OFFER'],
  'starttls-required': ['LAB_TLS_OFFER', 'LAB_TLS_REQUIRE'],
  implicit: ['LAB_TLS_ON_CONNECT'],
};

const EXIM_USER = 'Debian-exim';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

const eximBinary = () => unpacked('usr/sbin/exim4');
const templateUrl = new URL('../configs/exim/exim.conf', import.meta.url);

/**
 * Exim's delivery processes run as Debian-exim and read the config file by its path, so every
 * directory above the state directory must let that user through; a mkdtemp() parent (0700)
 * would not, and mail would sit in the queue with only a log line saying why.
 */
async function checkReachable(dir: string, ids: { uid: number; gid: number }): Promise<void> {
  for (let d = dirname(dir); ; d = dirname(d)) {
    const s = await stat(d);
    const bit = s.uid === ids.uid ? 0o100 : s.gid === ids.gid ? 0o010 : 0o001;
    if (!(s.mode & bit)) {
      throw new Error(`exim: ${EXIM_USER} cannot reach ${dir} (${d} has mode ${(s.mode & 0o777).toString(8)}); make the directories above the state dir searchable (e.g. chmod o+x ${d})`);
    }
    if (d === dirname(d)) return;
  }
}

/** A value from the context goes into an Exim macro: nothing Exim would expand or split. */
function checkValue(name: string, value: string, pattern: RegExp): void {
  if (!pattern.test(value)) throw new Error(`exim: ${name} ${JSON.stringify(value)} cannot go into an Exim config`);
}

/**
 * Whether the daemon serves host:port: a TCP connection (TLS from the start in implicit mode)
 * that gets the 220 greeting. A bare connect is not enough: the kernel completes it as soon as
 * Exim listens, while Exim may still be busy and greet only later. The connection then says
 * QUIT; it shows in the instance's log as one session from 127.0.0.1.
 */
function greets(host: string, port: number, implicitTls: boolean, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = implicitTls ? tlsConnect({ host, port, rejectUnauthorized: false }) : connect({ host, port });
    const done = (ok: boolean) => {
      if (ok) socket.end('QUIT\r\n');
      else socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('data', (d: Buffer) => done(d.toString('latin1').startsWith('220')));
    socket.once('error', () => done(false));
  });
}

const tail = async (file: string, lines = 20) => {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(none)';
  }
};

export async function startExim(flavour: EximFlavour, tls: LabTls, ctx: StartContext): Promise<RunningMta> {
  const spec = FLAVOURS[flavour];
  if (!spec) throw new Error(`exim: unknown flavour ${flavour}`);
  if (!/^127\.\d+\.\d+\.\d+$/.test(ctx.listen) || !/^127\.\d+\.\d+\.\d+$/.test(ctx.sink.host)) {
    throw new Error(`exim: listen (${ctx.listen}) and sink (${ctx.sink.host}) must be IPv4 loopback addresses`);
  }
  // Absolute: Exim's delivery processes re-read the config by this path after a chdir to the spool.
  const stateDir = resolve(ctx.stateDir);
  const { hostname, localDomain } = ctx;
  checkValue('hostname', hostname, /^[A-Za-z0-9.-]+$/);
  checkValue('localDomain', localDomain, /^[A-Za-z0-9.-]+$/);
  checkValue('stateDir', stateDir, /^[^\s$\\":]+$/);
  const binary = eximBinary();
  await access(binary, constants.X_OK).catch(() => {
    throw new Error(`exim: ${binary} not found; run packages/mta-lab/scripts/ensure-mtas.sh as root`);
  });

  // Directories: the state dir is ours, readable by Debian-exim; spool and log belong to it.
  const ids = userIds(EXIM_USER);
  await checkReachable(stateDir, ids);
  await chmod(stateDir, 0o755);
  for (const sub of ['spool', 'log']) {
    const dir = join(stateDir, sub);
    await mkdir(dir, { recursive: true });
    await chown(dir, ids.uid, ids.gid);
    await chmod(dir, 0o750);
  }

  // The config: macros, then the template. -C requires it root-owned and not group/other
  // writable (it is root's, we are root).
  const macros: Array<[string, string]> = [
    ['LAB_HOSTNAME', ctx.hostname],
    ['LAB_LOCAL_DOMAIN', ctx.localDomain],
    ['LAB_LOCAL_USERS', EXIM_LOCAL_USERS.join(' : ')],
    ['LAB_RELAY_FROM', spec.relayFrom],
    ['LAB_LISTEN', ctx.listen],
    ['LAB_PORT', String(ctx.port)],
    ['LAB_SINK_HOST', ctx.sink.host],
    ['LAB_SINK_PORT', String(ctx.sink.port)],
    ['LAB_STATE_DIR', stateDir],
    ['LAB_EXIM_PATH', binary],
    ['LAB_LOGIN_NAME', EXIM_LOGIN.user],
    ['LAB_LOGIN_PASSWORD', EXIM_LOGIN.password],
  ];
  // The certificate goes in with mode "none" too when the lab has one: Exim 4.96 sets TLS up even
  // when it advertises no STARTTLS, and without a certificate it first generates a self-signed
  // one, which holds back the first greeting (0.2-0.4 s on an idle machine, 7 s seen under load).
  const haveCert = await Promise.all([access(ctx.tls.certFile), access(ctx.tls.keyFile)]).then(
    () => true,
    () => false,
  );
  if (tls !== 'none' || haveCert) {
    // Exim reads the certificate and key in the reception process, which runs as Debian-exim
    // (the daemon too gives up root once it listens): a key of mode 0600 fails every handshake
    // with "454 TLS currently unavailable". Give Exim copies its group can read.
    const tlsDir = join(stateDir, 'tls');
    await mkdir(tlsDir, { recursive: true });
    for (const [macro, from, name] of [
      ['LAB_TLS_CERT', ctx.tls.certFile, 'cert.pem'],
      ['LAB_TLS_KEY', ctx.tls.keyFile, 'key.pem'],
    ] as const) {
      const to = join(tlsDir, name);
      await copyFile(from, to).catch((error: Error) => {
        throw new Error(`exim: TLS mode ${tls} needs ${from}: ${error.message}`);
      });
      await chown(to, 0, ids.gid);
      await chmod(to, 0o640);
      macros.push([macro, to]);
    }
  }
  for (const feature of [...spec.features, ...TLS_FEATURES[tls]]) macros.push([feature, 'yes']);
  const header = macros.map(([name, value]) => `${name} = ${value}`);
  const configFile = join(stateDir, 'exim.conf');
  await writeFile(configFile, `# Generated by packages/mta-lab/src/exim.ts: ${flavour}, TLS ${tls}\n${header.join('\n')}\n\n${await readFile(templateUrl, 'utf8')}`, { mode: 0o644 });
  await chmod(configFile, 0o644);

  // Readiness is "the port greets": a port someone else already serves would look ready at once.
  if (await greets(ctx.listen, ctx.port, tls === 'implicit', 1000)) throw new Error(`exim: ${ctx.listen}:${ctx.port} is already in use`);

  const logFile = join(stateDir, 'log', 'mainlog');
  const panicLog = join(stateDir, 'log', 'paniclog');
  const child = spawn(binary, ['-C', configFile, '-bdf'], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', (error) => {
      exited = true;
      stderr += `\n${error.message}`;
      resolve();
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // The whole group: the daemon and any reception or delivery process still running.
      const signal = (sig: NodeJS.Signals) => {
        try {
          if (child.pid) process.kill(-child.pid, sig);
        } catch {
          /* already gone */
        }
      };
      if (!exited) {
        signal('SIGTERM');
        const killer = setTimeout(() => signal('SIGKILL'), STOP_TIMEOUT_MS);
        await exit;
        clearTimeout(killer);
      }
      signal('SIGKILL'); // whatever outlived the daemon (a delivery still talking to the sink)
    })();
    return stopping;
  };

  // Ready when the port greets; fail at once when the daemon exits first.
  const failure = async (why: string) =>
    new Error(
      `exim ${flavour}/${tls} on ${ctx.listen}:${ctx.port} ${why}\n--- stderr ---\n${stderr.trim()}\n` + `--- ${panicLog} ---\n${await tail(panicLog)}\n--- ${logFile} ---\n${await tail(logFile)}`,
    );
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited) throw await failure('exited before listening');
    // Attempts of at most 1 s, so a daemon that dies (or a silent squatter) ends the wait soon.
    if (await Promise.race([greets(ctx.listen, ctx.port, tls === 'implicit', 1000), exit.then(() => false)])) break;
    if (Date.now() > deadline) {
      await stop();
      throw await failure(`did not listen within ${START_TIMEOUT_MS} ms`);
    }
    await Promise.race([exit, new Promise((resolve) => setTimeout(resolve, 25))]);
  }
  return { logFile, stop };
}
