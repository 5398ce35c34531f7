#!/usr/bin/env bash
# Runs one fuzz harness of tests/fuzz/ for SECONDS (libFuzzer, ASan + UBSan), starting from its
# corpus. What it finds is written to build-san/fuzz-findings/ (replay a finding with
# build-san/tests/fuzz/fuzz_NAME FILE). The weights harness needs LibTorch, whose headers do not
# compile with clang 14: it runs from the main GCC build (build/) with ptlab's own mutator
# (tests/fuzz/replay_main.cpp), without sanitizers; a finding is left in build/replay-finding.
# Usage: scripts/fuzz.sh NAME SECONDS     NAME: config set axes idx cifar rows pickle weights
set -euo pipefail
cd "$(dirname "$0")/.."
names="config set axes idx cifar rows pickle weights"
if [ $# -ne 2 ] || ! [[ " $names " == *" $1 "* ]] || ! [[ "$2" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz: usage: scripts/fuzz.sh NAME SECONDS, NAME one of: $names; SECONDS a positive integer" >&2
  exit 2
fi
name=$1
if [ "$name" = weights ]; then
  scripts/build.sh >/dev/null
  cd build
  exec tests/fuzz/fuzz_weights --seconds="$2" ../tests/fuzz/corpus/weights
fi
build=build-san
CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DPTLAB_DEEP=OFF -DPTLAB_SANITIZE=ON -DPTLAB_FUZZ=ON \
  -DPTLAB_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target "fuzz_$name"
mkdir -p "$build/fuzz-findings" "$build/tests/fuzz/grown/$name"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
"$build/tests/fuzz/fuzz_$name" -max_total_time="$2" -max_len=4096 -timeout=10 -rss_limit_mb=3072 \
  -artifact_prefix="$build/fuzz-findings/$name-" -print_final_stats=1 \
  "$build/tests/fuzz/grown/$name" "tests/fuzz/corpus/$name"
