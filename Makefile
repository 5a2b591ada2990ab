# The two commands a newcomer runs: `make demo` and `make test`. Each creates .venv itself.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo test typecheck newcomer screenshots docs docs-check matrix bench chaos lint services system-packages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.demo: requirements/demo.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/demo.txt
	touch $@

$(VENV)/.bench: requirements/bench.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/bench.txt
	touch $@

$(VENV)/.test: requirements/test.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/test.txt
	touch $@

# mypy and the stubs go into the test environment: the django-stubs plugin imports tests.settings.
$(VENV)/.typing: requirements/typing.txt requirements/test.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/typing.txt
	touch $@

# The docs tools go into the same .venv: one environment to set up in CI.
$(VENV)/.docs: requirements/docs.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/docs.txt
	touch $@

## Start the example project on http://127.0.0.1:$(PORT)/ with the offline Conductor sandbox.
DEMO_ENV := CONDUCTOR_SANDBOX=1 CONDUCTOR_BASE_URL=http://127.0.0.1:$(PORT)/sandbox/v1 CODAT_BASE_URL=http://127.0.0.1:$(PORT)/codat-sandbox

demo: $(VENV)/.demo
	$(DEMO_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEMO_ENV) $(BIN)/python manage.py demo_accounts
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Host projects shaped unlike the example (tests/hosts): tests/shapes runs in each of them too.
SHAPES := tests.hosts.organizations.settings tests.hosts.uuid_email.settings

## The whole suite: lint, SQLite and PostgreSQL, end to end in chromium, in every host shape.
test: $(VENV)/.test $(VENV)/.typing services system-packages
	$(BIN)/ruff check .
	@$(MAKE) --no-print-directory typecheck
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=tests.settings
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=tests.hosts.uuid_email.settings
	$(BIN)/pytest
	CONDUCTOR_TEST_DB=postgres $(BIN)/pytest
	@for shape in $(SHAPES); do \
	  echo "== tests/shapes in $$shape (SQLite, then PostgreSQL)"; \
	  $(BIN)/pytest -q tests/shapes --ds=$$shape || exit 1; \
	  CONDUCTOR_TEST_DB=postgres $(BIN)/pytest -q tests/shapes --ds=$$shape || exit 1; \
	done

## mypy, strict, with the django-stubs and DRF plugins, over the package and tests/typecheck
## (the public API as a host uses it); docs/typing.md lists the relaxations.
typecheck: $(VENV)/.typing
	$(BIN)/mypy

## The README's quickstart on the built wheel, in fresh projects and virtualenvs: Django 5.2 on
## Python 3.11/3.12/3.13, Django 6.0 and 6.1; chromium on the first leg (scripts/newcomer.py).
newcomer: $(VENV)/.test system-packages
	$(BIN)/python scripts/newcomer.py

## Refresh the screenshots in docs/images/ (the newcomer's first leg, in chromium).
screenshots: $(VENV)/.test system-packages
	$(BIN)/python scripts/newcomer.py --legs 3.11 --screenshots docs/images

## Build and serve the documentation on http://127.0.0.1:8001/, rebuilding on change.
docs: $(VENV)/.docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8001

## Build the documentation strictly, as CI does (into site/).
docs-check: $(VENV)/.docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

## The Django 6 legs of the version matrix (Python 3.12/3.13, SQLite and PostgreSQL), via nox.
matrix: $(VENV)/.test services system-packages
	$(BIN)/nox -t django6

## Debian's chromium (browser tests) and gettext (catalog test); skipped where they cannot be had.
system-packages:
	@bash scripts/system-packages.sh

## Start PostgreSQL and Redis where they are installed but not running.
services:
	@bash scripts/services.sh

## Benchmarks against the sandbox on gunicorn (about 5 minutes); rewrites docs/benchmarks.md.
## `make bench BENCH_ARGS=--quick` is a 20-second smoke run.
bench: $(VENV)/.bench
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) ; } || \
	  echo "wrk not installed: the settings-page benchmark uses Python threads"
	$(BIN)/python -m bench $(BENCH_ARGS)

## The chaos run (about 2 minutes; needs PostgreSQL): 300 sign-ups over HTTP while Conductor
## misbehaves; prints its figures (see docs/production.md). `make chaos CHAOS_ARGS=--signups=50`.
chaos: $(VENV)/.bench services
	$(BIN)/python -m bench.chaos $(CHAOS_ARGS)

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .nox example.sqlite3 test-artifacts site dist
