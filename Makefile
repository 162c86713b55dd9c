# Clearline: `make run` and `make test` are the whole set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := node_modules/.installed
DEMO_DB := var/demo.db
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench dist screenshots postgres-tools browser-tools clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The console's map libraries (Leaflet, Natural Earth borders), from the npm registry.
$(VENDOR): package.json
	@command -v npm >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm; }
	npm install --no-audit --no-fund --no-save --loglevel=error
	touch $(VENDOR)

# A fresh demo theatre each time, played at 10x: the console at http://$(HOST):$(PORT)/.
run: $(STAMP) $(VENDOR)
	mkdir -p var
	$(BIN)/clearline demo --db $(DEMO_DB) --host $(HOST) --port $(PORT)

# The store and hotline tests run on SQLite and on a throw-away PostgreSQL from pg_virtualenv;
# the console's tests in Debian's Chromium, driven by Playwright.
test: $(STAMP) $(VENDOR) postgres-tools browser-tools
	pg_virtualenv -- sh -c 'CLEARLINE_TEST_POSTGRES="postgresql://$$PGUSER:$$PGPASSWORD@$$PGHOST:$${PGPORT:-5432}/$${PGDATABASE:-postgres}" CLEARLINE_REQUIRE_POSTGRES=1 $(BIN)/pytest $(PYTEST_ARGS)'

postgres-tools:
	@command -v pg_virtualenv >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql postgresql-common; }

browser-tools:
	@test -x /usr/bin/chromium || \
		{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# The console's screenshots in docs/, which the README shows: rewritten only when asked.
screenshots: $(STAMP) $(VENDOR) browser-tools
	CLEARLINE_SCREENSHOTS=$(CURDIR)/docs $(BIN)/pytest -m browser tests/console

lint: $(STAMP)
	$(BIN)/ruff check clearline tests bench
	$(BIN)/ruff format --check clearline tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/hotline.py
	$(BIN)/python bench/ledger.py
	$(BIN)/python bench/conflicts.py
	$(BIN)/python bench/tracks.py
	$(BIN)/python bench/attachments.py

# A wheel that carries the console's map libraries (setup.py copies them from node_modules).
dist: $(STAMP) $(VENDOR)
	$(BIN)/pip wheel . --no-deps --quiet --wheel-dir dist

clean:
	rm -rf $(VENV) var node_modules dist build clearline/console/vendor
