# Arbeidsbro — all set-up is in these targets: `make run` and `make test` on a fresh machine.
PY ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint format install migrate clean vendor-css

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/arbeidsbro db upgrade

run: install
	$(BIN)/arbeidsbro db upgrade
	$(BIN)/arbeidsbro reference import --if-empty
	$(BIN)/arbeidsbro demo-data --if-empty
	$(BIN)/arbeidsbro serve --host $(HOST) --port $(PORT)

AXE := var/npm/node_modules/axe-core/axe.min.js

# axe-core for the accessibility tests, from the npm registry (the tests skip it when npm is missing).
$(AXE):
	@mkdir -p var/npm
	@if command -v npm >/dev/null 2>&1; then npm install --silent --no-audit --no-fund --prefix var/npm axe-core@4.14; \
	else echo "npm not found: accessibility (axe-core) tests will be skipped"; fi

test: install $(AXE)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The benchmark sets live beside the repository (../shared/bench): only `make bench` reads them. Reference data
# comes from the product's own core/refdata. The quality bar fails the target (exit 1): nDCG@10 ≥ 0.95 and
# infeasible@10 = 0 on the dev set.
BENCH_DIR ?= ../shared/bench/dev
REFDATA := core/refdata

bench: install
	$(BIN)/pip install --quiet -e '.[test,bench]'
	@mkdir -p var
	$(BIN)/arbeidsbro match bench --openings $(BENCH_DIR)/openings.jsonl \
		--candidates $(BENCH_DIR)/candidates.jsonl --qrels $(BENCH_DIR)/qrels.jsonl \
		--styrk $(REFDATA)/klass/styrk08.json --geo $(REFDATA)/geonames/zipcodes.no.csv \
		--titles $(REFDATA)/nav/yrkesbetegnelser_styrk08.tsv \
		--out var/bench-dev-ranks.jsonl --json > var/bench-dev.json
	$(BIN)/python benchmarks/quality_bar.py var/bench-dev.json --min-ndcg 0.95 --max-infeasible 0
	$(BIN)/arbeidsbro match titles-eval $(REFDATA)/nav/yrkesbetegnelser_styrk08.tsv --folds 5
	$(BIN)/python benchmarks/reworded_set.py --dev $(BENCH_DIR) --seeds 3
	$(BIN)/python benchmarks/title_variants.py --dev $(BENCH_DIR)
	$(BIN)/python benchmarks/bench_matching.py
	$(BIN)/python benchmarks/load.py --duration 120 --users 50

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var/*.db var/*.db-wal var/*.db-shm

# NAV's design system CSS (Aksel, MIT) and its font (Source Sans 3, OFL-1.1), vendored into web/static/vendor from the
# npm registry by web/vendor_css.py: nothing is fetched when the app runs. Update: `make vendor-css AKSEL_VERSION=x.y.z`,
# look at the pages (tests/web/test_layout_browser.py, -k axe) and commit web/static/vendor and web/templating.py.
AKSEL_VERSION ?= 8.16.2
FONT_VERSION ?= 5.3.1

vendor-css: install
	$(BIN)/python -m web.vendor_css --aksel $(AKSEL_VERSION) --font $(FONT_VERSION)
