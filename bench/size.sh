#!/usr/bin/env bash
# Download size of the release build: raw, gzip and brotli bytes of what a first visit fetches.
# Run through `make bench` (which builds dist/ first). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/index.html ] || { echo "no dist/: run 'make app' first" >&2; exit 1; }

size() { stat -c %s "$1"; }
printf '| file | raw | gzip -9 | brotli -q 11 |\n|---|---:|---:|---:|\n'
total_raw=0 total_gz=0 total_br=0
for f in dist/*.wasm dist/*.js dist/*.css dist/index.html; do
  [ -f "$f" ] || continue
  [ -f "$f.br" ] && [ -f "$f.gz" ] || { echo "$f has no .br/.gz: was it a release build?" >&2; exit 1; }
  raw=$(size "$f") gz=$(size "$f.gz") br=$(size "$f.br")
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_br=$((total_br + br))
  name=$(basename "$f" | sed -E 's/-[0-9a-f]{10,16}/-<hash>/')
  printf '| %s | %s | %s | %s |\n' "$name" "$raw" "$gz" "$br"
done
printf '| **total** | **%s** | **%s** | **%s** |\n' "$total_raw" "$total_gz" "$total_br"
