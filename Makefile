# The two commands people need: `make serve` and `make test`. `make dist` writes the deployable site.
SHELL := /bin/bash
PORT ?= 8000
WASM_TEST := CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=$(CURDIR)/.tools/bin/wasm-bindgen-test-runner \
	WASM_BINDGEN_TEST_WEBDRIVER_JSON=$(CURDIR)/tests/webdriver.json CHROMEDRIVER=/usr/bin/chromedriver \
	cargo test --target wasm32-unknown-unknown --no-default-features --features page,worker

.PHONY: setup build serve test test-native test-wasm test-e2e lint fuzz bench bench-web bench-size bench-parse bench-events bench-verdict bench-forecast bench-ceiling bench-chart bench-follow snapshots-png dist wheel

setup:
	@scripts/setup.sh

build: setup
	@scripts/build-web.sh

# dist/: the static site; dist/plateau.html: the whole page in one file that works from file://;
# dist/npm/: the <learning-curve> element and the JS API as an npm package folder.
dist: build
	@node scripts/dist.mjs

# dist/plateau_docs-*.whl: the Sphinx extension and MkDocs plugin with the element's files inside.
wheel: dist
	@scripts/wheel.sh

serve: build
	@echo "plateau: http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	@python3 -m http.server --bind 127.0.0.1 $(PORT)

lint: setup
	cargo fmt --check
	@# The page's modules parse (a merge once left two top-level bindings of one name in app.js).
	@for f in www/*.js; do node --check $$f || exit 1; done
	cargo clippy --all-targets -- -D warnings
	@# The shipped module (both halves of the exports), and each half alone as `make bench-size` weighs it.
	for f in page,worker page worker; do \
	  cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features $$f -- -D warnings || exit 1; \
	done

test-native: setup
	cargo test

test-wasm: setup
	@scripts/setup.sh browser
	$(WASM_TEST) --test web_node
	$(WASM_TEST) --test web_browser

test-e2e: wheel
	@scripts/setup.sh browser
	@scripts/build-web.sh --test
	node --test --test-concurrency=1 tests/e2e/

test: lint test-native test-wasm test-e2e

# Coverage-guided fuzzing of the ingest, the link decoder and the whole pipeline on decoded links
# (nightly + cargo-fuzz, set up here; not part of `make test`): FUZZ_RUNS executions per target,
# one job at the lowest priority, any input over 1 s or 2 GB a failure, no AddressSanitizer (`-s none`:
# plateau has no `unsafe`, and the sanitizer made inputs slow enough to trip the 1 s limit on a loaded
# machine). Findings land in fuzz/artifacts/.
FUZZ_RUNS ?= 10000000
FUZZ_TARGETS ?= ingest link check_link
fuzz: setup
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
	cargo build --release
	node scripts/fuzz-seeds.mjs
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  nice -n 19 cargo +nightly fuzz run -O -s none $$t corpus/$$t -- -runs=$(FUZZ_RUNS) -timeout=1 -rss_limit_mb=2048 \
	    -max_len=65536 -print_final_stats=1 || exit 1; \
	done

bench-web: build
	@scripts/setup.sh browser
	cargo build --release
	node bench/web/run.mjs
	node bench/web/longtask.mjs
	node bench/web/controls.mjs
	node bench/web/following.mjs
	node bench/web/links.mjs
	node bench/web/small.mjs

# The page's module: raw and gzip size, bytes per crate and the largest functions (twiggy, installed here).
bench-size: build
	@command -v twiggy >/dev/null || cargo install twiggy
	node scripts/bench-size.mjs

# Parse speed and peak memory on a generated 1M-row x 8-column CSV (prints numbers; not a test).
bench-parse:
	cargo run --release --example bench_parse

# TensorBoard event files of 10 and 100 MB read in 64 KiB chunks (prints MB/s; not a test).
bench-events:
	cargo run --release --example bench_events

# The verdict engine against every labelled set (Wilson intervals, recall per label) beside the baseline rules, plus timings.
bench-verdict:
	cargo run --release --example bench_verdict

# How often the forecast's 95% range holds the true continuation of known curves, and what real runs did next (printed).
bench-forecast:
	cargo run --release --example bench_forecast
	cargo build --release --bin plateau
	python3 scripts/labelled/forecast_calibration.py

# Issue #11's ceiling: how often twin runs (same past, new future; or a new seed) get the same label, and how high
# classifiers that see only the past score on the labelled sets by grouped cross-validation, beside the engine (printed).
bench-ceiling:
	@scripts/setup.sh ceiling
	cargo build --release --bin plateau
	.tools/venv-ceiling/bin/python scripts/labelled/twins.py report tests/fixtures/twins/steps.json
	.tools/venv-ceiling/bin/python scripts/labelled/twins.py report tests/fixtures/twins/keras.json
	.tools/venv-ceiling/bin/python scripts/labelled/ceiling.py

# Redraw time after a slider move / zoom at 10k and 1M points in Chromium (printed, not asserted).
bench-chart: build
	@scripts/setup.sh browser
	node scripts/bench-chart.mjs

# Following a 1M-row log growing by 1,000 rows a second in Chromium: main-thread time per update (printed, not asserted).
bench-follow: build
	@scripts/setup.sh browser
	node scripts/bench-follow.mjs

# The SVG chart snapshots as PNGs in tests/snapshots/png/, to look at before accepting a change.
snapshots-png:
	@scripts/snapshots-png.sh

# Every benchmark: parse speed, event files, verdict accuracy and its learned ceiling, chart redraw, following a growing log, page vs PapaParse, module size.
bench: bench-parse bench-events bench-verdict bench-forecast bench-ceiling bench-chart bench-follow bench-web bench-size
