# The two commands: `make run` (set up everything and serve on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := campaign_portal.settings

.PHONY: run test venv dev-venv migrate seed check-system lint format ci-checks bench bench-national clean

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

# CI runs the suite on every core (pytest-xdist, one worker per core): each worker has its own test database,
# Redis database, var/ folder and port range (campaign_portal/test_workers.py); the slowest tests are handed out
# first, one at a time (conftest.py). PYTEST_WORKERS=0 runs it in one process; PYTEST_WORKERS=2 anywhere.
PYTEST_WORKERS ?= $(if $(filter true 1 yes,$(CI)),$(shell nproc 2>/dev/null || echo 2),0)
PYTEST_PARALLEL = $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist loadgroup --maxschedchunk 1)

test: dev-venv
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

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

# `make bench` runs every benchmark of issue 19 and ends with one table of all figures (bench_summary):
# the 250-unit province in-process (bench_reports) and through gunicorn (bench_load), then the national data
# set (~10,000 units of 34 provinces in <BENCH_DB>_national, seeded once — a few minutes — and kept between
# runs). SCALE=province or SCALE=national runs one part. BENCH_ARGS go to bench_load (the province),
# NATIONAL_ARGS to the national run (e.g. --reseed); --strict in BENCH_ARGS makes the summary's verdict the
# exit code.
SCALE ?= all
NATIONAL_ARGS ?=
BENCH_STARTED := $(shell date +%s)

bench: dev-venv
	@createdb -h 127.0.0.1 -U postgres $(BENCH_DB) 2>/dev/null || true
	$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput -v0
	$(BENCH_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
ifneq ($(SCALE),national)
	$(BENCH_ENV) $(BIN)/python manage.py bench_reports
	$(BENCH_ENV) $(BIN)/python manage.py bench_load $(filter-out --strict,$(BENCH_ARGS))
endif
ifneq ($(SCALE),province)
	$(BENCH_ENV) $(BIN)/python manage.py bench_load --scale national $(NATIONAL_ARGS)
endif
	$(BENCH_ENV) $(BIN)/python manage.py bench_summary --since $(BENCH_STARTED) $(filter --strict,$(BENCH_ARGS))

bench-national:
	$(MAKE) bench SCALE=national

clean:
	rm -rf $(VENV) var/portal.sqlite3* var/celery-* var/test-workers staticfiles
