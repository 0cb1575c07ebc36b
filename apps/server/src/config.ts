// Server configuration: every RELAYPROBE_* variable in one table (HOUSE-STYLE rule 10), parsed
// and validated once at boot. A bad value stops the start with a message naming the variable.
// docs/self-hosting.md lists the same variables; a test keeps the two in step.
import { isIP } from 'node:net';
import { parseIpAddress, validateDomain, validateHeloName } from '@relayprobe/contracts';
import { defaultHeloName } from '@relayprobe/probe';
import { parseAlertFrom, parseAlertSmtpUrl } from './watches/watch-config.js';
import { allowedHosts, cidrList, dnsServers, integer, no, ok, portList, trustProxy, type Parsed } from './config-values.js';

export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  publicUrl: string | undefined;
  allowedHosts: string[];
  heloName: string;
  testDomain: string;
  sourceAddress: string | undefined;
  dnsServers: string[];
  allowTargets: string[];
  ports: number[];
  authToken: string | undefined;
  trustProxy: string[] | false;
  maxConcurrent: number;
  maxQueue: number;
  rateLimitPerMinute: number;
  maxConnectionsPerClient: number;
  targetHourlyLimit: number;
  timeoutSeconds: number;
  greylistWaitSeconds: number;
  /** A result page older than this many days says its age and offers "Run again" first (0: never). */
  oldResultDays: number;
  shutdownGraceSeconds: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  watchMinIntervalMinutes: number;
  allowWebhooks: string[];
  alertSmtpUrl: string | undefined;
  alertFrom: string | undefined;
}

interface Variable<K extends keyof ServerConfig> {
  name: string;
  key: K;
  /** Default as written in the docs; undefined when unset means "off". */
  defaultText: string | undefined;
  description: string;
  /** Never echo the value in messages. */
  secret?: boolean;
  parse(text: string): Parsed<ServerConfig[K]>;
}

