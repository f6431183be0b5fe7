#!/usr/bin/env bash
# Download size side by side (issue 8): our app's wasm + JS glue against the peers' bundles
# (bench/peers/dist/, built by bench/peers/build.mjs), raw and brotli -q 11. Prints Markdown.
#   bench/compare/size.sh <our dist dir>
set -euo pipefail
dist=${1:?usage: size.sh DIST_DIR}
peers="$(dirname "$0")/../peers/dist"
[ -f "$peers/automerge.bundle.js" ] || { echo "no peer bundles: run node bench/peers/build.mjs" >&2; exit 1; }

raw() { cat "$@" | wc -c; }
br() { local n=0; for f in "$@"; do n=$((n + $(brotli -c -q 11 "$f" | wc -c))); done; echo $n; }
ours=("$dist"/crm-app-*_bg.wasm "$dist"/crm-app-*[0-9a-f].js)
am=("$peers/automerge.bundle.js" "$peers/automerge.wasm")
yjs=("$peers/yjs.bundle.js")
o_raw=$(raw "${ours[@]}") o_br=$(br "${ours[@]}")
printf '| code a first visit downloads | raw bytes | brotli -q 11 | ours / it (brotli) |\n|---|---:|---:|---:|\n'
printf '| ours: the whole CRM app (crm-app wasm + JS glue) | %s | %s | |\n' "$o_raw" "$o_br"
for peer in am yjs; do
  declare -n files=$peer
  r=$(raw "${files[@]}") b=$(br "${files[@]}")
  name=$([ "$peer" = am ] && echo "automerge-repo + IndexedDB adapter + Automerge wasm + the test page (minified JS + wasm)" || echo "Yjs + y-indexeddb + the test page (minified JS)")
  printf '| %s | %s | %s | %s× |\n' "$name" "$r" "$b" "$(awk -v a="$o_br" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
done
