#!/usr/bin/env bash
# Quick start: install what is missing, build, and run the main job on the shipped default config
# (configs/paper.toml), printing the result table. Extra arguments go to `ptlab run`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
echo "== ptlab run configs/paper.toml"
build/ptlab run configs/paper.toml "$@"
