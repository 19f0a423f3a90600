# encaisse: `make run` (set up, demo data, serve) and `make test` (set up, lint, tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
DEMO_ARGS ?= --customers 150 --invoices 3000 --seed 1
export PYTHONDONTWRITEBYTECODE := 1
# make is the development entry point: DEBUG=1 gives the development defaults (plain http on
# 127.0.0.1, the development key, the demo users). With DEBUG off the app is in production and
# refuses to start without its own SECRET_KEY (README, "Deploy").
export DEBUG ?= 1

.PHONY: run test lint typecheck pytest bench install install-dev assets rundeps sysdeps migrate demo clean messages lock wheel

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Python dependencies are pinned with their hashes in requirements/*.txt (ADR 11): a new release
# of a dependency changes nothing until `make lock`. Each set is installed again only when its
# lock file or pyproject.toml changed (stamp files in the venv).
$(VENV)/.installed-base: requirements/base.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements/base.txt
	$(BIN)/pip install -q --no-deps -e .
	$(BIN)/pip check >/dev/null || { $(BIN)/pip check; echo "requirements/ is stale: make lock"; exit 1; }
	@touch $@

$(VENV)/.installed-dev: requirements/dev.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements/dev.txt
	$(BIN)/pip install -q --no-deps -e .
	$(BIN)/pip check >/dev/null || { $(BIN)/pip check; echo "requirements/ is stale: make lock"; exit 1; }
	@touch $@ $(VENV)/.installed-base

install: $(VENV)/.installed-base

install-dev: $(VENV)/.installed-dev

# Refresh the lock files from pyproject.toml (newest releases allowed by its bounds, from PyPI).
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	--index-url https://pypi.org/simple --no-config --quiet --custom-compile-command "make lock"
lock: $(BIN)/python
	$(BIN)/pip install -q uv
	@mkdir -p requirements
	$(UV_COMPILE) $(LOCK_ARGS) -o requirements/base.txt
	$(UV_COMPILE) $(LOCK_ARGS) --extra dev --constraint requirements/base.txt -o requirements/dev.txt

# A wheel that runs outside the checkout: it carries the vendored front-end files.
wheel: assets $(BIN)/python
	$(BIN)/pip wheel -q --no-deps -w dist .

# Front-end assets come from the npm registry, pinned by package-lock.json; the files the pages
# use are copied into the package (web/static/vendor/, gitignored) so that a wheel carries them.
VENDOR := src/encaisse/web/static/vendor
VENDOR_FILES := $(VENDOR)/bootstrap/css/bootstrap.min.css $(VENDOR)/bootstrap/js/bootstrap.bundle.min.js \
	$(VENDOR)/htmx/htmx.min.js $(VENDOR)/chartjs/chart.umd.js
assets: $(VENDOR_FILES)

node_modules/.package-lock.json: package-lock.json
	@command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq nodejs npm)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(VENDOR)/bootstrap/%: node_modules/.package-lock.json
	@mkdir -p $(dir $@) && cp node_modules/bootstrap/dist/$* $@
$(VENDOR)/htmx/%: node_modules/.package-lock.json
	@mkdir -p $(dir $@) && cp node_modules/htmx.org/dist/$* $@
$(VENDOR)/chartjs/%: node_modules/.package-lock.json
	@mkdir -p $(dir $@) && cp node_modules/chart.js/dist/$* $@

# Debian libraries WeasyPrint renders PDFs with: each one is checked, the missing ones installed.
RUNDEPS := libpango-1.0.so.0:libpango-1.0-0 libpangoft2-1.0.so.0:libpangoft2-1.0-0 \
	libharfbuzz-subset.so.0:libharfbuzz-subset0
rundeps:
	@missing=""; for dep in $(RUNDEPS); do \
		ldconfig -p | grep -q "$${dep%%:*}" || missing="$$missing $${dep#*:}"; done; \
	fc-list 2>/dev/null | grep -qi dejavu || missing="$$missing fonts-dejavu-core fontconfig"; \
	[ -z "$$missing" ] || { echo "Installing$$missing"; apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; }

# Debian packages the browser tests need (Chromium is driven by Playwright, never downloaded).
sysdeps: rundeps
	@[ -x /usr/bin/chromium ] || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq chromium >/dev/null)

migrate: install assets rundeps
	@mkdir -p var/static
	$(BIN)/encaisse migrate --noinput -v0

demo: migrate
	$(BIN)/encaisse demo $(DEMO_ARGS) --if-absent

run: demo
	@echo ""
	@echo "  encaisse runs at http://$(HOST)/  (demo login: demo / demo)"
	@echo "  the encaisse command: $(BIN)/encaisse, or run: source $(BIN)/activate"
	@echo ""
	$(BIN)/encaisse runserver $(HOST)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	cd src && ../$(BIN)/encaisse makemigrations --check --dry-run -v0

typecheck: install-dev
	$(BIN)/mypy

pytest: install-dev assets sysdeps
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

# Each bench/*.py prints its own figures (never timed assertions in tests). Measured with DEBUG
# off, as a server runs (DEBUG on logs every query), over plain http on 127.0.0.1.
bench: export DEBUG := 0
bench: export SECRET_KEY := bench-only-key-never-served-0123456789-abcdefghijklmnopqrstuvwxyz
bench: export SECURE_SSL_REDIRECT := 0
bench: export SESSION_COOKIE_SECURE := 0
bench: export CSRF_COOKIE_SECURE := 0
bench: install-dev assets rundeps
	@for script in bench/*.py; do echo "=== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules var $(VENDOR) dist build

# Refresh the French catalogue after changing UI strings (needs Debian's gettext).
messages: install-dev
	cd src/encaisse && ../../$(BIN)/encaisse makemessages -l fr --no-obsolete -i "*/tests/*" \
		&& ../../$(BIN)/encaisse compilemessages
