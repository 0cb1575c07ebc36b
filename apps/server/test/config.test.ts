// Server configuration (DESIGN.md "Server configuration"; HOUSE-STYLE rule 10): every RELAYPROBE_*
// variable parsed and validated once at boot. A bad value stops the start with a message naming
// the variable; an unknown RELAYPROBE_ variable (a typo) is refused, not ignored; the server
// process itself exits 1 on a bad value before it listens or creates its database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { defaultHeloName } from '@relayprobe/probe';
import { VARIABLES, loadConfig, type ServerConfig } from '../src/config.js';
import { makeTempDataDir } from './storage/temp-data-dir.js';
import { spawnServer } from './helpers/server-process.js';

const parse = (env: Record<string, string>) => loadConfig(env);
const configOf = (env: Record<string, string>): ServerConfig => {
  const loaded = parse(env);
  assert.ok(loaded.ok, `expected ${JSON.stringify(env)} to be accepted: ${loaded.ok ? '' : loaded.errors.join('; ')}`);
  return loaded.config;
};
const errorsOf = (env: Record<string, string>): string[] => {
  const loaded = parse(env);
  assert.ok(!loaded.ok, `expected ${JSON.stringify(env)} to be refused`);
  return loaded.errors;
};

test('defaults: an empty environment gives the documented configuration', () => {
  assert.deepEqual(configOf({}), {
    host: '127.0.0.1',
    port: 3025,
    dataDir: './data',
    publicUrl: undefined,
    allowedHosts: [],
    heloName: defaultHeloName(),
    testDomain: 'example.com',
    sourceAddress: undefined,
    dnsServers: [],
    allowTargets: [],
    ports: [25, 465, 587],
    authToken: undefined,
    trustProxy: false,
    maxConcurrent: 20,
    maxQueue: 100,
    rateLimitPerMinute: 10,
    maxConnectionsPerClient: 100,
    targetHourlyLimit: 6,
    timeoutSeconds: 30,
    greylistWaitSeconds: 360,
    oldResultDays: 30,
    shutdownGraceSeconds: 20,
    logLevel: 'info',
    watchMinIntervalMinutes: 15,
    allowWebhooks: [],
    alertSmtpUrl: undefined,
    alertFrom: undefined,
  });
});

test('variables other than RELAYPROBE_* are not configuration', () => {
  assert.deepEqual(configOf({ PORT: 'abc', HOST: 'nowhere', RELAYPROBE: 'x', relayprobe_port: 'abc' }), configOf({}));
});