export const VARIABLES: readonly Variable<keyof ServerConfig>[] = [
  {
    name: 'RELAYPROBE_HOST',
    key: 'host',
    defaultText: '127.0.0.1',
    description: 'Address to listen on; 0.0.0.0 or :: to listen on every interface (put a reverse proxy in front).',
    parse: (t) => (isIP(t) !== 0 || t === 'localhost' ? ok(t) : no('must be an IP address to listen on (e.g. 127.0.0.1, 0.0.0.0, ::)')),
  },
  { name: 'RELAYPROBE_PORT', key: 'port', defaultText: '3025', description: 'HTTP port (0 picks a free one).', parse: integer(0, 65535) },
  {
    name: 'RELAYPROBE_DATA_DIR',
    key: 'dataDir',
    defaultText: './data',
    description: 'Directory of the SQLite database (relayprobe.sqlite), created when missing.',
    parse: (t) => (t.trim().length > 0 && !/[\0\r\n]/.test(t) ? ok(t) : no('must be a directory path')),
  },
  {
    name: 'RELAYPROBE_PUBLIC_URL',
    key: 'publicUrl',
    defaultText: undefined,
    description: 'The origin people use, e.g. https://relayprobe.example.com (no sub-path): share links become absolute, and the service answers to its host and accepts that Origin.',
    parse: (t) => {
      try {
        const url = new URL(t);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') return no('must start with http:// or https://');
        // The routes and /assets are served at the root: a sub-path would make broken links.
        if (url.search || url.hash || url.username || url.pathname !== '/') return no('must be a plain origin such as https://relayprobe.example.com, without a path, query, fragment or credentials');
        return ok(url.origin);
      } catch {
        return no('must be an absolute URL such as https://relayprobe.example.com');
      }
    },
  },
  {
    name: 'RELAYPROBE_ALLOWED_HOSTS',
    key: 'allowedHosts',
    defaultText: '(none)',
    description:
      "More names (or addresses) the service is reached by, comma-separated, besides RELAYPROBE_PUBLIC_URL's host, the listen address and localhost; a request for any other Host is refused (421), so that a rebound DNS name cannot reach it.",
    parse: allowedHosts,
  },
  {
    name: 'RELAYPROBE_HELO_NAME',
    key: 'heloName',
    defaultText: "(this machine's name if fully qualified, else relayprobe.invalid)",
    description: "Name sent in EHLO/HELO; use the server's real, resolvable host name.",
    parse: (t) => {
      const p = validateHeloName(t);
      return p ? no(p) : ok(t);
    },
  },
  {
    name: 'RELAYPROBE_TEST_DOMAIN',
    key: 'testDomain',
    defaultText: 'example.com',
    description: 'External domain of the relay recipients: a real, mail-accepting domain of yours that the tested servers do not host.',
    parse: (t) => {
      const p = validateDomain(t.toLowerCase());
      return p ? no(p) : ok(t.toLowerCase());
    },
  },
  {
    name: 'RELAYPROBE_SOURCE_ADDRESS',
    key: 'sourceAddress',
    defaultText: undefined,
    description: 'Local address probes connect from.',
    parse: (t) => (parseIpAddress(t) ? ok(t) : no('must be an IPv4 or IPv6 address of this machine')),
  },
  {
    name: 'RELAYPROBE_DNS_SERVERS',
    key: 'dnsServers',
    defaultText: "(the system's)",
    description: 'DNS servers probes ask instead of the system\'s, comma-separated ("IP" or "IP:PORT"); private addresses then get reverse lookups too.',
    parse: dnsServers,
  },
  {
    name: 'RELAYPROBE_ALLOW_TARGETS',
    key: 'allowTargets',
    defaultText: '(empty)',
    description: 'CIDRs exempt from the private-address block, e.g. 10.0.0.0/8 for internal relays. Cloud metadata addresses (all of 169.254.0.0/16 among them) stay refused.',
    parse: cidrList,
  },
  { name: 'RELAYPROBE_PORTS', key: 'ports', defaultText: '25,465,587', description: 'Target ports visitors may test; ranges allowed (2525-2530).', parse: portList },
  {
    name: 'RELAYPROBE_AUTH_TOKEN',
    key: 'authToken',
    defaultText: undefined,
    secret: true,
    description: 'When set, starting a probe (and listing results, and /metrics) needs "Authorization: Bearer <token>"; reading a result by its link does not.',
    parse: (t) => (t.length >= 16 && /^[\x21-\x7e]+$/.test(t) ? ok(t) : no('must be at least 16 printable characters without spaces')),
  },
  {
    name: 'RELAYPROBE_TRUST_PROXY',
    key: 'trustProxy',
    defaultText: '(off)',
    description: 'Addresses or CIDRs of your reverse proxies (or loopback); only their X-Forwarded-For is believed.',
    parse: trustProxy,
  },
  { name: 'RELAYPROBE_MAX_CONCURRENT', key: 'maxConcurrent', defaultText: '20', description: 'Probes running at once; more wait in the queue.', parse: integer(1, 5000) },
  { name: 'RELAYPROBE_MAX_QUEUE', key: 'maxQueue', defaultText: '100', description: 'Probes that may wait; beyond that, new ones are refused (503).', parse: integer(0, 100000) },
  { name: 'RELAYPROBE_RATE_LIMIT', key: 'rateLimitPerMinute', defaultText: '10', description: 'Probes one client may start per minute.', parse: integer(1, 100000) },
  {
    name: 'RELAYPROBE_MAX_CONNECTIONS_PER_CLIENT',
    key: 'maxConnectionsPerClient',
    defaultText: '100',
    description:
      'HTTP and WebSocket connections one client (IP address; IPv6: its /64) may hold open at once; more are answered 429 and closed. Connections from RELAYPROBE_TRUST_PROXY are not counted.',
    parse: integer(1, 100000),
  },
  { name: 'RELAYPROBE_TARGET_HOURLY_LIMIT', key: 'targetHourlyLimit', defaultText: '6', description: 'Probes of one mail server per hour (one at a time).', parse: integer(1, 100000) },
  { name: 'RELAYPROBE_TIMEOUT', key: 'timeoutSeconds', defaultText: '30', description: 'Seconds to wait for each SMTP reply.', parse: integer(1, 600) },
  {
    name: 'RELAYPROBE_GREYLIST_WAIT',
    key: 'greylistWaitSeconds',
    defaultText: '360',
    description: 'Longest wait, in seconds, for a greylisting server before its deferred tests are retried once; 0 turns the retry off.',
    parse: integer(0, 3600),
  },
  {
    name: 'RELAYPROBE_OLD_RESULT_DAYS',
    key: 'oldResultDays',
    defaultText: '30',
    description: 'A result page older than this many days says how old it is and offers "Run again" first; 0 never does.',
    parse: integer(0, 36500),
  },
  {
    name: 'RELAYPROBE_SHUTDOWN_GRACE',
    key: 'shutdownGraceSeconds',
    defaultText: '20',
    description: 'On SIGTERM, seconds running probes get to finish before they are stopped and marked interrupted.',
    parse: integer(0, 3600),
  },
  {
    name: 'RELAYPROBE_LOG_LEVEL',
    key: 'logLevel',
    defaultText: 'info',
    description: 'fatal, error, warn, info, debug, trace or silent.',
    parse: (t) =>
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(t) ? ok(t as ServerConfig['logLevel']) : no('must be one of fatal, error, warn, info, debug, trace, silent'),
  },
  { name: 'RELAYPROBE_WATCH_MIN_INTERVAL', key: 'watchMinIntervalMinutes', defaultText: '15', description: 'Shortest interval, in minutes, a watch may have.', parse: integer(1, 44640) },
  {
    name: 'RELAYPROBE_ALLOW_WEBHOOKS',
    key: 'allowWebhooks',
    defaultText: '(empty)',
    description: "CIDRs where alert webhooks may go although they are private or loopback (the probes' address policy applies to webhook URLs).",
    parse: cidrList,
  },
  {
    name: 'RELAYPROBE_ALERT_SMTP_URL',
    key: 'alertSmtpUrl',
    defaultText: undefined,
    secret: true,
    description: 'SMTP server that sends e-mail alerts: smtp://[user:password@]host[:port] (STARTTLS when offered) or smtps://... (implicit TLS).',
    parse: parseAlertSmtpUrl,
  },
  { name: 'RELAYPROBE_ALERT_FROM', key: 'alertFrom', defaultText: '(relayprobe@ the HELO name)', description: 'Sender address of e-mail alerts.', parse: parseAlertFrom },
];

