#!/usr/bin/env bash
# Installs what `make run` (setup.sh build) and `make test` (setup.sh test) need, skipping
# whatever is already present at the right version. Never downloads a browser or a prebuilt
# binary: Rust tools are compiled from crates.io, Chromium comes from Debian, npm packages
# download no browsers.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen = "=…"` pin in Cargo.toml
export PATH="$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; exit 1; fi
}

apt_updated=0
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "apt-get install ${missing[*]}"
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

cargo_tool() { # binary, expected `--version` output, cargo install arguments...
  local bin=$1 want=$2; shift 2
  if command -v "$bin" >/dev/null && [ "$("$bin" --version 2>/dev/null)" = "$want" ]; then return 0; fi
  say "cargo install $* (compiles from source; takes minutes once)"
  cargo install "$@"
}

npm_ci() { # folder with package.json and package-lock.json; reinstalls when the lock changes
  local dir=$1 stamp=$1/node_modules/.installed-from-lock
  cmp -s "$dir/package-lock.json" "$stamp" 2>/dev/null && return 0
  say "npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$dir/package-lock.json" "$stamp"
}

setup_build() {
  command -v cargo >/dev/null || { echo "Rust (rustup, cargo) is required: https://rustup.rs" >&2; exit 1; }
  rustup target list --installed | grep -qx wasm32-unknown-unknown || {
    say "rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }
  command -v npm >/dev/null || apt_install nodejs npm
  apt_install brotli gzip
  cargo_tool trunk "trunk $TRUNK_VERSION" trunk --version "$TRUNK_VERSION" --locked
  # Not --locked: one of its locked dependencies is missing from the registry mirror.
  cargo_tool wasm-bindgen "wasm-bindgen $WASM_BINDGEN_VERSION" wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  npm_ci tools
  # Trunk runs cargo offline, so every crate must already be downloaded.
  cargo fetch --quiet
}

setup_test() {
  setup_build
  # Chromium for both browser test levels; Persian-capable fonts so screenshots show real text;
  # zbarimg reads the direct-link QR codes back off the screen in the end-to-end test.
  apt_install chromium chromium-driver fonts-dejavu-core fonts-farsiweb zbar-tools
  npm_ci tests/e2e
}

case "${1:-}" in
  build) setup_build ;;
  test) setup_test ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