/** Per variable: values accepted (with what they become) and values refused. */
const MATRIX: Record<string, { good: [string, unknown][]; bad: string[] }> = {
  RELAYPROBE_HOST: {
    good: [
      ['0.0.0.0', '0.0.0.0'],
      ['::', '::'],
      ['127.0.0.1', '127.0.0.1'],
      ['localhost', 'localhost'],
    ],
    bad: ['example.com', '999.1.1.1', '127.0.0.1:80'],
  },
  RELAYPROBE_PORT: {
    good: [
      ['0', 0],
      ['8080', 8080],
      ['65535', 65535],
    ],
    bad: ['abc', '-1', '65536', '80.5', ' 80', '0x50'],
  },
  RELAYPROBE_DATA_DIR: {
    good: [
      ['/var/lib/relayprobe', '/var/lib/relayprobe'],
      ['data', 'data'],
    ],
    bad: ['a\nb', ' ', 'x\0y'],
  },
  RELAYPROBE_PUBLIC_URL: {
    good: [
      ['https://relayprobe.example.com/', 'https://relayprobe.example.com'],
      ['http://10.0.0.5:3025', 'http://10.0.0.5:3025'],
    ],
    bad: [
      'https://example.com/tools/relayprobe/',
      'relayprobe.example.com',
      'ftp://relayprobe.example.com',
      'https://relayprobe.example.com/?x=1',
      'https://relayprobe.example.com/#top',
      'https://user:pass@relayprobe.example.com',
      'javascript:alert(1)',
    ],
  },
  RELAYPROBE_ALLOWED_HOSTS: {
    good: [
      ['relayprobe.lan', ['relayprobe.lan']],
      ['Tester.Example.COM., 192.0.2.7, [2001:DB8::7], 2001:db8::8', ['tester.example.com', '192.0.2.7', '[2001:db8::7]', '[2001:db8::8]']],
    ],
    bad: ['*', '*.example.com', 'relayprobe.lan:8080', 'under_score.example', 'http://relayprobe.lan', '192.0.2.7:80', '[2001:db8::7]:80', '0x7f.1'],
  },
  RELAYPROBE_HELO_NAME: {
    good: [
      ['mx.example.com', 'mx.example.com'],
      ['prober.relayprobe.test', 'prober.relayprobe.test'],
    ],
    bad: ['localhost', 'bad name.example', 'mx.example.com\r\nMAIL FROM:<x@y>', '-mx.example.com', 'mx_1.example.com', `${'a'.repeat(64)}.example.com`],
  },
  RELAYPROBE_TEST_DOMAIN: { good: [['Relay-Check.Example.ORG', 'relay-check.example.org']], bad: ['nodots', 'exa mple.com', 'example.com\r\n'] },
  RELAYPROBE_SOURCE_ADDRESS: {
    good: [
      ['192.0.2.10', '192.0.2.10'],
      ['2001:db8::10', '2001:db8::10'],
    ],
    bad: ['localhost', '192.0.2', 'eth0'],
  },
  RELAYPROBE_DNS_SERVERS: {
    good: [
      ['192.0.2.53', ['192.0.2.53']],
      ['127.0.0.1:5353, [2001:db8::53]:53', ['127.0.0.1:5353', '[2001:db8::53]:53']],
    ],
    bad: ['dns.example.com', '192.0.2.53:99999', 'x:53'],
  },
  RELAYPROBE_ALLOW_TARGETS: {
    good: [
      ['10.0.0.0/8', ['10.0.0.0/8']],
      ['10.0.0.0/8, fd00::/8', ['10.0.0.0/8', 'fd00::/8']],
    ],
    bad: ['banana', '10.0.0.0/33', '10.0.0.0/8,nope'],
  },
  RELAYPROBE_PORTS: {
    good: [
      ['25', [25]],
      ['2525-2527, 25', [25, 2525, 2526, 2527]],
      ['587 465', [465, 587]],
    ],
    bad: ['0', '65536', '25abc', '30-20', '-25', ' , ', '25,,abc'],
  },
  RELAYPROBE_AUTH_TOKEN: {
    good: [
      ['0123456789abcdef', '0123456789abcdef'],
      ['a-much-longer-token-with-symbols!#', 'a-much-longer-token-with-symbols!#'],
    ],
    bad: ['0123456789abcde', 'sixteen chars ok', 'tab\tseparated-token-x', 'ünicode-token-0123456'],
  },
  RELAYPROBE_TRUST_PROXY: {
    good: [
      ['loopback', ['loopback']],
      ['10.0.0.1, 10.1.0.0/16', ['10.0.0.1', '10.1.0.0/16']],
      ['false', false],
    ],
    bad: ['true', '*', 'proxy.example.com', '10.0.0.1/x'],
  },
  RELAYPROBE_MAX_CONCURRENT: {
    good: [
      ['1', 1],
      ['5000', 5000],
    ],
    bad: ['0', '5001', 'many', '2.5'],
  },
  RELAYPROBE_MAX_QUEUE: {
    good: [
      ['0', 0],
      ['100000', 100000],
    ],
    bad: ['-1', '100001', 'none'],
  },
  RELAYPROBE_RATE_LIMIT: {
    good: [
      ['1', 1],
      ['60', 60],
    ],
    bad: ['0', 'unlimited'],
  },
  RELAYPROBE_MAX_CONNECTIONS_PER_CLIENT: {
    good: [
      ['1', 1],
      ['300', 300],
    ],
    bad: ['0', '100001', 'lots'],
  },
  RELAYPROBE_TARGET_HOURLY_LIMIT: {
    good: [
      ['1', 1],
      ['2', 2],
    ],
    bad: ['0', '1e3'],
  },
  RELAYPROBE_TIMEOUT: {
    good: [
      ['1', 1],
      ['600', 600],
    ],
    bad: ['0', '601', '30s'],
  },
  RELAYPROBE_GREYLIST_WAIT: {
    good: [
      ['0', 0],
      ['360', 360],
      ['3600', 3600],
    ],
    bad: ['-1', '3601', '6m'],
  },
  RELAYPROBE_OLD_RESULT_DAYS: {
    good: [
      ['0', 0],
      ['7', 7],
      ['36500', 36500],
    ],
    bad: ['-1', '36501', '2.5', 'month'],
  },
  RELAYPROBE_SHUTDOWN_GRACE: {
    good: [
      ['0', 0],
      ['3600', 3600],
    ],
    bad: ['3601', '1.5', 'soon'],
  },
  RELAYPROBE_LOG_LEVEL: {
    good: [
      ['silent', 'silent'],
      ['debug', 'debug'],
      ['fatal', 'fatal'],
    ],
    bad: ['verbose', 'INFO', '1'],
  },
  RELAYPROBE_WATCH_MIN_INTERVAL: {
    good: [
      ['1', 1],
      ['15', 15],
      ['1440', 1440],
    ],
    bad: ['0', '15m', '44641'],
  },
  RELAYPROBE_ALLOW_WEBHOOKS: {
    good: [
      ['127.0.0.0/8', ['127.0.0.0/8']],
      ['10.0.0.0/8 fd00::/8', ['10.0.0.0/8', 'fd00::/8']],
    ],
    bad: ['hooks.example.com', '10.0.0.0/40'],
  },
  RELAYPROBE_ALERT_SMTP_URL: {
    good: [
      ['smtp://127.0.0.1:2525', 'smtp://127.0.0.1:2525'],
      ['smtps://alerts:secret@mail.example.com', 'smtps://alerts:secret@mail.example.com'],
    ],
    bad: ['mail.example.com', 'http://mail.example.com', 'smtp://', 'smtp://mail.example.com/path', 'smtp://bad_host!.example'],
  },
  RELAYPROBE_ALERT_FROM: { good: [['relayprobe@example.com', 'relayprobe@example.com']], bad: ['relayprobe', 'a b@example.com', 'x@example.com\r\nBcc: y@example.com'] },
};

