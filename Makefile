# The two commands of the README:
#   make demo   set everything up, build the store from sample_logs/ and open the dashboard
#   make test   set everything up (incl. Debian's chromium) and run lint, types and tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo test lint fmt browser bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# bpmn.io's own BPMN parser, for the test that opens our .bpmn exports as bpmn.io does (needs node)
BPMNIO := tests/bpmnio/node_modules/.package-lock.json
$(BPMNIO): tests/bpmnio/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd tests/bpmnio && npm ci --no-audit --no-fund --silent; \
	else echo "node/npm missing: the bpmn.io parser test will be skipped" >&2; fi

setup: $(STAMP) $(BPMNIO)

demo: setup
	$(BIN)/proclens demo $(if $(PORT),--port $(PORT))

browser:
	@{ command -v chromium && command -v pdftotext; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk poppler-utils >/dev/null) \
	    || { echo "could not install Debian's chromium; browser tests will fail" >&2; }; \
	  else echo "chromium or pdftotext missing: run 'sudo apt-get install chromium chromium-driver fonts-noto-cjk poppler-utils'" >&2; fi; }

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: setup browser lint
	$(BIN)/pytest

bench: setup
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/analytics.py