// Defaults are the documented ones (defaultText), parsed like any value, so the docs, the table
// and the running server cannot disagree. Variables whose default is "off" or computed start here.
const UNSET_DEFAULTS: Pick<
  ServerConfig,
  'publicUrl' | 'allowedHosts' | 'heloName' | 'sourceAddress' | 'dnsServers' | 'allowTargets' | 'authToken' | 'trustProxy' | 'allowWebhooks' | 'alertSmtpUrl' | 'alertFrom'
> = {
  publicUrl: undefined,
  allowedHosts: [],
  heloName: defaultHeloName(),
  sourceAddress: undefined,
  dnsServers: [],
  allowTargets: [],
  authToken: undefined,
  trustProxy: false,
  allowWebhooks: [],
  alertSmtpUrl: undefined,
  alertFrom: undefined,
};

function defaults(): ServerConfig {
  const config: Record<string, unknown> = { ...UNSET_DEFAULTS };
  for (const variable of VARIABLES) {
    if (variable.defaultText === undefined || variable.defaultText.startsWith('(')) continue;
    const parsed = variable.parse(variable.defaultText);
    if (!parsed.ok) throw new Error(`bug: the documented default of ${variable.name} does not parse: ${parsed.message}`);
    config[variable.key] = parsed.value;
  }
  return config as unknown as ServerConfig;
}

/** Read the configuration from the environment; every problem is reported, each naming its variable. */
export function loadConfig(env: Record<string, string | undefined>): { ok: true; config: ServerConfig } | { ok: false; errors: string[] } {
  const config = defaults();
  const errors: string[] = [];
  for (const variable of VARIABLES) {
    const text = env[variable.name];
    if (text === undefined || text === '') continue;
    const parsed = variable.parse(text);
    if (parsed.ok) (config as unknown as Record<string, unknown>)[variable.key] = parsed.value;
    // A secret's value is never echoed (it would land in logs).
    else errors.push(variable.secret ? `${variable.name}: ${parsed.message}` : `${variable.name}=${JSON.stringify(text.slice(0, 80))}: ${parsed.message}`);
  }
  const unknown = Object.keys(env).filter((k) => k.startsWith('RELAYPROBE_') && !VARIABLES.some((v) => v.name === k));
  for (const name of unknown) errors.push(`${name}: unknown variable (known: ${VARIABLES.map((v) => v.name).join(', ')})`);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config };
}
