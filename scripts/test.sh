#!/usr/bin/env bash
# Install what is missing, build, and run the whole test suite (ctest). Extra arguments go to ctest,
# e.g. scripts/test.sh -L unit for the fast tests only.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
scripts/build.sh
ctest --test-dir build --output-on-failure --parallel "$(nproc)" "$@"
