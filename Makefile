# The commands of the README. Every target sets up what it needs itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
NODE := node_modules/.installed

.PHONY: demo test lint fmt lock clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade "pip>=24"

$(RUNTIME): $(VENV)/bin/python pyproject.toml constraints.txt
	$(BIN)/pip install -q -c constraints.txt -e .
	touch $@

$(DEV): $(RUNTIME)
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

$(NODE): package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

demo: $(RUNTIME)
	$(BIN)/turnout demo

test: $(DEV) $(NODE)
	$(MAKE) --no-print-directory lint
	$(BIN)/python -m tests.run

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m tests.layers

fmt: $(DEV)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh constraints.txt after changing pyproject.toml's dependencies.
lock: $(VENV)/bin/python
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

clean:
	rm -rf $(VENV) node_modules var/static
