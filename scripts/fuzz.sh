#!/usr/bin/env bash
# Runs one fuzz harness of tests/fuzz/ for SECONDS (libFuzzer, ASan + UBSan), starting from its
# corpus. What it finds is written to build-san/fuzz-findings/ (replay a finding with
# build-san/tests/fuzz/fuzz_NAME FILE). The weights harness needs LibTorch and builds into
# build-fuzz-deep/ instead.
# Usage: scripts/fuzz.sh NAME SECONDS     NAME: config set axes idx cifar rows weights
set -euo pipefail
cd "$(dirname "$0")/.."
names="config set axes idx cifar rows weights"
if [ $# -ne 2 ] || ! [[ " $names " == *" $1 "* ]] || ! [[ "$2" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz: usage: scripts/fuzz.sh NAME SECONDS, NAME one of: $names; SECONDS a positive integer" >&2
  exit 2
fi
name=$1
build=build-san
deep=OFF
if [ "$name" = weights ]; then build=build-fuzz-deep; deep=ON; fi
CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DPTLAB_DEEP=$deep -DPTLAB_SANITIZE=ON -DPTLAB_FUZZ=ON \
  -DPTLAB_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target "fuzz_$name"
mkdir -p "$build/fuzz-findings" "$build/tests/fuzz/grown/$name"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
"$build/tests/fuzz/fuzz_$name" -max_total_time="$2" -max_len=4096 -timeout=10 -rss_limit_mb=3072 \
  -artifact_prefix="$build/fuzz-findings/$name-" -print_final_stats=1 \
  "$build/tests/fuzz/grown/$name" "tests/fuzz/corpus/$name"
