# rollcall — run `make help` to see what each target does.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_SMTP_PORT ?= 8025
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
# Suites that never touch the database run once, on the SQLite pass.
PG_SKIP := --ignore=tests/engine --ignore=tests/statutory --ignore=tests/policies

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	@touch $(STAMP)

.PHONY: install
install: $(STAMP) ## Create the virtual environment and install rollcall with its tools

.PHONY: assets
assets: ## Build the front end (GOV.UK Frontend + rollcall's styles) with npm and sass
	./scripts/build-assets.sh

.PHONY: migrate
migrate: install ## Create or update the database
	$(BIN)/rollcall migrate --no-input

.PHONY: demo
demo: install assets migrate ## Load the demo local authority and serve it at http://127.0.0.1:8000
	$(BIN)/rollcall demo --reset
	@echo "Serving rollcall at http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	@echo "Letters emailed to the demo's parents are kept in var/demo-mail (a Maildir), not sent"
	@# The worker runs letters in bulk from the task queue; a local SMTP server keeps the demo's
	@# emails in var/demo-mail; both stop when the server stops.
	@# The demo is served over plain HTTP on this machine: the one place cookies may go without HTTPS.
	@mkdir -p var
	$(BIN)/aiosmtpd -n -l 127.0.0.1:$(DEMO_SMTP_PORT) -c aiosmtpd.handlers.Mailbox var/demo-mail & mail=$$!; \
	export EMAIL_HOST=127.0.0.1 EMAIL_PORT=$(DEMO_SMTP_PORT); \
	$(BIN)/rollcall db_worker --queue-name '*' --no-reload & worker=$$!; \
	trap 'kill $$worker $$mail 2>/dev/null' EXIT INT TERM; \
	SECURE_COOKIES=false $(BIN)/rollcall runserver $(HOST):$(PORT) --noreload --skip-checks

.PHONY: lint
lint: install ## Lint and type-check (ruff, mypy, the view-query guard)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy rollcall
	$(BIN)/python scripts/check_views.py

.PHONY: format
format: install ## Reformat the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

.PHONY: test-sqlite
test-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest

.PHONY: test-postgres
test-postgres: install
	@if $(BIN)/python scripts/pg_ready.py "$(PG_URL)"; then \
		DATABASE_URL="$(PG_URL)" $(BIN)/pytest $(PG_SKIP); \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at $(PG_URL) is not reachable, and CI must test on it" >&2; exit 1; \
	else \
		echo "PostgreSQL at $(PG_URL) is not reachable: skipping the PostgreSQL run (CI never skips it)"; \
	fi

.PHONY: test
test: lint assets test-sqlite test-postgres ## Lint, type-check and run the whole suite on SQLite and PostgreSQL

.PHONY: bench
bench: install ## Run the benchmarks in benchmarks/ and print their figures
	$(BIN)/python -m benchmarks

.PHONY: clean
clean: ## Remove the virtual environment, node_modules and built files
	rm -rf $(VENV) node_modules rollcall/static/dist staticfiles
