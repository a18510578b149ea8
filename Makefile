# Journey: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
AXE := tests/browser/node_modules/axe-core/axe.min.js

.PHONY: run test bench lint format install install-dev system-run system-test

run: system-run $(VENV)/.installed
	$(BIN)/journey db upgrade
	$(BIN)/journey demo
	$(BIN)/journey run --host $(HOST) --port $(PORT)

test: system-test $(VENV)/.installed-dev $(AXE)
	$(BIN)/ruff check journey tests
	$(BIN)/ruff format --check journey tests
	$(BIN)/bandit --quiet --recursive journey --severity-level medium
	$(BIN)/journey check-world worlds/*.yaml worlds/samples/*.yaml worlds/library/*.md worlds/en/*.yaml worlds/en/samples/*.yaml worlds/en/library/*.md
	$(BIN)/pytest

# Pages under load (gunicorn, wrk, SQLite and PostgreSQL) against a bare Flask endpoint;
# not part of `make test`, which runs its quick mode (tests/test_bench.py).
# Options: make bench BENCH_ARGS="--backend sqlite --duration 5" (python -m tests.bench --help).
bench: system-test $(VENV)/.installed-dev
	$(BIN)/python -m tests.bench $(BENCH_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check journey tests

format: $(VENV)/.installed-dev
	$(BIN)/ruff format journey tests
	$(BIN)/ruff check --fix journey tests

# The Debian packages beyond Python (PDF export; for the tests also Chromium and Redis):
# installed where missing, or the exact command to run is printed.
system-run:
	bash .ci/system-packages run

system-test:
	bash .ci/system-packages test

# axe-core for the browser tests' accessibility checks, pinned in tests/browser/package-lock.json
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python setup.cfg pyproject.toml $(wildcard journey/translations/*/LC_MESSAGES/messages.po)
	$(BIN)/pip install --quiet -e .
	$(BIN)/pybabel compile -d journey/translations
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev,postgres]'
	touch $@
