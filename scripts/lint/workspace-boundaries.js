// The import directions of DESIGN.md ("Layout") as one ESLint rule, `relayprobe/boundaries`, and
// the one table it reads. What it protects:
//   - the package graph: `engine` ← `probe` ← `cli`, `server`; `contracts` imported by all and
//     importing no other package; `web` imports only `contracts`; `testkit` and `mta-lab` only
//     by tests, e2e and bench (a fake written from the engine's code would share its bugs);
//   - the engine does no I/O, and what the browser loads stays browser-safe: no Node module in
//     the `src/` of engine, contracts and web (HOUSE-STYLE rule 1);
//   - a package's surface is its `exports`: no `@relayprobe/x/sub/path`, and no relative path
//     into another workspace's `src/` or `dist/` (HOUSE-STYLE rule 16). Tests, e2e and bench
//     may reach another workspace's `test/` helpers (apps/server/test/helpers is shared so), and
//     an application's `src/` (the CLI and the web app have no library surface to go through:
//     the input-agreement test drives the CLI's main() and the form's check beside the API);
//   - web feature folders import one way: `features/<a>` never imports `features/<b>`, and
//     `shared/` (what features share) imports no feature.
// Purely lexical: the specifier and the file's path decide, nothing is read from disk.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Each workspace: its package name, the workspace packages its `src/` may import, whether its
 *  `src/` may use Node modules, and whether it is an application (no `exports` to go through). */
const WORKSPACES = {
  'packages/contracts': { name: '@relayprobe/contracts', imports: [], node: false },
  'packages/engine': { name: '@relayprobe/engine', imports: ['@relayprobe/contracts'], node: false },
  'packages/probe': { name: '@relayprobe/probe', imports: ['@relayprobe/contracts', '@relayprobe/engine'], node: true },
  'packages/cli': { name: 'relayprobe', imports: ['@relayprobe/contracts', '@relayprobe/probe'], node: true, app: true },
  'packages/testkit': { name: '@relayprobe/testkit', imports: [], node: true },
  'packages/mta-lab': { name: '@relayprobe/mta-lab', imports: ['@relayprobe/testkit'], node: true },
  'apps/server': { name: '@relayprobe/server', imports: ['@relayprobe/contracts', '@relayprobe/probe'], node: true },
  'apps/web': { name: '@relayprobe/web', imports: ['@relayprobe/contracts'], node: false, app: true },
};

const PACKAGE_NAMES = new Set(Object.values(WORKSPACES).map((w) => w.name));
const NODE_BUILTINS = new Set(builtinModules);
const WEB_SRC = 'apps/web/src/';

/** The workspace directory a repo-relative path lies in, or undefined (bench, e2e, scripts, root files). */
function workspaceOf(file) {
  return Object.keys(WORKSPACES).find((dir) => file === dir || file.startsWith(`${dir}/`));
}

/** `@relayprobe/engine/dist/x.js` → ['@relayprobe/engine', 'dist/x.js']; undefined when not a workspace package. */
function splitPackage(specifier) {
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return PACKAGE_NAMES.has(name) ? [name, specifier.slice(name.length + 1)] : undefined;
}

const isNodeBuiltin = (specifier) => specifier.startsWith('node:') || NODE_BUILTINS.has(specifier.split('/')[0]);
const featureOf = (file) => (file.startsWith(`${WEB_SRC}features/`) ? file.slice(`${WEB_SRC}features/`.length).split('/')[0] : undefined);

/** What is wrong with importing `specifier` from repo-relative `file`, or undefined. */
function boundaryProblem(file, specifier) {
  const from = workspaceOf(file);
  const inSrc = from !== undefined && file.startsWith(`${from}/src/`);

  if (specifier.startsWith('.')) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
    const to = workspaceOf(target);
    if (to !== undefined && to !== from) {
      const inner = target.slice(to.length + 1);
      const testReach = !inSrc && (inner.startsWith('test/') || (WORKSPACES[to].app === true && inner.startsWith('src/')));
      if (!testReach) return `relative import into ${to}: import ${WORKSPACES[to].name} by its name (its package.json \`exports\` is its surface)`;
    }
    const fromFeature = featureOf(file);
    const toFeature = featureOf(target);
    if (fromFeature !== undefined && toFeature !== undefined && fromFeature !== toFeature) {
      return `features/${fromFeature} imports features/${toFeature}: a feature never imports another; move what both use to apps/web/src/shared/`;
    }
    if (file.startsWith(`${WEB_SRC}shared/`) && toFeature !== undefined) return `shared/ imports features/${toFeature}: shared pieces import no feature`;
    return undefined;
  }

  const pkg = splitPackage(specifier);
  if (pkg !== undefined) {
    const [name, subpath] = pkg;
    if (subpath) return `deep import ${specifier}: import ${name} itself (its package.json \`exports\` is its surface)`;
    if (inSrc && name !== WORKSPACES[from].name && !WORKSPACES[from].imports.includes(name)) {
      const allowed = WORKSPACES[from].imports.join(', ') || 'no other workspace package';
      return `${from}/src imports ${name}: DESIGN.md lets it import ${allowed}`;
    }
    return undefined;
  }

  if (inSrc && !WORKSPACES[from].node && isNodeBuiltin(specifier)) {
    return `${from}/src imports the Node module ${specifier}: ${from === 'packages/engine' ? 'the engine does no I/O (HOUSE-STYLE rule 1)' : 'this code runs in the browser too'}`;
  }
  return undefined;
}

const boundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Import directions between workspaces and web features (DESIGN.md "Layout")' },
    schema: [],
    messages: { boundary: '{{problem}}' },
  },
  create(context) {
    const file = path.relative(ROOT, context.filename).split(path.sep).join('/');
    const check = (node) => {
      if (node?.type !== 'Literal' || typeof node.value !== 'string') return;
      const problem = boundaryProblem(file, node.value);
      if (problem !== undefined) context.report({ node, messageId: 'boundary', data: { problem } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      TSImportType: (node) => check(node.source ?? node.argument?.literal),
      TSExternalModuleReference: (node) => check(node.expression),
    };
  },
};

/** The local ESLint plugin: `relayprobe/boundaries`. */
export default { meta: { name: 'relayprobe' }, rules: { boundaries } };
