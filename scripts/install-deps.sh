#!/usr/bin/env bash
# Installs the Debian 12 packages that ptlab's build, tests and main job need.
# Idempotent: packages already present are left alone; it says what it installs.
# Run as root (or with sudo available).
# Usage: scripts/install-deps.sh           build, tests, main job
#        scripts/install-deps.sh --tests   also what only tests use: Chromium (the report's rendering
#                                          check), PyTorch (the torch.save interop check) and clang
#                                          with libFuzzer (the sanitizer and fuzz job, scripts/sanitize.sh)
#        scripts/install-deps.sh --bench   also the benchmarks: Google Benchmark and the peers
#                                          (PyTorch and NumPy from Debian) of bench/peers/
set -euo pipefail

packages=(
  build-essential   # g++ 12 (C++20)
  cmake             # build system
  ninja-build       # generator
  git               # version stamp of runs
  pkg-config
  libeigen3-dev     # dense linear algebra for the theory model
  libtomlplusplus-dev  # TOML configs
  libcli11-dev      # command line
  nlohmann-json3-dev   # JSON records
  libfmt-dev        # formatting
  libboost-math-dev # Student-t quantiles for confidence intervals
  libsqlite3-dev    # study stores of sweeps
  zlib1g-dev        # gzipped IDX image files
  libstb-dev        # stb_image / stb_image_resize: image folders (PNG, JPEG, …) and resizing
  dataset-fashion-mnist  # the real-data default of the deep half (/usr/share/datasets/fashion-mnist)
  opencv-doc        # examples/data/digits.png: 5000 digits of 20 × 20 (data.dataset = "opencv-digits")
  python3-sklearn   # datasets/data/digits.csv.gz: 1797 digits of 8 × 8 (data.dataset = "sklearn-digits")
  gnuplot-nox       # figures (ptlab plot)
  libopenmpi-dev    # sweeps over MPI ranks (mpirun -n K ptlab sweep)
  openmpi-bin
  libtorch-dev      # the deep half (LibTorch C++ frontend, CPU)
  libopenblas0-pthread  # a fast BLAS for LibTorch (Debian otherwise links the reference BLAS)
  libgtest-dev      # unit tests
  libgmock-dev
)
if [ "${1:-}" = "--tests" ]; then
  packages+=(
    chromium          # headless rendering of the HTML report (tests/report/html_test.cpp)
    python3-torch     # torch.save archives read by transfer.import (tests/deep/deep_test.cpp)
    clang             # ASan + UBSan build and libFuzzer harnesses (scripts/sanitize.sh, tests/fuzz/)
    libclang-rt-14-dev  # the sanitizer and libFuzzer runtimes of clang 14
  )
elif [ "${1:-}" = "--bench" ]; then
  packages+=(
    libbenchmark-dev  # micro-benchmarks (bench/)
    python3-numpy     # NumPy peer (bench/peers/)
    python3-torch     # PyTorch peer, CPU (bench/peers/)
  )
elif [ -n "${1:-}" ]; then
  echo "install-deps: unknown option $1; expected --tests, --bench or nothing" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
