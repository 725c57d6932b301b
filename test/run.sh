#!/usr/bin/env bash
# Runs every test in one jest run and closes with a plain summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache
args=(--runInBand --json --outputFile=.cache/jest-results.json)
if [ "$(id -u)" != 0 ]; then
  echo "test/run.sh: not root: integration tests need root (namespaces, mounts, registries); running unit tests only" >&2
  args+=(--selectProjects unit)
fi
npx jest "${args[@]}" "$@"
status=$?
if [ -f .cache/jest-results.json ]; then
  node -e '
    const r = require(process.argv[1]);
    console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
  ' "$PWD/.cache/jest-results.json"
fi
exit $status
