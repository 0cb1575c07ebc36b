// The lab: the delivery sink, and instances started on demand, each on a loopback address of its
// own (127.0.1.N) and a port that was free there. Used by the tests and by `npm run lab` by hand.
//
// Invariants: nothing listens outside 127.0.0.0/8; every instance delivers only to the sink;
// stop() stops every instance this lab started and removes their state directories.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import dgram from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabInstance } from './instances.js';
import type { RunningMta, StartContext } from './lab-types.js';
import { startPostfix, startPostgrey, type PostfixFlavour } from './postfix.js';
import { startSink, type Sink } from './sink.js';
import { startDaemon } from './daemon.js';
import { closedPort } from '@relayprobe/testkit';
import { startExim, type EximFlavour } from './exim.js';
import { startOpensmtpd, type OpensmtpdFlavour } from './opensmtpd.js';
import { startSendmail, type SendmailFlavour } from './sendmail.js';

/** The certificate every TLS instance presents (the testkit's, for mx.relay-test.example, signed by its CA). */
const FIXTURES = fileURLToPath(new URL('../../testkit/fixtures/', import.meta.url));
const LAB_CERTIFICATE = { certFile: join(FIXTURES, 'valid.pem'), keyFile: join(FIXTURES, 'valid.key') };
/** The names every instance calls its own. */
const LAB_HOSTNAME = 'mx.relay-test.example';
const LAB_LOCAL_DOMAIN = 'relay-test.example';

export interface RunningInstance {
  instance: LabInstance;
  host: string;
  port: number;
  logFile: string;
  stop(): Promise<void>;
}

/** Where and as whom an instance runs, when a test needs more than a fresh address and port (the MX hosts of a test domain). */
export interface Placement {
  /** A loopback address (127.0.0.0/8) and a port, e.g. 127.0.1.2 port 25. */
  host?: string;
  port?: number;
  /** The name it calls itself and the domain it receives mail for (default mx.relay-test.example, relay-test.example). */
  hostname?: string;
  localDomain?: string;
}

export interface Lab {
  sink: Sink;
  /** The lab's DNS server (dnsmasq on 127.0.0.1): reverse names for every instance address. */
  dns: { host: string; port: number };
  start(instance: LabInstance, placement?: Placement): Promise<RunningInstance>;
  stop(): Promise<void>;
}

let nextHost = 10;
/** The next loopback address for an instance: 127.1.0.11, 127.1.0.12, ... */
function allocateHost(): string {
  const n = nextHost++;
  return `127.1.${Math.floor(n / 250)}.${(n % 250) + 1}`;
}

