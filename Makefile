# 금융인증서비스 — the two commands of the README: `make run` and `make test`.
# Each target installs what is missing on a fresh machine of this kind (Debian, Python 3.11, Node).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help prepare prepare-production run serve serve-demo test test-sqlite test-pg test-hsm test-unit test-e2e sqlite-suite pg-suite hsm-suite \
	setup system-packages translations lint clean

help:
	@echo "make run    install what is missing, migrate, seed, serve on http://$(HOST):$(PORT)"
	@echo "make test   install what is missing (Chromium, PostgreSQL included), run unit and e2e tests"
	@echo "            on SQLite, then again on a throw-away PostgreSQL server"
	@echo "make serve  the production server: gunicorn with several worker processes (WORKERS=…), no test bed,"
	@echo "            no dev outbox (set FINCERT_ENV=production and what it asks for; see the README)"
	@echo "make serve-demo   the demo (test bed and dev outbox on) under gunicorn"
	@echo "make test-sqlite / make test-pg   one database only"
	@echo "make test-hsm   the key-store, CA, CRL/OCSP and stolen-database tests with the keys in a SoftHSM2 token"
	@echo "make translations   extract the Korean source strings again and merge them into the English catalog"

# --- installation (each step runs only when its inputs changed) ---

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# htmx comes from the pinned npm package, never from a CDN and never from git.
static/vendor/htmx.min.js: node_modules/.installed
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

# Debian packages the tests need: Chromium drives the e2e tests (Playwright never downloads a
# browser here), PostgreSQL is the production database and SoftHSM2 is a PKCS#11 token in
# software. One apt-get run installs whatever is missing, so that two never compete for the lock.
SYSTEM_PACKAGES := /usr/bin/curl=curl /usr/bin/chromium=chromium /usr/lib/postgresql=postgresql /usr/bin/softhsm2-util=softhsm2

system-packages:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
	  [ -e "$${pair%%=*}" ] || missing="$$missing $${pair##*=}"; done; \
	if [ -n "$$missing" ]; then \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

# The widget's English catalog (app/i18n.py): the .po is in git, the compiled .mo is built here.
TRANSLATIONS := app/translations
CATALOG := $(TRANSLATIONS)/en/LC_MESSAGES/messages
# How the Korean source strings are extracted; tests/test_translations.py reads this line and
# fails when the committed messages.pot is not what it extracts now.
EXTRACT_OPTIONS := -F babel.cfg -k lazy_gettext --add-location=file --sort-by-file --no-wrap --omit-header

$(CATALOG).mo: $(CATALOG).po $(VENV)/.runtime
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS) -l en

# After changing a Korean string: extract, merge into the catalog, then translate what is new or
# marked fuzzy in messages.po (the tests refuse a missing, empty or fuzzy translation).
translations: $(VENV)/.runtime
	$(BIN)/pybabel extract $(EXTRACT_OPTIONS) -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update --no-wrap -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l en

setup: $(VENV)/.runtime static/vendor/htmx.min.js $(CATALOG).mo

# --- the two commands ---

DEMO_ENV := FINCERT_TESTBED=1 FINCERT_DEV_OUTBOX=1
WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))

prepare: setup
	$(DEMO_ENV) $(BIN)/flask db upgrade
	$(DEMO_ENV) $(BIN)/flask seed
	$(DEMO_ENV) $(BIN)/flask ca init

run: prepare
	$(DEMO_ENV) $(BIN)/flask run --host $(HOST) --port $(PORT)

# Several worker processes sharing the database: app processes keep no state of their own.
# Sync workers (one request at a time, cores + 1 of them): each request is accepted by an idle
# worker, so the load spreads over the cores; threaded workers keep a keep-alive connection on the
# worker that accepted it, and one of two did 95% of the work in bench/load.py. Put a buffering
# reverse proxy (nginx) in front, as for any sync worker.
# The production server has no test bed and no dev outbox; with FINCERT_ENV=production the app
# refuses to start if either is on, if SMS would go to the embedded outbox, or without https.
GUNICORN := $(BIN)/gunicorn --worker-class sync --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app

serve: prepare-production
	$(GUNICORN)

prepare-production: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask seed
	$(BIN)/flask ca init

serve-demo: prepare
	$(DEMO_ENV) $(GUNICORN)

# pytest exits 5 when it collected no test; make treats that as the failure it is.
# The SQLite, PostgreSQL and SoftHSM2 suites run side by side, two at a time: the e2e tests mostly
# wait on the browser, so they share the two cores well (each has its own database, server ports,
# browser and token).
test: setup $(VENV)/.dev system-packages
	$(MAKE) --no-print-directory -j2 --output-sync=target sqlite-suite pg-suite hsm-suite

test-sqlite: setup $(VENV)/.dev system-packages sqlite-suite

test-pg: setup $(VENV)/.dev system-packages pg-suite

test-hsm: setup $(VENV)/.dev system-packages hsm-suite

sqlite-suite:
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest e2e

pg-suite:
	$(BIN)/python -m tests.pg_server -- $(BIN)/python -m pytest tests
	$(BIN)/python -m tests.pg_server -- $(BIN)/python -m pytest e2e --deselect e2e/test_hsm.py

# The whole app with its KEK and CA/OCSP/CRL keys in a throw-away SoftHSM2 token (tests/softhsm.py).
# The e2e login against an HSM-configured server (e2e/test_hsm.py) runs with the other e2e tests.
HSM_TESTS := tests/test_keystore.py tests/test_ca.py tests/test_crl.py tests/test_ocsp.py tests/test_pki_interop.py \
	tests/test_vid.py tests/test_stolen_database.py tests/test_hsm.py tests/test_certificate_profile.py

hsm-suite:
	$(BIN)/python -m tests.softhsm -- $(BIN)/python -m pytest $(HSM_TESTS)

test-unit: setup $(VENV)/.dev system-packages
	$(BIN)/python -m pytest tests

test-e2e: setup $(VENV)/.dev system-packages
	$(BIN)/python -m pytest e2e

lint: $(VENV)/.dev
	$(BIN)/ruff check app tests e2e bench wsgi.py

clean:
	rm -rf $(VENV) node_modules static/vendor e2e-artifacts .pytest_cache $(CATALOG).mo
