#!/usr/bin/env bash
# Sets everything up, builds the release preset and runs the main job: the
# whole mining stack on regtest under btr-stack (a btr-node, a btr-pool paying
# PPLNS from its SQLite ledger, and btr-miner under two worker names to two
# published regtest addresses). Data in ./btr-data/regtest-stack; a second
# run resumes the same chain and ledger. Ctrl-C stops every process cleanly.
# Arguments go to btr-stack: `scripts/run.sh --blocks 20` stops after 20
# blocks and checks every coinbase against the pool's ledger (exit 1 on a
# mismatch); `scripts/run.sh --help` lists the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target btr-stack btr-cli
exec build/release/tools/stack/btr-stack "$@"
