# Arbeidsbro — all set-up is in these targets: `make run` and `make test` on a fresh machine.
PY ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint format install migrate clean

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

bench: install
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/arbeidsbro match bench --openings ../shared/bench/dev/openings.jsonl \
		--candidates ../shared/bench/dev/candidates.jsonl --qrels ../shared/bench/dev/qrels.jsonl \
		--out var/bench-dev-ranks.jsonl
	$(BIN)/arbeidsbro match titles-eval core/refdata/nav/yrkesbetegnelser_styrk08.tsv --folds 5
	$(BIN)/python benchmarks/bench_matching.py
	$(BIN)/python benchmarks/load.py --duration 120 --users 50

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var/*.db var/*.db-wal var/*.db-shm
