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
# BTR_BUILD_TARGETS narrows the build (CI's sanitizer pass builds only the unit suites).
# shellcheck disable=SC2086
cmake --build --preset "$preset" -j "$jobs" ${BTR_BUILD_TARGETS:+--target $BTR_BUILD_TARGETS}
ctest --preset "$preset" -j "$jobs" ${BTR_CTEST_ARGS:-}
