#!/usr/bin/env bash
# The theory half built with clang under AddressSanitizer and UndefinedBehaviorSanitizer (plus
# libFuzzer's coverage) into build-san/, then its unit, cli and fuzz tests run there; the fuzz tests
# are short libFuzzer runs from tests/fuzz/corpus/ with a fixed seed. Any sanitizer report fails
# the test that hit it. scripts/test.sh runs this after the main suite; extra arguments go to ctest.
# Needs clang (scripts/install-deps.sh --tests installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
CXX=clang++ cmake -S . -B build-san -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DPTLAB_DEEP=OFF -DPTLAB_SANITIZE=ON -DPTLAB_FUZZ=ON \
  -DPTLAB_BUILD_BENCH=OFF >/dev/null
targets=(ptlab_unit_tests ptlab_cli_tests fuzz_config fuzz_set fuzz_axes fuzz_idx fuzz_cifar fuzz_rows fuzz_pickle)
cmake --build build-san --parallel "$(nproc)" --target "${targets[@]}"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir build-san --output-on-failure --parallel "$(nproc)" -L "unit|cli|fuzz" "$@"
