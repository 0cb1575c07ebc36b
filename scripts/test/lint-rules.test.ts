// The shape rules of eslint.config.js can fail: each forbidden import, class or clock read below,
// written as if it were in the named file, is reported by the repo's own ESLint config, and the
// allowed neighbour of each is not. Lints text only (ESLint's lintText with a file path), so the
// files need not exist; type information is switched off for that, as these rules need none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: [tseslint.configs.disableTypeChecked, { languageOptions: { parserOptions: { project: null, projectService: false } } }],
});

/** The ids of the rules that report `code` as the file `file` (repo-relative). */
async function reported(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${file}` });
  assert.ok(result, file);
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], `${file} parses`);
  return result.messages.map((m) => m.ruleId ?? '');
}

/** [file, import line, forbidden?] */
const IMPORTS: [string, string, boolean][] = [
  // contracts imports no other workspace package and no Node module (the web bundles it).
  ['packages/contracts/src/x.ts', "import { a } from '@relayprobe/engine';", true],
  ['packages/contracts/src/x.ts', "import { readFileSync } from 'node:fs';", true],
  ['packages/contracts/src/x.ts', "import { Type } from '@sinclair/typebox';", false],
  // engine: only contracts, no Node module, not even as a type.
  ['packages/engine/src/x.ts', "import { a } from '@relayprobe/contracts';", false],
  ['packages/engine/src/x.ts', "import { a } from '@relayprobe/probe';", true],
  ['packages/engine/src/x.ts', "import type { Socket } from 'node:net';", true],
  ['packages/engine/src/x.ts', "import { connect } from 'net';", true],
  ['packages/engine/src/x.ts', "export * from 'node:dns';", true],
  ['packages/engine/src/x.ts', "export const t = () => import('node:timers');", true],
  ['packages/engine/src/x.ts', "export type T = typeof import('node:tls');", true],
  // probe: contracts and engine; never the apps, the CLI or the testkit.
  ['packages/probe/src/x.ts', "import { a } from '@relayprobe/engine';", false],
  ['packages/probe/src/x.ts', "import { a } from '@relayprobe/server';", true],
  ['packages/probe/src/x.ts', "import { a } from '@relayprobe/web';", true],
  ['packages/probe/src/x.ts', "import { a } from 'relayprobe';", true],
  ['packages/probe/src/x.ts', "import { a } from '@relayprobe/testkit';", true],
  // cli and server: probe and contracts, not the engine behind probe.
  ['packages/cli/src/x.ts', "import { a } from '@relayprobe/probe';", false],
  ['packages/cli/src/x.ts', "import { a } from '@relayprobe/engine';", true],
  ['apps/server/src/x.ts', "import { a } from '@relayprobe/engine';", true],
  ['apps/server/src/routes/x.ts', "import { a } from '@relayprobe/testkit';", true],
  // web: contracts only, no Node module.
  ['apps/web/src/x.ts', "import { a } from '@relayprobe/contracts';", false],
  ['apps/web/src/x.ts', "import type { A } from '@relayprobe/probe';", true],
  ['apps/web/src/x.ts', "import { join } from 'node:path';", true],
  // Tests may use the testkit.
  ['packages/probe/test/x.test.ts', "import { startProfile } from '@relayprobe/testkit';", false],
  // A package's surface is its exports: no subpath, no relative path into its src/ or dist/.
  ['apps/server/src/x.ts', "import { a } from '@relayprobe/probe/dist/probe-runner.js';", true],
  ['apps/server/test/x.test.ts', "import { a } from '@relayprobe/contracts/src/results.js';", true],
  ['e2e/x.spec.ts', "import { a } from '../packages/contracts/src/results.js';", true],
  ['packages/cli/src/x.ts', "import { a } from '../../probe/src/probe-runner.js';", true],
  ['packages/cli/src/x.ts', "import { a } from './args.js';", false],
  // ... but tests, e2e and bench may share another workspace's test helpers.
  ['bench/x.ts', "import { a } from '../apps/server/test/helpers/server-process.js';", false],
  ['packages/mta-lab/test/x.test.ts', "import { a } from '../../../apps/server/test/helpers/server-process.js';", false],
  ['apps/server/src/x.ts', "import { a } from '../../../packages/engine/test/scripted-peer.js';", true],
  // ... and a test may reach an application's src/ (the CLI and the web app export nothing), never a library's.
  ['apps/server/test/x.test.ts', "import { main } from '../../../packages/cli/src/main.js';", false],
  ['apps/server/test/x.test.ts', "import { a } from '../../web/src/store/form-slice.js';", false],
  ['apps/server/src/x.ts', "import { main } from '../../../packages/cli/src/main.js';", true],
  ['apps/server/test/x.test.ts', "import { a } from '../../../packages/probe/src/probe-runner.js';", true],
  ['apps/web/test/x.test.ts', "import { a } from '../../server/src/config.js';", true],
  // Web features import one way: not each other, and shared/ imports no feature.
  ['apps/web/src/features/probe-form/x.tsx', "import { a } from '../recent/recent-label.js';", true],
  ['apps/web/src/features/result/verdict/x.ts', "import { a } from '../../recent/recent-label.js';", true],
  ['apps/web/src/features/result/verdict/x.ts', "import { a } from '../evidence/evidence-table.js';", false],
  ['apps/web/src/features/recent/x.ts', "import { a } from '../../shared/status-badge.js';", false],
  ['apps/web/src/shared/x.ts', "import { a } from '../features/result/result-page.js';", true],
];

test('each import direction of DESIGN.md is enforced, and its allowed neighbour passes', async () => {
  for (const [file, line, forbidden] of IMPORTS) {
    const rules = await reported(file, `${line}\nexport const used = 1;\n`);
    assert.equal(rules.includes('relayprobe/boundaries'), forbidden, `${file}: ${line} (${rules.join(', ') || 'nothing reported'})`);
  }
});

test('no class in the engine extends another (Error aside); the engine reads no clock', async () => {
  const engine = 'packages/engine/src/x.ts';
  assert.deepEqual(await reported(engine, 'class Base {}\nexport class Session extends Base {}\n'), ['no-restricted-syntax']);
  assert.deepEqual(await reported(engine, 'export const S = class extends Object {};\n'), ['no-restricted-syntax']);
  assert.deepEqual(await reported(engine, 'export class UnsafeThing extends Error {}\n'), []);
  assert.deepEqual(await reported(engine, 'export const t = Date.now();\n'), ['no-restricted-properties']);
  assert.deepEqual(await reported(engine, 'export const t = new Date();\n'), ['no-restricted-syntax']);
  assert.deepEqual(await reported(engine, 'export const t = (ms: number) => new Date(ms);\n'), [], 'a given time is fine');
  assert.deepEqual(await reported('packages/probe/src/x.ts', 'class Base {}\nexport class Socket extends Base {}\nexport const t = Date.now();\n'), [], 'only the engine');
});

test('a src/ file over 300 lines fails, 300 lines pass; tests and reply-reader.ts are exempt', async () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';
  assert.deepEqual(await reported('packages/probe/src/x.ts', lines(300)), []);
  assert.deepEqual(await reported('packages/probe/src/x.ts', lines(301)), ['max-lines']);
  assert.deepEqual(await reported('apps/web/src/features/recent/x.ts', lines(301)), ['max-lines']);
  assert.deepEqual(await reported('packages/probe/test/x.test.ts', lines(301)), []);
  assert.deepEqual(await reported('packages/engine/src/reply-reader.ts', lines(400)), []);
});
