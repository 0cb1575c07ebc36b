// scripts/ensure-chromium.sh: nothing to do when Chromium is there; as root, apt-get installs it;
// otherwise the exact command to run is printed and the exit status is 1. apt-get is replaced by a
// stub on PATH that records its arguments, so no test touches the real package manager.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../ensure-chromium.sh', import.meta.url));

/** A scratch directory with a stub apt-get that logs each call and, on install, creates `chromium`. */
function scratch(): { dir: string; chromium: string; calls: () => string[]; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ensure-chromium-'));
  const chromium = join(dir, 'chromium');
  const log = join(dir, 'apt-get.log');
  const stub = join(dir, 'apt-get');
  writeFileSync(
    stub,
    `#!/usr/bin/env bash\necho "DEBIAN_FRONTEND=\${DEBIAN_FRONTEND:-} $*" >> "${log}"\n` + `if [[ " $* " == *" install "* ]]; then printf '#!/bin/sh\\n' > "${chromium}"; chmod +x "${chromium}"; fi\n`,
  );
  chmodSync(stub, 0o755);
  return {
    dir,
    chromium,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function run(env: Record<string, string>, path: string) {
  return spawnSync('bash', [SCRIPT], { encoding: 'utf8', env: { ...process.env, PATH: `${path}:${process.env.PATH ?? ''}`, ...env } });
}

test('Chromium already there: exits 0, prints nothing, installs nothing', () => {
  const s = scratch();
  try {
    writeFileSync(s.chromium, '#!/bin/sh\n');
    chmodSync(s.chromium, 0o755);
    const result = run({ CHROMIUM_PATH: s.chromium, ENSURE_CHROMIUM_UID: '0' }, s.dir);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout + result.stderr, '');
    assert.deepEqual(s.calls(), []);
  } finally {
    s.cleanup();
  }
});

test('missing, as root: apt-get update, then a non-interactive install of chromium', () => {
  const s = scratch();
  try {
    const result = run({ CHROMIUM_PATH: s.chromium, ENSURE_CHROMIUM_UID: '0' }, s.dir);
    assert.equal(result.status, 0, result.stderr);
    const calls = s.calls();
    assert.equal(calls.length, 2);
    assert.match(calls[0] ?? '', / update$/);
    assert.match(calls[1] ?? '', /^DEBIAN_FRONTEND=noninteractive .*\binstall -y chromium$/);
    assert.ok(existsSync(s.chromium));
  } finally {
    s.cleanup();
  }
});

test('missing, as root, and the install leaves no browser: exits 1', () => {
  const s = scratch();
  try {
    // A path apt-get's stub does not create.
    const result = run({ CHROMIUM_PATH: join(s.dir, 'elsewhere', 'chromium'), ENSURE_CHROMIUM_UID: '0' }, s.dir);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /still missing/);
  } finally {
    s.cleanup();
  }
});

test('missing, not root: prints the exact command, exits 1, runs no apt-get', () => {
  const s = scratch();
  try {
    const result = run({ CHROMIUM_PATH: s.chromium, ENSURE_CHROMIUM_UID: '1000' }, s.dir);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^ {2}sudo apt-get install -y chromium$/m);
    assert.deepEqual(s.calls(), []);
  } finally {
    s.cleanup();
  }
});
