# DVPO Desk. The two commands a new machine needs: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := FLASK_APP=wsgi.py $(VENV)/bin/flask
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test test-browser-clocks bench bench-scale bench-http simulate lint venv migrate seed

venv:
	@scripts/ensure-venv

# On PostgreSQL set MIGRATION_DATABASE_URL (the tables' owner) as well as DATABASE_URL (the
# app's role, which the migrations then grant its privileges): README, "Production: database roles".
migrate: venv
	@mkdir -p instance
	@$(FLASK) db upgrade
	@$(FLASK) clocks refresh >/dev/null

seed: migrate
	@$(FLASK) seed-demo

## Start the app on its embedded defaults: SQLite in instance/, demo data, scheduler in-process.
run: seed
	@echo "DVPO Desk on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	@$(FLASK) serve --host $(HOST) --port $(PORT)

## The whole suite: unit, integration (SQLite, and PostgreSQL where it can start one), browser.
test: venv
	@scripts/run-tests

## The browser suite three times, the live app's clock starting at three awkward moments
## (London time): a Tuesday 10:00, a Friday 20:30, the Thursday before Easter 2027 at 23:50.
CLOCK_STARTS := 2026-11-17T10:00 2026-11-20T20:30 2027-03-25T23:50
test-browser-clocks: venv
	@scripts/ensure-chromium
	@for start in $(CLOCK_STARTS); do \
		echo "== browser suite, clock starting $$start"; \
		DVPO_TEST_CLOCK_START=$$start $(PY) -m pytest tests/browser -q -p no:cacheprovider || exit 1; \
	done

bench: venv
	@$(PY) -m tests.benchmarks.dashboard

## The dashboard at 10 and 10,000 cases judged by ratios in one run (make bench runs it first).
bench-scale: venv
	@$(PY) -m tests.benchmarks.scale

## Gunicorn on PostgreSQL at 10,000 cases with 50 concurrent users (README: make bench-http).
bench-http: venv
	@scripts/with-postgres $(PY) -m tests.benchmarks.http_load

## A national year on a virtual clock through gunicorn, the scheduler's jobs and PostgreSQL
## (README, "Simulating a national year"); SIM_SCALE=0.1 for a tenth of the volume.
simulate: venv
	@scripts/with-postgres $(PY) -m tests.simulation

lint: venv
	@echo "ruff check"
	@$(VENV)/bin/ruff check app tests migrations
