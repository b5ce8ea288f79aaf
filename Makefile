# rampart: the two set-up commands are `make demo` and `make test`.
# Everything they need is installed by the targets themselves: the Rust
# toolchain must be present; the emulator (moto, pinned) goes into .venv-emu;
# `make test` installs Debian's chromium for the HTML report's browser tests
# and LocalStack (pinned, .venv-ls) for the second-emulator test.

CARGO ?= cargo
export CARGO_TARGET_DIR ?= $(CURDIR)/target
RAMPART := $(CARGO_TARGET_DIR)/debug/rampart

.PHONY: all build demo test test-unit test-e2e lint fmt docs bench bench-check bench-scan emu-install emu-stop localstack-install browser-install fuzz clean

all: build

build:
	$(CARGO) build --workspace

emu-install:
	@localstack/emu install

localstack-install:
	@[ "$$RAMPART_SKIP_LOCALSTACK" = 1 ] || localstack/localstack-host install

## browser-install: Debian's chromium, for the HTML report's headless browser tests.
browser-install:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "make: the HTML tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; \
	  fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

## demo: start the emulator, seed the sample account, scan it, print the summary, stop.
demo: emu-install build
	@RAMPART_BIN=$(RAMPART) localstack/demo

## test: everything (unit, property, golden, headless browser, end-to-end
## against a private emulator per test).
test: emu-install localstack-install browser-install
	$(CARGO) fmt --all -- --check
	# Not --all-targets: that would build a test harness for the rampart
	# binary despite `test = false`, linking the AWS SDK once more for nothing.
	$(CARGO) test --workspace

test-unit:
	$(CARGO) test --workspace --lib

test-e2e: emu-install localstack-install
	$(CARGO) test -p rampart-cli --test e2e

## bench: both benchmarks below (results in docs/performance.md).
bench: bench-check bench-scan

## bench-check: the check-only release `rampart` on generated snapshots of
## about 10k to 1.1M resources: wall time, peak RSS, phase split (median of
## 3). Files go to $(CARGO_TARGET_DIR)/bench; the binaries are built in
## their own target dir so a full release `rampart` is never replaced by the
## check-only one. BENCH_SIZES are instance counts (about 11 resources each).
BENCH_SIZES ?= 1000 3000 10000 30000 100000
BENCH_TARGET := $(CARGO_TARGET_DIR)/bench-build
bench-check:
	CARGO_TARGET_DIR=$(BENCH_TARGET) $(CARGO) build --release -p rampart-dev
	CARGO_TARGET_DIR=$(BENCH_TARGET) $(CARGO) build --release -p rampart-cli --no-default-features
	@ZSTD=1 crates/dev/bench.sh $(BENCH_TARGET)/release/rampart \
	  $(BENCH_TARGET)/release/rampart-dev $(CARGO_TARGET_DIR)/bench $(BENCH_SIZES)

## bench-scan: scan wall time, CPU, peak memory, emulator busy time and API
## calls for the demo account and a large one (localstack/seed_large.py), at
## several --max-rps caps (results in docs/performance.md, "Scanning").
bench-scan: emu-install build
	localstack/bench_scan.sh $(RAMPART) $(CARGO_TARGET_DIR)/bench-scan

## lint: formatting and clippy with warnings as errors.
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p rampart-cli --no-default-features -- -D warnings

fmt:
	$(CARGO) fmt --all

## docs: regenerate docs/checks.md from checks/*.toml (a test checks it is current).
docs:
	RAMPART_BLESS=1 $(CARGO) test -p rampart-checks --lib reference

## fuzz: run each cargo-fuzz target (fuzz/) for FUZZ_SECONDS; needs
## `cargo install cargo-fuzz` and a nightly toolchain, or
## FUZZ_TOOLCHAIN=+stable FUZZ_SANITIZER=none (see docs/fuzzing.md). Not in CI.
FUZZ_SECONDS ?= 300
FUZZ_TOOLCHAIN ?= +nightly
FUZZ_SANITIZER ?= address
FUZZ_TARGETS := snapshot_load config_parse

fuzz:
	@command -v cargo-fuzz >/dev/null || { echo "make: fuzz needs cargo-fuzz: cargo install cargo-fuzz" >&2; exit 1; }
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t && \
	  CARGO_TARGET_DIR=$(CARGO_TARGET_DIR)/fuzz $(CARGO) $(FUZZ_TOOLCHAIN) fuzz run -O \
	    --sanitizer $(FUZZ_SANITIZER) $$t fuzz/corpus/$$t fuzz/seeds/$$t -- \
	    -max_total_time=$(FUZZ_SECONDS) -max_len=131072 -dict=fuzz/$$t.dict \
	    -print_final_stats=1 || exit 1; \
	done

emu-stop:
	@localstack/emu stop --state-dir .emu/demo

clean:
	$(CARGO) clean
	rm -rf .emu
