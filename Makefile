# Territoire — the two commands that are always true: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo install system-deps test test-fast lint format messages check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## The system libraries the PDF reports need (Pango, HarfBuzz-subset) and gettext, installed when
## missing (as root or through sudo); scripts/system-deps.sh says what it would install.
system-deps:
	bash scripts/system-deps.sh

## Run the platform on SQLite with the Roubaix demo, tasks in-process: http://127.0.0.1:8000
demo: system-deps install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## Tests run in parallel, one process per core (pytest-xdist; each has its own test database);
## tests marked xdist_group run in one process. TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(TEST_WORKERS) --dist loadgroup

## The whole suite, browser journey included (skipped with a message when Chromium is missing).
## In CI (CI=true) coverage is measured too, and the run fails under the floor written in
## pyproject.toml ([tool.coverage.report] fail_under), which only goes up.
COV_ARGS := $(if $(filter true 1 yes,$(CI)),--cov --cov-report=term:skip-covered,)
test: system-deps install
	$(BIN)/pytest $(PYTEST_PARALLEL) $(COV_ARGS)

## Everything but the browser tests
test-fast: system-deps install
	$(BIN)/pytest $(PYTEST_PARALLEL) -m "not browser"

## What pre-commit runs too (.pre-commit-config.yaml): style, formatting, migrations, the
## import contracts of pyproject.toml ([tool.importlinter]: apps and modules in their layers)
## and type checking ([tool.mypy]: mypy with django-stubs on the apps, zero errors)
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Refresh the English catalogue after changing strings, and the French plural forms written from
## it (scripts/french_plurals.py); compiled .mo files are committed
messages: install
	$(BIN)/python manage.py makemessages -l en --ignore ".venv/*" --ignore "tests/*"
	$(BIN)/python scripts/french_plurals.py
	$(BIN)/python manage.py compilemessages -l en -l fr --ignore ".venv/*"

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles tests/artifacts

## Play the launch evening against gunicorn + PostgreSQL for a bounded time, then check the
## database (bench/README.md). Needs PostgreSQL (127.0.0.1:5432, user postgres, trust) and Redis
## (127.0.0.1:6379) up; uses the database territoire_bench and Redis DB 15, both wiped first.
.PHONY: bench-night
bench-night: install
	$(BIN)/python -m bench.night $(BENCH_ARGS)

## The accompaniment's daily reminder sweep over 3,000 projects and 150,000 milestones: time,
## queries, peak memory, then the exactly-once checks (bench/README.md). Needs PostgreSQL
## (127.0.0.1:5432, user postgres, trust); uses the database territoire_bench_reminders, dropped after.
.PHONY: bench-reminders
bench-reminders: install
	$(BIN)/python -m bench.reminders $(BENCH_ARGS)

## The synthesis of debates of a 30-table evening (~45 pages) rendered to PDF: time a page with
## the gathering included, peak memory, beside WeasyPrint alone on a plain document of the same
## length (bench/README.md). Needs PostgreSQL (127.0.0.1:5432, user postgres, trust); uses the
## database territoire_bench_reports, dropped after.
.PHONY: bench-reports
bench-reports: install
	$(BIN)/python -m bench.reports $(BENCH_ARGS)

## A territory's impact page (issue 13) at 100 territories, 3,000 projects, 150,000 milestones and
## 20,000 job records, served by gunicorn: cold and warm, narrowed by a challenge and a period,
## latency beside the same server's trivial view, queries at 1 territory and at 100
## (bench/README.md). Needs PostgreSQL (127.0.0.1:5432, user postgres, trust) and Redis
## (127.0.0.1:6379); uses the database territoire_bench_dashboard (dropped after) and Redis DB 15.
.PHONY: bench-dashboard
bench-dashboard: install
	$(BIN)/python -m bench.dashboard $(BENCH_ARGS)

## The pages that grow with a territory (issue 15) at 1x, 10x and 100x, served by gunicorn: bytes,
## queries and time of the facilitator console, the control room, the plenary (and their polls),
## the lists and the sign-ups CSV beside the same server's trivial view, then the budgets checked
## (exit 1 when one is missed; bench/README.md). Needs PostgreSQL (127.0.0.1:5432, user postgres,
## trust) and Redis (127.0.0.1:6379); uses the database territoire_bench_pages (dropped after)
## and Redis DB 15. A quick run: make bench-pages BENCH_ARGS="--sizes 1,10"
.PHONY: bench-pages
bench-pages: install
	$(BIN)/python -m bench.pages $(BENCH_ARGS)
