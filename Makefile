# DVPO Desk. The two commands a new machine needs: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := FLASK_APP=wsgi.py $(VENV)/bin/flask
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test test-unit test-integration test-browser bench lint venv migrate seed

venv:
	@scripts/ensure-venv

migrate: venv
	@mkdir -p instance
	@$(FLASK) db upgrade

seed: migrate
	@$(FLASK) seed-demo

## Start the app on its embedded defaults: SQLite in instance/, demo data, scheduler in-process.
run: seed
	@echo "DVPO Desk on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	@$(FLASK) serve --host $(HOST) --port $(PORT)

## The whole suite: unit, integration (SQLite, and PostgreSQL where it can start one), browser.
test: venv
	@scripts/run-tests

bench: venv
	@$(PY) -m tests.benchmarks.dashboard

lint: venv
	@echo "ruff check"
	@$(VENV)/bin/ruff check app tests
