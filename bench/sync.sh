#!/usr/bin/env bash
# `make bench-sync`: issue 5's two team-sync benchmarks in one run, printed as Markdown.
#  1. bench/sync_latency.mjs: change-to-visible latency between two browser profiles through
#     the relay on loopback (and, for comparison, over the direct WebRTC link alone).
#  2. crm-bench relay-fanout (bench/src/fanout.rs): the relay with CLIENTS load clients across
#     WORKSPACES workspaces, one small change per client per second; delivery latency and the
#     relay's CPU and memory.
#   bench/sync.sh <crm-relay binary> <crm-bench binary> <app dist dir>
# Environment: N (50 changes per path), MODES ("both,relay,direct"), CLIENTS (200),
# WORKSPACES (20), FANOUT_SECONDS (30 measured per run), RUNS (3, each with both phase layouts),
# PARTS ("browser relay"), DATASET (a workspace file, e.g. bench/results/M.automerge: adds the
# relay path with both browsers holding that workspace).
set -euo pipefail
relay=$(realpath "${1:?usage: sync.sh RELAY_BIN BENCH_BIN DIST_DIR}")
bench=$(realpath "${2:?}")
dist=$(realpath "${3:?}")
cd "$(dirname "$0")"
N=${N:-50} MODES=${MODES:-both,relay,direct} CLIENTS=${CLIENTS:-200} WORKSPACES=${WORKSPACES:-20}
FANOUT_SECONDS=${FANOUT_SECONDS:-30} RUNS=${RUNS:-3} PARTS=${PARTS:-browser relay}

echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr);" \
  "$(/usr/bin/chromium --version 2>/dev/null | head -1), Node $(node --version). $(date -u '+%Y-%m-%d %H:%M UTC')."
echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
if [[ " $PARTS " == *" browser "* ]]; then
  if [ -n "${DATASET:-}" ]; then
    node sync_latency.mjs "$relay" "$dist" "$N" "$MODES,relay+file" "$(realpath "$DATASET")"
  else
    node sync_latency.mjs "$relay" "$dist" "$N" "$MODES"
  fi
  echo
  echo "Load average: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
fi
if [[ " $PARTS " == *" relay "* ]]; then
  "$bench" relay-fanout "$relay" "$dist" "$CLIENTS" "$WORKSPACES" "$FANOUT_SECONDS" "$RUNS"
  echo
fi
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
