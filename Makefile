# The commands of the README. Every target sets up what it needs itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
NODE := node_modules/.installed

.PHONY: demo test lint fmt lock clean messages

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
	$(BIN)/python -m tests.stylesheets

fmt: $(DEV)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Update the Ukrainian and Arabic catalogues from the source (new strings come in empty,
# changed ones fuzzy: translate them, see docs/translating.md) and compile them. Needs
# GNU gettext. `make test` fails until every entry is translated and compiled.
messages: $(DEV)
	cd turnout && TURNOUT_DEBUG=1 ../$(BIN)/django-admin makemessages --settings=turnout.settings \
		-l uk -l ar --add-location=file --no-obsolete --ignore "migrations/*"
	cd turnout && TURNOUT_DEBUG=1 ../$(BIN)/django-admin compilemessages --settings=turnout.settings

# Refresh constraints.txt after changing pyproject.toml's dependencies.
lock: $(VENV)/bin/python
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

clean:
	rm -rf $(VENV) node_modules var/static
