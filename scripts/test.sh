#!/usr/bin/env bash
# Install what is missing (the test profile), build, run the whole test suite (ctest), then the
# sanitizer job (scripts/sanitize.sh: ASan + UBSan unit, cli and fuzz tests). A skipped test fails
# the run unless it is labelled gpu (its hardware is absent). Extra arguments go to the main ctest
# and leave out the sanitizer job, e.g. scripts/test.sh -L unit for the fast tests only.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
scripts/build.sh
log=build/ctest.log
set +e
ctest --test-dir build --output-on-failure --parallel "$(nproc)" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || exit "$status"
gpu=$(ctest --test-dir build -N -L gpu | sed -nE 's/^ *Test +#[0-9]+: //p')
skipped=$(sed -nE 's/^[[:space:]]*[0-9]+ - (.*) \(Skipped\)$/\1/p' "$log" | grep -vxF -e "${gpu:-^}" || true)
if [ -n "$skipped" ]; then
  echo "test: these tests were skipped; on a machine set up by scripts/install-deps.sh --tests none should be:" >&2
  echo "$skipped" >&2
  exit 1
fi
if [ $# -eq 0 ]; then scripts/sanitize.sh; fi
