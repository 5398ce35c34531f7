#!/usr/bin/env bash
# Configures and builds ptlab (Release, Ninja) into build/. Extra arguments go to CMake,
# e.g. scripts/build.sh -DPTLAB_NATIVE=OFF for a portable binary.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build --parallel "$(nproc)"
