// The second half of `npm run build` (after tsc): bundles dist/bin.js, the workspace packages it
// imports (compiled, through their `exports` maps) and their third-party code into one file,
// dist/relayprobe.js, so the npm package (`npm pack` here) installs with no dependencies on a
// machine without the repo. The bin shim runs this bundle in the repo too, so what the tests run
// is what ships. Writes dist/THIRD-PARTY-NOTICES.txt with the licence of every bundled package.
// Fails the build when the bundle would import anything but Node built-ins, when a bundled
// package has no licence file, or when `relayprobe --version` would differ from package.json.
import { build } from 'esbuild';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';
import { RELAYPROBE_VERSION } from '@relayprobe/contracts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUTFILE = join(ROOT, 'dist', 'relayprobe.js');
const NOTICES = join(ROOT, 'dist', 'THIRD-PARTY-NOTICES.txt');

interface PackageJson {
  name?: string;
  version?: string;
  license?: string;
}
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as PackageJson;

const own = readJson(join(ROOT, 'package.json'));
if (own.version !== RELAYPROBE_VERSION) {
  throw new Error(`package.json version ${own.version} differs from @relayprobe/contracts RELAYPROBE_VERSION ${RELAYPROBE_VERSION}, which --version prints`);
}

const result = await build({
  absWorkingDir: ROOT,
  entryPoints: ['dist/bin.js'],
  outfile: OUTFILE,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  metafile: true,
  legalComments: 'none', // the licences go to THIRD-PARTY-NOTICES.txt, whole
  banner: { js: `// relayprobe ${own.version}: one-file bundle. MIT licence: see LICENSE; bundled packages: dist/THIRD-PARTY-NOTICES.txt.` },
  logLevel: 'warning',
});

// Everything not bundled must be a Node built-in: a bare import of a workspace or npm package
// would work in the repo and fail after `npm install -g`.
for (const output of Object.values(result.metafile.outputs)) {
  for (const imported of output.imports) {
    if (!imported.external || !isBuiltin(imported.path)) throw new Error(`the bundle imports ${imported.path}, which an installed package would not find`);
  }
}

/** The directory of the npm package (under node_modules) that a bundled input file belongs to. */
function packageRoot(file: string): string {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readJson(manifest).name !== undefined) return dir;
  }
  throw new Error(`no package.json above ${file}`);
}

const thirdParty = new Set<string>();
for (const input of Object.keys(result.metafile.inputs)) {
  if (input.split('/').includes('node_modules')) thirdParty.add(packageRoot(join(ROOT, input)));
}

const sections = [...thirdParty].sort().map((dir) => {
  const manifest = readJson(join(dir, 'package.json'));
  const licenceFile = readdirSync(dir).find((name) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(name));
  if (licenceFile === undefined) throw new Error(`${manifest.name} is bundled but has no licence file in ${relative(ROOT, dir)}`);
  const text = readFileSync(join(dir, licenceFile), 'utf8').trim();
  return `${manifest.name}@${manifest.version} (${manifest.license ?? 'see below'})\n${'-'.repeat(60)}\n${text}\n`;
});
writeFileSync(NOTICES, `relayprobe's dist/relayprobe.js bundles the following packages, under these licences.\n\n${sections.join('\n\n')}`);
