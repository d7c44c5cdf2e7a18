# The two commands: `make run` (set up everything and serve on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := campaign_portal.settings

.PHONY: run test venv dev-venv migrate seed check-system lint format ci-checks bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed
dev-venv: $(VENV)/.installed-dev

.env:
	@printf 'DEBUG=1\n' > .env
	@echo "Wrote .env with DEBUG=1 for a local run (delete it in production)."

check-system: venv
	@$(BIN)/python manage.py check_system

migrate: venv .env
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	PORTAL_DEVTOOLS=1 $(BIN)/python manage.py seed_demo

run: venv .env check-system seed
	$(BIN)/python manage.py run_portal --host $(HOST) --port $(PORT)

test: dev-venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: dev-venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: dev-venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

ci-checks: dev-venv
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .

# Benchmarks run on PostgreSQL (127.0.0.1:5432, user postgres) in databases of their own, with production
# settings (DEBUG off): a throw-away SECRET_KEY unless one is set, and static files collected first.
# BENCH_ARGS go to bench_load, e.g. `make bench BENCH_ARGS="--profile --strict"` (see README, Performance).
BENCH_DB ?= campaign_portal_bench
BENCH_ARGS ?=
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/$(BENCH_DB)
BENCH_SECRET_KEY := $(or $(SECRET_KEY),bench-$(shell head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'))
BENCH_ENV = DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=$(BENCH_SECRET_KEY) PORTAL_DEVTOOLS=1 \
	STATIC_ROOT=$(CURDIR)/var/bench-static

bench: dev-venv
	@createdb -h 127.0.0.1 -U postgres $(BENCH_DB) 2>/dev/null || true
	$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput -v0
	$(BENCH_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(BENCH_ENV) $(BIN)/python manage.py bench_reports
	$(BENCH_ENV) $(BIN)/python manage.py bench_load $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/portal.sqlite3* var/celery-* staticfiles
