#!/usr/bin/env bash
# Sets everything up, builds the release preset and runs the main job on the
# embedded regtest default. Until the end-to-end issue lands the main job is
# the miner kernels' benchmark (btr-bench); extra arguments go to btr-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
exec build/release/tools/bench/btr-bench "$@"
