// docs/self-hosting.md and deploy/ describe the configuration in config.ts: these tests keep them
// in step. The doc's variable table must list exactly VARIABLES, in order, with the same
// defaults and examples that load; every RELAYPROBE_* name the doc or deploy/ mentions must exist;
// the config files shown in the doc must be the ones in deploy/; the systemd unit must give the
// shutdown grace time to finish and the nginx WebSocket location must outlive the ping interval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { VARIABLES, loadConfig } from '../src/config.js';
import { PING_INTERVAL_MS } from '../src/routes/probe-events.js';
import { DATABASE_FILE_NAME } from '../src/storage/probe-store.js';
import { STOP_MARGIN_SECONDS } from '../src/shutdown-bound.js';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const doc = read('docs/self-hosting.md');
const deployFiles = readdirSync(new URL('deploy/', root)).map((name) => `deploy/${name}`);

/** Cells of a Markdown table row; `\|` inside a cell is not a separator. */
const cells = (row: string) =>
  row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
const unquote = (cell: string) => cell.replace(/^`|`$/g, '');

/** The rows of the table whose header starts with "variable". */
function variableTable(markdown: string): { name: string; defaultText: string; example: string }[] {
  const lines = markdown.split('\n');
  const header = lines.findIndex((l) => /^\|\s*variable\s*\|/.test(l));
  assert.ok(header >= 0, 'docs/self-hosting.md has a table whose first column is "variable"');
  const rows: { name: string; defaultText: string; example: string }[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const [name = '', defaultText = '', , example = ''] = cells(line);
    rows.push({ name: unquote(name), defaultText: unquote(defaultText), example: unquote(example) });
  }
  return rows;
}

/** The first fenced block of `language` in the doc. */
function fenced(language: string): string {
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(doc);
  assert.ok(match, `docs/self-hosting.md has a \`\`\`${language} block`);
  return match[1] as string;
}

/** KEY=VALUE lines of an environment file, commented-out ones included (they must work when enabled). */
function envAssignments(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of text.matchAll(/^#?(RELAYPROBE_[A-Z_]+)=(.*)$/gm)) env[m[1] as string] = (m[2] as string).trim();
  return env;
}

/** What the service sees under systemd: the example /etc/relayprobe.env plus the unit's Environment= lines. */
function deployedEnv(unit: string): Record<string, string> {
  return { ...envAssignments(read('deploy/relayprobe.env.example')), ...envAssignments(unit.replace(/^Environment=/gm, '')) };
}

test('the variable table lists every variable of config.ts, in the same order', () => {
  assert.deepEqual(
    variableTable(doc).map((r) => r.name),
    VARIABLES.map((v) => v.name),
  );
});

test('each documented default is the one config.ts uses', () => {
  const rows = new Map(variableTable(doc).map((r) => [r.name, r]));
  for (const variable of VARIABLES) {
    assert.equal(rows.get(variable.name)?.defaultText, variable.defaultText ?? '(unset)', variable.name);
  }
});

test('each documented example is a value the server accepts', () => {
  for (const row of variableTable(doc)) {
    const loaded = loadConfig({ [row.name]: row.example });
    assert.ok(loaded.ok, `${row.name}=${row.example}: ${loaded.ok ? '' : loaded.errors.join('; ')}`);
  }
});

test('every RELAYPROBE_* name in the doc and in deploy/ is a real variable', () => {
  const known = new Set(VARIABLES.map((v) => v.name));
  for (const [file, text] of [['docs/self-hosting.md', doc], ...deployFiles.map((f) => [f, read(f)])] as const) {
    for (const [name] of text.matchAll(/RELAYPROBE_[A-Z][A-Z_]*/g)) assert.ok(known.has(name), `${file} mentions unknown ${name}`);
  }
});

test('the configuration files shown in the doc are the ones in deploy/', () => {
  assert.equal(fenced('nginx'), read('deploy/nginx.conf'));
  assert.equal(fenced('caddy'), read('deploy/Caddyfile'));
  assert.equal(fenced('ini'), read('deploy/relayprobe.service'));
});

test("the example environment file loads, with the unit's own settings", () => {
  const env = deployedEnv(read('deploy/relayprobe.service'));
  assert.ok(Object.keys(env).length > 1, 'deploy/relayprobe.env.example sets variables');
  const loaded = loadConfig(env);
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.join('; '));
});

test('the systemd unit runs the built server, stops with SIGTERM, and outlasts the shutdown grace', () => {
  const unit = read('deploy/relayprobe.service');
  assert.match(unit, /^ExecStart=\/usr\/bin\/node apps\/server\/dist\/server\.js$/m);
  assert.match(unit, /^EnvironmentFile=\/etc\/relayprobe\.env$/m);
  assert.match(unit, /^KillSignal=SIGTERM$/m);
  assert.match(unit, /^Restart=on-failure$/m);
  const loaded = loadConfig(deployedEnv(unit));
  assert.ok(loaded.ok);
  // The process exits by itself at the latest STOP_MARGIN_SECONDS past the grace (shutdown-bound.ts).
  const stopSeconds = Number(/^TimeoutStopSec=(\d+)s?$/m.exec(unit)?.[1]);
  const bound = loaded.config.shutdownGraceSeconds + STOP_MARGIN_SECONDS;
  assert.ok(stopSeconds > bound, `TimeoutStopSec=${stopSeconds} must exceed the grace (${loaded.config.shutdownGraceSeconds} s) + ${STOP_MARGIN_SECONDS} s`);
  // The data directory is the one writable path.
  assert.match(unit, new RegExp(`^ReadWritePaths=${loaded.config.dataDir}$`, 'm'));
  for (const hardening of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'PrivateTmp=yes']) assert.match(unit, new RegExp(`^${hardening}$`, 'm'));
});

test('nginx upgrades the events WebSocket and keeps it open longer than the ping interval', () => {
  const nginx = read('deploy/nginx.conf');
  const location = /location ~ \^\/api\/v1\/probes\/\[\^\/\]\+\/events\$ \{([\s\S]*?)\n {4}\}/.exec(nginx)?.[1];
  assert.ok(location, 'deploy/nginx.conf has a location for /api/v1/probes/<id>/events');
  assert.match(location, /proxy_http_version 1\.1;/);
  assert.match(location, /proxy_set_header Upgrade \$http_upgrade;/);
  assert.match(location, /proxy_set_header Connection \$\w+;/);
  assert.match(location, /proxy_set_header Host \$host;/);
  const readTimeout = Number(/proxy_read_timeout (\d+)s;/.exec(location)?.[1]);
  assert.ok(readTimeout * 1000 > PING_INTERVAL_MS, `proxy_read_timeout ${readTimeout}s must exceed the ${PING_INTERVAL_MS / 1000} s ping interval`);
});

test('the doc names the database file the store really opens', () => {
  assert.ok(doc.includes(`<RELAYPROBE_DATA_DIR>/${DATABASE_FILE_NAME}`));
  assert.ok(doc.includes(`sqlite3 data/${DATABASE_FILE_NAME} "VACUUM INTO '/var/backups/relayprobe-$(date +%F).sqlite'"`));
});
