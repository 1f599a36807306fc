#!/usr/bin/env bash
# The whole suite, as `npm test` runs it: type check, lint, build, then the unit, integration
# (real sshd, dockerd, gnome-keyring) and end-to-end (Debian's Chromium) tiers in one vitest run.
# The integration and end-to-end tiers bring the test bed up themselves (test/testbed/testbed.sh, as root).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=testbed/node-env.sh
source test/testbed/node-env.sh

step() { printf '\n=== %s\n' "$*"; }

step "type check (vue-tsc, tsc)"
npm run --silent typecheck
step "lint (eslint)"
npm run --silent lint
step "format (prettier --check)"
npm run --silent format:check
step "build (electron-vite)"
npm run --silent build
step "tests: unit, integration, e2e"
mkdir -p test-results
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@" || status=$?
# The per-tier counts and the closing "N passed, N failed" line; fails if a required tier ran nothing.
if [[ -s test-results/vitest.json ]]; then
  node test/summary.mjs test-results/vitest.json || status=1
fi
exit "$status"
