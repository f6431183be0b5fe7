#!/usr/bin/env bash
# `make bench-compare`: our app and relay side by side with the stacks a team would otherwise
# build on (issue 8), in one run. Installs the peers from npm (bench/package-lock.json), bundles
# them, generates the datasets if missing, then prints Markdown: machine, sizes, the client side
# in headless Chromium per dataset size, and the relay side.
#   bench/compare/run.sh <crm-relay binary> <crm-bench binary> <app dist dir>
# Environment: SIZES (default "M"; "M L" adds L), RUNS (5), RELAY_NS ("10,100,500"),
# RELAY_SECONDS (20), PARTS ("size browser relay"), BENCH_TARGETS ("ours,automerge,yjs").
set -euo pipefail
relay=$(realpath "${1:?usage: run.sh RELAY_BIN BENCH_BIN DIST_DIR}")
bench=$(realpath "${2:?}")
dist=$(realpath "${3:?}")
cd "$(dirname "$0")/.."
SIZES=${SIZES:-M} RUNS=${RUNS:-5} RELAY_NS=${RELAY_NS:-10,100,500} RELAY_SECONDS=${RELAY_SECONDS:-20}
PARTS=${PARTS:-size browser relay}
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund >&2
fi
node peers/build.mjs
mkdir -p results
for s in $SIZES; do
  # One deterministic generation (seed in bench/src/main.rs) writes both formats.
  [ -f "results/$s.automerge" ] && [ -f "results/$s.json" ] ||
    "$bench" generate "$s" "results/$s.automerge" "results/$s.json"
done

echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr);" \
  "$(/usr/bin/chromium --version 2>/dev/null | head -1), Node $(node --version). $(date -u '+%Y-%m-%d %H:%M UTC')."
echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
if [[ " $PARTS " == *" size "* ]]; then
  compare/size.sh "$dist"
  echo
fi
if [[ " $PARTS " == *" browser "* ]]; then
  for s in $SIZES; do
    node compare/browser.mjs "$relay" "$dist" "$s" "results/$s.automerge" "results/$s.json" "$RUNS"
    echo
  done
fi
if [[ " $PARTS " == *" relay "* ]]; then
  node compare/relay.mjs "$relay" "$bench" "$dist" "$RELAY_NS" "$RELAY_SECONDS"
  echo
fi
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
