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

.PHONY: run test lint typecheck pytest bench install install-dev assets rundeps sysdeps migrate demo clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-dev: $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'

# Front-end assets come from the npm registry, pinned by package-lock.json.
assets:
	@command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq nodejs npm)
	@[ -d node_modules/bootstrap ] && [ -d node_modules/htmx.org ] && [ -d node_modules/chart.js ] \
		|| npm ci --no-audit --no-fund --loglevel=error

# Debian libraries WeasyPrint renders PDFs with.
rundeps:
	@ldconfig -p | grep -q libpangoft2-1.0 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core >/dev/null)

# Debian packages the browser tests need (Chromium is driven by Playwright, never downloaded).
sysdeps: rundeps
	@[ -x /usr/bin/chromium ] || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq chromium >/dev/null)

migrate: install assets rundeps
	@mkdir -p var
	$(BIN)/encaisse migrate --noinput -v0

demo: migrate
	$(BIN)/encaisse demo $(DEMO_ARGS) --if-absent

run: demo
	@echo ""
	@echo "  encaisse runs at http://$(HOST)/  (demo login: demo / demo)"
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
	rm -rf $(VENV) node_modules var

# Refresh the French catalogue after changing UI strings (needs Debian's gettext).
messages: install-dev
	cd src/encaisse && ../../$(BIN)/encaisse makemessages -l fr --no-obsolete -i "*/tests/*" \
		&& ../../$(BIN)/encaisse compilemessages
