# Two commands on a fresh machine with Python 3.12+: `make run` and `make test`.

PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: install run demo test lint format messages clean bench

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required (python3.13, python3.12 or python3)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(BIN)/.installed

# seed_demo --check first: never migrate a database the demo must not be written into.
demo: install
	$(BIN)/python manage.py seed_demo --check
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_regions
	$(BIN)/python manage.py seed_demo

run: demo
	@echo "Modal Usaha runs at http://$(HOST)/ (log in with a demo user above; Ctrl+C stops it)"
	$(BIN)/python manage.py runserver $(HOST)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (xgettext, msgfmt); the compiled catalogues are committed so set-up does not.
messages: install
	$(BIN)/python manage.py makemessages -l id --ignore=.venv --ignore=staticfiles --no-obsolete
	$(BIN)/python manage.py compilemessages -l id --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles artifacts .pytest_cache .test-media *.egg-info

# The pages at 1/100 and full national scale against /healthz (PostgreSQL at DATABASE_URL's
# server, default 127.0.0.1:5432); see benchmarks/bench.py. Not part of CI.
BENCH_ARGS ?=
bench: install
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)
