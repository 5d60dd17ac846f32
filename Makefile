# Everything a fresh clone needs: `make run` serves the site, `make test` proves it.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HONCHO := $(VENV)/bin/honcho
PYTHON ?= python3

.PHONY: run test lint format setup deps dev-deps chromium java clean

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

# Ctrl-C stops both processes; that is how a run ends, so it ends with status 0, not as an error.
run: setup
	@echo "Serving on http://127.0.0.1:8000/ (admin at /admin/). Ctrl-C stops everything."
	@trap 'echo Stopped.; exit 0' INT TERM; PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(HONCHO) start --no-prefix; status=$$?; \
	  case $$status in 130|143) echo "Stopped.";; *) exit $$status;; esac

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Debian's chromium: sudo apt-get install chromium"; \
	  fi; \
	fi

# The HTML validator (vnu) runs on Java.
java:
	@if ! command -v java >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else \
	    echo "The HTML-validity test needs Java: sudo apt-get install default-jre-headless"; \
	  fi; \
	fi

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: dev-deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: dev-deps chromium java lint
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -m 'not proxy'

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# Lighthouse (mobile) on the comparison page, served as `make run` serves it; prints the four scores.
.PHONY: audit
audit: setup
	scripts/audit.sh

# Debian's wrk for `make bench` (installed when running as root).
wrk:
	@if [ ! -x /usr/bin/wrk ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else \
	    echo "make bench needs Debian's wrk: sudo apt-get install wrk"; exit 1; \
	  fi; \
	fi

# Serves the site as `make run` does (throwaway copy of the data) and measures it with wrk on loopback,
# also through the shipped nginx config.
bench: setup dev-deps wrk nginx
	$(PY) scripts/bench.py

# 32 clients post for 30 s, then one gunicorn worker is killed mid-load; loopback only, bounded.
soak: setup
	$(PY) scripts/soak.py

.PHONY: wrk bench soak

# The whole suite again on PostgreSQL and Redis, as a fleet runs it (pytest-django creates and drops
# test_<name>; Redis DB 15 is the tests' own). Either one unreachable: a skip, or a failure under CI=true.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

test-postgres: dev-deps chromium java
	@reason="$$($(PY) -c 'import sys; from tests.conftest import unreachable_services as u; print(u(*sys.argv[1:]))' \
	    '$(TEST_DATABASE_URL)' '$(TEST_REDIS_URL)')" || exit 1; \
	if [ -n "$$reason" ]; then \
	  if [ "$${CI:-}" = true ]; then echo "test-postgres FAILED: $$reason. CI must provide both." >&2; exit 1; fi; \
	  echo "test-postgres SKIPPED: $$reason."; exit 0; \
	fi; \
	echo "DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest -m 'not proxy'"; \
	DATABASE_URL='$(TEST_DATABASE_URL)' REDIS_URL='$(TEST_REDIS_URL)' $(VENV)/bin/pytest -m 'not proxy'

.PHONY: test-postgres

# Debian's nginx for make test-proxy and make bench (installed when running as root). The tests run their own
# nginx on loopback with a temp prefix; they never read /etc/nginx nor use the package's own service.
nginx:
	@if [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	  else \
	    echo "make test-proxy needs Debian's nginx: sudo apt-get install nginx"; \
	  fi; \
	fi

# config/nginx.conf in front of gunicorn on loopback (tests/test_proxy.py), on PostgreSQL and Redis as a fleet
# runs when both answer, else on SQLite; under CI=true both must answer, and nginx must be there.
test-proxy: dev-deps nginx
	@reason="$$($(PY) -c 'import sys; from tests.conftest import unreachable_services as u; print(u(*sys.argv[1:]))' \
	    '$(TEST_DATABASE_URL)' '$(TEST_REDIS_URL)')" || exit 1; \
	if [ -n "$$reason" ]; then \
	  if [ "$${CI:-}" = true ]; then echo "test-proxy FAILED: $$reason. CI must provide both." >&2; exit 1; fi; \
	  echo "test-proxy on SQLite: $$reason."; \
	  $(VENV)/bin/pytest -m proxy tests/test_proxy.py; \
	else \
	  echo "DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest -m proxy tests/test_proxy.py"; \
	  DATABASE_URL='$(TEST_DATABASE_URL)' REDIS_URL='$(TEST_REDIS_URL)' $(VENV)/bin/pytest -m proxy tests/test_proxy.py; \
	fi

.PHONY: nginx test-proxy
