# Entry points. On a fresh machine, `make run` and `make test` install what they need first.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export PATH := $(CURDIR)/tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

RELAY := target/relay/crm-relay

.PHONY: help run test dev lint bench bench-l bench-compare bench-sync setup-build setup-test app relay test-native test-wasm test-e2e size clean

help:
	@echo "make run    build the app (release) and serve it with the relay on http://127.0.0.1:8080"
	@echo "            (CRM_PORT, CRM_HOST, CRM_DATA_DIR change port, address and data dir ./data)"
	@echo "make test   every test level: lint, native, browser unit (wasm), end to end (Playwright)"
	@echo "make dev    trunk serve with live reload on http://127.0.0.1:8081"
	@echo "make lint   rustfmt and clippy (native and wasm32), warnings are errors"
	@echo "make bench  the benchmark harness (bench/)"
	@echo "make bench-compare  ours side by side with automerge-repo, Yjs and the automerge-repo sync server"
	@echo "make bench-sync  team sync: browser-to-browser change latency, relay fan-out at 200 clients"

run: setup-build app relay
	$(RELAY)

test: setup-test lint test-native test-wasm app relay test-e2e
	@echo "make test: all levels passed"

setup-build:
	scripts/setup.sh build

setup-test:
	scripts/setup.sh test

# The release build of the app (size-tuned; see Cargo.toml) with its precompressed siblings.
app:
	trunk build --release

relay:
	cargo build --profile relay -p crm-relay

dev: setup-build
	trunk serve

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p crm-app --target wasm32-unknown-unknown --all-targets -- -D warnings

test-native:
	cargo test --workspace

test-wasm:
	cargo test -p crm-app --target wasm32-unknown-unknown --test browser

test-e2e:
	cd tests/e2e && RELAY_BIN=$(CURDIR)/$(RELAY) DIST_DIR=$(CURDIR)/dist npx playwright test

# Not part of `make test`: sizes, native engine timings (S, M) and the app in headless Chromium
# with dataset M. `make bench-l` adds the L dataset natively (minutes, several GB of memory).
bench: setup-test app relay
	bench/size.sh
	cargo build --profile relay -p crm-bench
	target/relay/crm-bench native S
	target/relay/crm-bench native M
	target/relay/crm-bench screens M
	mkdir -p bench/results
	target/relay/crm-bench generate M bench/results/M.automerge
	node bench/browser.mjs $(CURDIR)/$(RELAY) $(CURDIR)/dist bench/results/M.automerge M
	node bench/frames.mjs $(CURDIR)/$(RELAY) $(CURDIR)/dist bench/results/M.automerge M
	target/relay/crm-bench analytics M bench/results/M-closed.automerge
	node bench/dashboard.mjs $(CURDIR)/$(RELAY) $(CURDIR)/dist bench/results/M.automerge M
	node bench/dashboard.mjs $(CURDIR)/$(RELAY) $(CURDIR)/dist bench/results/M-closed.automerge "M, closed"

# Not part of `make test`: the same data and operations in our app and relay, in JavaScript
# automerge-repo and Yjs pages (bench/peers/, from npm) and against automerge-repo-sync-server,
# in one run, as Markdown tables with ratios (bench/compare/run.sh; SIZES="M L" adds L).
bench-compare: setup-test app relay
	cargo build --profile relay -p crm-bench
	bench/compare/run.sh $(RELAY) target/relay/crm-bench dist

# Not part of `make test`: issue 5's team-sync benchmarks (bench/sync.sh): change-to-visible
# latency between two browser profiles through the relay (and over the direct link alone), and
# the relay with 200 load clients across 20 workspaces (`crm-bench relay-fanout`). A few minutes.
bench-sync: setup-test app relay
	cargo build --profile relay -p crm-bench
	bench/sync.sh $(RELAY) target/relay/crm-bench dist

bench-l: relay
	cargo build --profile relay -p crm-bench
	target/relay/crm-bench native L

clean:
	rm -rf dist tests/e2e/artifacts tests/e2e/test-results
	cargo clean
