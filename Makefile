# Everything a fresh clone needs: `make run` serves the site, `make test` proves it.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HONCHO := $(VENV)/bin/honcho
PYTHON ?= python3

.PHONY: run test lint format setup deps dev-deps chromium clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.deps: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.deps

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

# A git-ignored .env with a fresh secret key, for serving plain HTTP on localhost.
.env: | $(VENV)/bin/python
	$(PY) scripts/make_env.py > $@
	@echo "Wrote .env (secret key generated; edit it to change settings)."

setup: deps .env
	$(HONCHO) run $(PY) manage.py migrate --noinput
	$(HONCHO) run $(PY) manage.py collectstatic --noinput --verbosity 0
	$(HONCHO) run $(PY) manage.py load_initial_data
	$(HONCHO) run $(PY) manage.py ensure_admin

run: setup
	@echo "Serving on http://127.0.0.1:8000/ (admin at /admin/). Ctrl-C stops everything."
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(HONCHO) start

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Debian's chromium: sudo apt-get install chromium"; \
	  fi; \
	fi

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: dev-deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: dev-deps chromium lint
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
