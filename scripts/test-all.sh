#!/usr/bin/env bash
# `npm test`: every test of the project, on a machine set up with `npm ci`.
#   0. `npm run lint`: Prettier in check mode, knip, ESLint (docs/architecture.md "Lint rules");
#   1. build and typecheck every workspace (and the bench, e2e and scripts folders);
#   2. the browser tests: Playwright in Debian's Chromium against the real server
#      (installed with apt when missing and we are root; never a downloaded browser);
#   3. every unit and integration test in one run of Node's test runner (the real-MTA lab
#      included: packages/mta-lab needs root and Debian's mail servers), whose summary
#      ("ℹ tests N / ℹ pass N / ℹ fail 0") closes the output.
# Exits non-zero on the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

# First, so a format, dependency or shape problem fails before the build and the long tests. On a clean
# checkout nothing is built yet: ESLint's type-aware rules then see the other workspaces' imports
# without types (they still check everything within a workspace).
npm run lint

npx turbo run build typecheck --output-logs=errors-only
npx tsc -p bench/tsconfig.json
npx tsc -p e2e/tsconfig.json
npx tsc -p scripts/tsconfig.json

bash scripts/ensure-chromium.sh
npx playwright test

# The real mail servers of packages/mta-lab (Postfix, Exim, OpenSMTPD): installed with apt when
# missing and we are root, else the command to run is printed and the tests stop here.
bash packages/mta-lab/scripts/ensure-mtas.sh

# Node's test runner on Node 20 does not expand globs itself: the shell does, so a run
# can never pass empty (STACK.md pitfall 8).
node --import tsx --test --test-reporter=spec packages/*/test/*.test.ts apps/*/test/*.test.ts scripts/test/*.test.ts
