#!/bin/sh
# Trunk post_build hook (see Trunk.toml); runs in the staging dir before it becomes dist/.
#  1. Stamps sw.js with this build's version and the list of shell files to cache.
#  2. In release builds, writes .br and .gz siblings for the relay to serve precompressed.
set -eu
dir="${TRUNK_STAGING_DIR:?run by trunk}"
cd "$dir"

files=$(find . -type f ! -name sw.js ! -name '*.br' ! -name '*.gz' ! -name '*.svg.map' | sed 's|^\./|/|' | LC_ALL=C sort)
# The version changes whenever any shell file does, which is what makes browsers update.
version=$(for f in $files; do sha256sum ".$f"; done | sha256sum | cut -c1-16)
list=$(printf '%s\n' $files | sed 's/.*/"&"/' | paste -sd, -)
# SHELL_FILES holds ["__SHELL_FILES__"]; replace the quoted placeholder with the quoted list.
sed -i -e "s|__BUILD_VERSION__|$version|" -e "s|\"__SHELL_FILES__\"|$list|" sw.js
grep -q '__SHELL_FILES__\|__BUILD_VERSION__' sw.js && { echo "post-build: sw.js placeholders left" >&2; exit 1; }

if [ "${TRUNK_PROFILE:-debug}" = "release" ]; then
  for f in $(find . -type f \( -name '*.html' -o -name '*.js' -o -name '*.wasm' -o -name '*.css' \
      -o -name '*.svg' -o -name '*.webmanifest' -o -name '*.json' \)); do
    brotli -f -q 11 -o "$f.br" "$f"
    gzip -f -k -9 "$f"
  done
fi
echo "post-build: shell version $version, $(printf '%s\n' $files | wc -l) files"
