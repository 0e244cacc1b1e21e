#!/usr/bin/env bash
# Sets everything up, builds the release preset and runs every test.
# Usage: scripts/test.sh [PRESET]   (release by default; asan, debug)
# Vector-based tests read BTR_VECTORS_DIR; unset, they report themselves skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
scripts/setup.sh
if [ -z "${BTR_VECTORS_DIR:-}" ] && [ -d ../shared/vectors ]; then
  export BTR_VECTORS_DIR="$(cd ../shared/vectors && pwd)"
fi
jobs="$(nproc)"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs"
ctest --preset "$preset" -j "$jobs" ${BTR_CTEST_ARGS:-}
