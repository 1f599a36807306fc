#!/usr/bin/env bash
# Runs one benchmark (bench/<name>.ts) against the test bed, bringing the test bed up if needed (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../test/testbed/node-env.sh
source test/testbed/node-env.sh
name="${1:?usage: bench/run.sh <name>}"
bash test/testbed/testbed.sh up >/dev/null
export SHOPMGR_TESTBED_JSON="${SHOPMGR_TESTBED_DIR:-/tmp/shopmgr-testbed}/testbed.json"
TSX_TSCONFIG_PATH=tsconfig.node.json npx tsx "bench/$name.ts"
