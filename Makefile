# Two commands set up everything: `make` builds every seed issue into dist/ (again, only what
# changed), `make test` tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Libraries WeasyPrint loads at run time; harfbuzz-subset makes CJK font subsetting fast.
BUILD_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
# Tools the tests read outputs back with: poppler (pdffonts, pdftotext), and a JDK for
# epubcheck (tests/EpubcheckBatch.java checks every book of a test run in one Java process).
TEST_DEBS := poppler-utils default-jdk-headless

.PHONY: all build test lint bench clean

all: build

$(BIN)/typeset: pyproject.toml
	./scripts/ensure-system-packages $(BUILD_DEBS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: $(BIN)/typeset
	./scripts/ensure-system-packages $(TEST_DEBS)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

build: $(BIN)/typeset
	$(BIN)/typeset build seeds -o dist

test: $(VENV)/.test-installed
	$(BIN)/python -m pytest -q

lint: $(VENV)/.test-installed
	$(BIN)/ruff check typeset tests bench scripts

$(VENV)/.bench-installed: $(BIN)/typeset
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@

bench: $(VENV)/.bench-installed
	$(BIN)/python bench/run.py

clean:
	rm -rf dist
