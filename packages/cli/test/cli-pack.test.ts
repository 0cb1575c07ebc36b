// "A CLI people can install": `npm pack` here must give a tarball that `npm install -g` installs
// and runs on a machine without the repo. The tarball is installed offline with an empty cache
// (so it can have no dependencies: nothing could be fetched) into a temporary prefix, and the
// installed binary runs from a directory outside the repo with NODE_PATH, NODE_OPTIONS and npm's
// variables unset, so it cannot resolve the workspace packages by accident.
// Needs the build (`npx turbo run build`, as `npm test` runs first): it packs dist/ as it is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isBuiltin } from 'node:module';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProfile, type ServerHandle } from '@relayprobe/testkit';

const CLI_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
interface Manifest {
  name: string;
  version: string;
  license?: string;
  engines?: Record<string, string>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  bundleDependencies?: unknown;
}
const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
const SOURCE = readManifest(CLI_DIR);

/** The environment of a machine without the repo: no module search path, no npm lifecycle variables. */
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|NODE_PATH$|NODE_OPTIONS$|NO_COLOR$|FORCE_COLOR$)/i.test(key)) continue;
    env[key] = value;
  }
  return env;
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let work: string; // temporary: the tarball, npm's cache, the install prefix, the binary's cwd
let installed: string; // <prefix>/lib/node_modules/relayprobe
let bin: string; // <prefix>/bin/relayprobe
let packedFiles: string[];
const servers: ServerHandle[] = [];

before(async () => {
  assert.ok(existsSync(join(CLI_DIR, 'dist', 'relayprobe.js')), 'dist/relayprobe.js is missing: run `npx turbo run build` first');
  work = await mkdtemp(join(tmpdir(), 'relayprobe-pack-'));
  const outside = relative(REPO_ROOT, work);
  assert.ok(outside.startsWith('..') || isAbsolute(outside), `the temporary directory ${work} must be outside the repo`);

  const pack = await run('npm', ['pack', '--pack-destination', work, '--json'], CLI_DIR);
  assert.equal(pack.code, 0, pack.stderr);
  const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  assert.ok(packed, pack.stdout);
  packedFiles = packed.files.map((f) => f.path).sort();

  const prefix = join(work, 'prefix');
  const install = await run(
    'npm',
    ['install', '--global', '--prefix', prefix, '--cache', join(work, 'npm-cache'), '--offline', '--no-audit', '--no-fund', '--no-update-notifier', join(work, packed.filename)],
    work,
  );
  assert.equal(install.code, 0, install.stdout + install.stderr);
  installed = join(prefix, 'lib', 'node_modules', 'relayprobe');
  bin = join(prefix, 'bin', 'relayprobe');
});

after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  if (work) await rm(work, { recursive: true, force: true });
});

const relayprobe = (...args: string[]) => run(bin, args, work);

test('the tarball holds the bundle, the bin shim, the licences and the README, nothing else', () => {
  assert.deepEqual(packedFiles, ['LICENSE', 'README.md', 'bin/relayprobe.js', 'dist/THIRD-PARTY-NOTICES.txt', 'dist/relayprobe.js', 'package.json']);
});

test('the installed package is `relayprobe` at the source version, MIT, node >= 20.19, with no dependencies at all', () => {
  const manifest = readManifest(installed);
  assert.equal(manifest.name, 'relayprobe');
  assert.equal(manifest.version, SOURCE.version);
  assert.equal(manifest.license, 'MIT');
  assert.equal(manifest.engines?.node, '>=20.19');
  assert.deepEqual(manifest.bin, { relayprobe: './bin/relayprobe.js' });
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies'] as const) {
    assert.equal(manifest[field], undefined, `${field} in the packed package.json`);
  }
  assert.equal(existsSync(join(installed, 'node_modules')), false, 'npm installed something beside the bundle');
  assert.deepEqual(readdirSync(join(installed, '..')), ['relayprobe']);
  assert.match(readFileSync(join(installed, 'LICENSE'), 'utf8'), /^MIT License\n\nCopyright \(c\) 2026 relayprobe contributors\n/);
  const notices = readFileSync(join(installed, 'dist', 'THIRD-PARTY-NOTICES.txt'), 'utf8');
  for (const bundled of ['@sinclair/typebox@', 'ipaddr.js@']) assert.ok(notices.includes(bundled), `${bundled} licence in the notices`);
});

test('the bundle imports nothing but Node built-ins (no workspace or npm package to resolve)', () => {
  const bundle = readFileSync(join(installed, 'dist', 'relayprobe.js'), 'utf8');
  const specifiers = [...bundle.matchAll(/^\s*import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["']/gm)].map((m) => m[1]);
  assert.ok(specifiers.length > 0, 'the bundle imports node:net and friends');
  for (const specifier of specifiers) assert.ok(specifier !== undefined && isBuiltin(specifier), `the bundle imports ${specifier}`);
  assert.doesNotMatch(bundle, /\brequire\(|\bimport\(/, 'no require() or dynamic import() left to resolve at run time');
  assert.doesNotMatch(bundle, /from\s+["']@relayprobe\//);
});

test('installed: --version prints the package version', async () => {
  const result = await relayprobe('--version');
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `relayprobe ${SOURCE.version}\n`);
  assert.equal(result.stderr, '');
});

test('installed: --help prints the usage', async () => {
  const result = await relayprobe('--help');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Usage: relayprobe <target> \[options\]\n/);
  assert.match(result.stdout, /--greylist-wait SECONDS/);
  assert.equal(result.stderr, '');
});

test('installed: a bad flag is one line on stderr and exit 1', async () => {
  const result = await relayprobe('127.0.0.1', '--bogus');
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^relayprobe: [^\n]*--bogus[^\n]*\n$/);
});

test('installed: a real probe of a closed server on 127.0.0.1 says "Not an open relay" and exits 0', async () => {
  const server = await startProfile('postfix-closed');
  servers.push(server);
  const result = await relayprobe('127.0.0.1', '--port', String(server.port), '--helo', 'prober.relayprobe.test', '--timeout', '5', '--greylist-wait', '0');
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /Verdict: Not an open relay\./);
  assert.match(result.stdout, /^ -> EHLO prober\.relayprobe\.test$/m);
});
