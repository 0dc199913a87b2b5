# pixelcensus — `make demo` and `make test` work on a fresh Debian machine: they install
# Chromium and chromedriver (Debian's `chromium`, `chromium-driver`) when missing, then build.

SHELL        := /bin/bash
# cron and systemd give a bare PATH without ~/.cargo/bin: look there too.
CARGO        ?= $(shell command -v cargo 2>/dev/null || echo $(HOME)/.cargo/bin/cargo)
CHROMIUM     := /usr/lib/chromium/chromium
CHROMEDRIVER := /usr/bin/chromedriver
BIN          ?= ./target/release/pixelcensus

.PHONY: help setup deps build demo test lint bench monthly clean

help:
	@echo "make demo   crawl the built-in test web (offline) into results/demo"
	@echo "make test   unit and end-to-end tests (real Chromium + chromedriver)"
	@echo "make bench  sites per minute and memory against the bare-browser floor"
	@echo "make lint   cargo fmt --check and clippy -D warnings"
	@echo "make setup  install Chromium + chromedriver if missing, and build"
	@echo "make monthly LIST=top.csv  crawl LIST into results/<year>-<month> (resumes if interrupted)"

# Debian's packages; as root directly, otherwise through sudo.
deps:
	@if [ ! -x $(CHROMIUM) ] || [ ! -x $(CHROMEDRIVER) ]; then \
	  echo "pixelcensus: installing Debian's chromium and chromium-driver"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver; \
	fi

build:
	$(CARGO) build --release

setup: deps build

demo: setup
	$(BIN) demo --out results/demo
	@echo "open results/demo/report.html (report.png shows it); datasets beside it (docs/schema.md); store results/demo/crawl.sqlite"

test: deps
	$(CARGO) test --all-targets

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

bench: deps
	$(CARGO) build --release --bins --examples
	$(CARGO) run --release --example bench -- $(BENCH_ARGS)

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

clean:
	$(CARGO) clean