/** Start the sink; instances start when asked. */
export async function startLab(): Promise<Lab> {
  const sink = await startSink();
  const dns = await startLabDns();
  const running = new Set<RunningInstance>();
  const root = mkdtempSync(join(tmpdir(), 'relayprobe-lab-'));
  chmodSync(root, 0o755); // the MTAs' unprivileged daemons must reach their state directories

  const start = async (instance: LabInstance, placement: Placement = {}): Promise<RunningInstance> => {
    const host = placement.host ?? allocateHost();
    if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) throw new Error(`lab instances listen on 127.0.0.0/8 only, not ${host}`);
    const port = placement.port ?? (await closedPort(host));
    const stateDir = mkdtempSync(join(root, `${instance.id}-`));
    chmodSync(stateDir, 0o755);
    const ctx: StartContext = {
      stateDir,
      listen: host,
      port,
      sink: { host: sink.host, port: sink.port },
      tls: LAB_CERTIFICATE,
      hostname: placement.hostname ?? LAB_HOSTNAME,
      localDomain: placement.localDomain ?? LAB_LOCAL_DOMAIN,
    };
    const helpers: RunningMta[] = [];
    let mta: RunningMta;
    try {
      mta = await startMta(instance, ctx, helpers);
    } catch (error) {
      await Promise.all(helpers.map((h) => h.stop()));
      throw error;
    }
    let stopping: Promise<void> | undefined;
    const handle: RunningInstance = {
      instance,
      host,
      port,
      logFile: mta.logFile,
      stop: () =>
        (stopping ??= (async () => {
          running.delete(handle);
          await mta.stop();
          await Promise.all(helpers.map((h) => h.stop()));
          rmSync(stateDir, { recursive: true, force: true });
        })()),
    };
    running.add(handle);
    return handle;
  };

  return {
    sink,
    dns: { host: '127.0.0.1', port: dns.port },
    start,
    async stop() {
      await Promise.all([...running].map((r) => r.stop()));
      await dns.daemon.stop();
      await sink.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The PTR name dnsmasq gives an instance address: 127.1.0.11 -> mx-127-1-0-11.lab.relayprobe.test. */
export const reverseNameOf = (address: string) => `mx-${address.replace(/\./g, '-')}.${LAB_REVERSE_ZONE}`;
const LAB_REVERSE_ZONE = 'lab.relayprobe.test';

/** A DNS zone for dnsmasq's command line (STACK.md fact 9): MX, A and AAAA records of names under `domains`, nothing forwarded. */
export interface LabZone {
  /** Domains dnsmasq answers for alone (--local): other names of them are NXDOMAIN. */
  domains: string[];
  mx: { domain: string; exchange: string; preference: number }[];
  hosts: { name: string; addresses: string[] }[];
}

/** dnsmasq in the foreground on 127.0.0.1:port with no upstream, no hosts file, as nobody: what every lab DNS server shares. */
const dnsmasqBase = (port: number) => [
  '--no-daemon',
  '--no-resolv',
  '--no-hosts',
  '--no-poll',
  `--port=${port}`,
  '--listen-address=127.0.0.1',
  '--bind-interfaces',
  '--user=nobody',
  '--group=nogroup',
];

/** Start a dnsmasq of its own serving `zone` on 127.0.0.1 (UDP and TCP on a free port); stop() ends it. */
export async function startZoneDns(zone: LabZone): Promise<{ host: string; port: number; stop: () => Promise<void> }> {
  const port = await freeUdpPort('127.0.0.1');
  const args = [
    ...dnsmasqBase(port),
    ...zone.domains.map((d) => `--local=/${d}/`),
    ...zone.mx.map((m) => `--mx-host=${m.domain},${m.exchange},${m.preference}`),
    ...zone.hosts.map((h) => `--host-record=${h.name},${h.addresses.join(',')}`),
  ];
  const daemon = await startDaemon({ name: 'dnsmasq (zone)', command: 'dnsmasq', args, logFile: '/dev/null', listen: { host: '127.0.0.1', port }, protocol: 'udp' });
  return { host: '127.0.0.1', port, stop: () => daemon.stop() };
}

/**
 * dnsmasq on 127.0.0.1 (STACK.md fact 9), authoritative for nothing but synthesized names of
 * 127.1.0.0/16, no upstream: every other question is refused, so nothing is forwarded anywhere.
 */
async function startLabDns(): Promise<{ port: number; daemon: Awaited<ReturnType<typeof startDaemon>> }> {
  const port = await freeUdpPort('127.0.0.1');
  const daemon = await startDaemon({
    name: 'dnsmasq',
    command: 'dnsmasq',
    args: [...dnsmasqBase(port), `--synth-domain=${LAB_REVERSE_ZONE},127.1.0.0/16,mx-`, '--local=/relayprobe.test/'],
    logFile: '/dev/null',
    listen: { host: '127.0.0.1', port },
    protocol: 'udp',
  });
  return { port, daemon };
}

/** A UDP port nobody uses at `host` right now. */
function freeUdpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, host, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

async function startMta(instance: LabInstance, ctx: StartContext, helpers: RunningMta[]): Promise<RunningMta> {
  switch (instance.mta) {
    case 'postfix': {
      let policyPort: number | undefined;
      if (instance.flavour === 'greylisting') {
        policyPort = await closedPort('127.0.0.1');
        helpers.push(await startPostgrey(ctx.stateDir, policyPort, instance.greylistDelaySeconds ?? 2));
      }
      return startPostfix(instance.flavour as PostfixFlavour, instance.tls, ctx, { policyPort });
    }
    case 'exim':
      return startExim(instance.flavour as EximFlavour, instance.tls, ctx);
    case 'opensmtpd':
      return startOpensmtpd(instance.flavour as OpensmtpdFlavour, instance.tls, ctx);
    case 'sendmail':
      return startSendmail(instance.flavour as SendmailFlavour, instance.tls, ctx);
  }
}