test('the matrix covers every variable the server knows', () => {
  assert.deepEqual(Object.keys(MATRIX).sort(), VARIABLES.map((v) => v.name).sort());
});

for (const variable of VARIABLES) {
  const cases = MATRIX[variable.name];
  if (!cases) continue; // the coverage test above fails instead
  test(`${variable.name}: good values are parsed, bad ones refused naming the variable`, () => {
    for (const [text, value] of cases.good) assert.deepEqual(configOf({ [variable.name]: text })[variable.key], value, `${variable.name}=${JSON.stringify(text)}`);
    for (const text of cases.bad) {
      const errors = errorsOf({ [variable.name]: text });
      assert.equal(errors.length, 1, `${variable.name}=${JSON.stringify(text)}: ${errors.join('; ')}`);
      assert.ok(errors[0]?.startsWith(`${variable.name}`), `the error names the variable: ${errors[0]}`);
      assert.ok((errors[0]?.length ?? 0) > variable.name.length + 10, `the error says what is wrong: ${errors[0]}`);
    }
  });
}

test('trust proxy: a range that contains every address is refused like "true" (anyone could forge X-Forwarded-For)', () => {
  for (const text of ['0.0.0.0/0', '::/0', '10.0.0.1, 0.0.0.0/0']) {
    const errors = errorsOf({ RELAYPROBE_TRUST_PROXY: text });
    assert.match(errors[0] ?? '', /^RELAYPROBE_TRUST_PROXY/, text);
  }
});

test('a refused token is not echoed back (the error goes to logs and terminals)', () => {
  const secret = 'short-secret';
  const [error] = errorsOf({ RELAYPROBE_AUTH_TOKEN: secret });
  assert.match(error ?? '', /^RELAYPROBE_AUTH_TOKEN/);
  assert.match(error ?? '', /16/, 'says how long a token must be');
  assert.ok(!(error ?? '').includes(secret), `the error repeats the token: ${error}`);
});

test('an unknown RELAYPROBE_ variable is refused, naming it (a typo must not silently fall back to a default)', () => {
  const errors = errorsOf({ RELAYPROBE_PROT: '8080', RELAYPROBE_PORT: '8080' });
  assert.equal(errors.length, 1);
  assert.match(errors[0] ?? '', /^RELAYPROBE_PROT\b/);
  assert.match(errors[0] ?? '', /RELAYPROBE_PORT/, 'lists the known variables');
});

test('every bad value is reported at once, each naming its variable', () => {
  const errors = errorsOf({ RELAYPROBE_PORT: 'abc', RELAYPROBE_HELO_NAME: 'localhost', RELAYPROBE_TRUST_PROXY: '*', RELAYPROBE_TYPO: '1' });
  assert.deepEqual(errors.map((e) => e.split(/[=:]/)[0]).sort(), ['RELAYPROBE_HELO_NAME', 'RELAYPROBE_PORT', 'RELAYPROBE_TRUST_PROXY', 'RELAYPROBE_TYPO']);
});

for (const [name, value] of [
  ['RELAYPROBE_PORT', 'abc'],
  ['RELAYPROBE_HELO_NAME', 'bad name.example'],
] as const) {
  test(`the server process refuses to start on ${name}=${JSON.stringify(value)}: exit 1, stderr names the variable, no database`, async () => {
    const data = makeTempDataDir();
    try {
      const server = spawnServer({ RELAYPROBE_DATA_DIR: data.dir, RELAYPROBE_PORT: '0', RELAYPROBE_LOG_LEVEL: 'silent', [name]: value });
      const { code } = await server.exited(20_000);
      assert.equal(code, 1);
      assert.match(server.stderr(), new RegExp(`${name}\\b`));
      assert.deepEqual(readdirSync(data.dir), [], 'nothing was created in the data directory');
    } finally {
      data.remove();
    }
    assert.equal(existsSync(data.dir), false);
  });
}
