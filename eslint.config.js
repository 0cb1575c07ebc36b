// ESLint for the whole monorepo (`npm run lint`): the recommended sets, a few type-aware rules,
// and the rules that keep the shape of DESIGN.md and HOUSE-STYLE.md. What each protects:
// docs/architecture.md, "Lint rules". Formatting is Prettier's job, not ESLint's.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';
import relayprobe from './scripts/lint/workspace-boundaries.js';

const WORKSPACE_DIRS = ['packages/contracts', 'packages/engine', 'packages/probe', 'packages/cli', 'packages/testkit', 'packages/mta-lab', 'apps/server', 'apps/web'];

// Type information comes from the projects tsc already checks. Each workspace's test config
// includes its src/ too, so one program per workspace serves both (loading the build configs as
// well doubles the time); the web's build config only for vite.config.ts.
const TS_PROJECTS = [...WORKSPACE_DIRS.map((dir) => `${dir}/tsconfig.test.json`), 'bench/tsconfig.json', 'e2e/tsconfig.json', 'scripts/tsconfig.json', 'apps/web/tsconfig.json'];

const SRC = ['packages/*/src/**/*.{ts,tsx}', 'apps/*/src/**/*.{ts,tsx}'];
const TESTS = ['**/test/**/*.{ts,tsx}', 'e2e/**/*.ts', 'bench/**/*.ts'];

// HOUSE-STYLE rule 12: small files, one concept each. Counted as `wc -l` counts (blank lines and
// comments included), so "no file of src/ over 300 lines" means what it says.
const MAX_LINES = ['error', { max: 300, skipBlankLines: false, skipComments: false }];

// The engine (HOUSE-STYLE rules 1 and 4): no class extends another (the state lives in one
// explicit machine, not spread down a hierarchy; Error subclasses excepted, they only name an
// error), and no clock: the time comes in as `now` with every input.
const ENGINE_NO_INHERITANCE = {
  selector: ':matches(ClassDeclaration, ClassExpression)[superClass]:not([superClass.name="Error"])',
  message: 'No class in the engine extends another (HOUSE-STYLE rules 4 and 12): compose instead; only Error may be extended.',
};
const NO_CLOCK = "The engine reads no clock: use the input's `now`.";
const ENGINE_NO_CLOCK = [{ selector: 'NewExpression[callee.name="Date"][arguments.length=0]', message: NO_CLOCK }];
const ENGINE_NO_CLOCK_PROPERTIES = [
  { object: 'Date', property: 'now', message: NO_CLOCK },
  { object: 'performance', property: 'now', message: NO_CLOCK },
];

export default defineConfig(
  globalIgnores(['**/node_modules/', '**/dist/', '.turbo/', 'data/', 'test-results/', 'playwright-report/', 'bench/out/']),

  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { project: TS_PROJECTS, tsconfigRootDir: import.meta.dirname } },
    plugins: { relayprobe },
    rules: {
      'relayprobe/boundaries': 'error',
      // The type-aware rules worth their time here: a promise nobody awaits (a test that ends
      // before its assertion, a write whose failure vanishes) or one passed where a plain
      // callback is expected. node:test's test() and describe() return promises the runner awaits.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Control characters in regular expressions are the point here: the command builders,
      // display escaping and input grammar find and refuse them (HOUSE-STYLE rule 5).
      'no-control-regex': 'off',
      // `let detach; ... callback uses detach ...; detach = watch(callback)`: a callback that may run
      // before the assignment sees undefined instead of throwing (probe-events.ts). Deliberate.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // `const { events: _events, ...rest } = result` is how a property is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  { files: SRC, rules: { 'max-lines': MAX_LINES } },
  // The incremental reply parser with its quoted RFC 5321 grammar reads best as one file.
  { files: ['packages/engine/src/reply-reader.ts'], rules: { 'max-lines': 'off' } },
  {
    files: ['packages/engine/src/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ENGINE_NO_INHERITANCE, ...ENGINE_NO_CLOCK], 'no-restricted-properties': ['error', ...ENGINE_NO_CLOCK_PROPERTIES] },
  },
  // Tests read the JSON bodies of the API under test as `any` and assert on their shape.
  { files: TESTS, rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // `declare var` is how a .d.ts declares a global value that other declarations merge with.
  { files: ['**/*.d.ts'], rules: { 'no-var': 'off' } },
  // Plain JavaScript (the CLI's bin, bench's event-loop monitor, this file, scripts/lint) is in
  // no tsconfig: no type-aware rules; it runs on Node.
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
