# Two commands set everything up: `make run` (demo site) and `make test`.
# Needs Python 3.13 (see .python-version) and make; uv is installed locally.

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
UV := .tools/bin/uv
MANAGE := $(VENV)/bin/python manage.py
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test test-dates lint format bench install clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.8

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --quiet
	touch $@

install: $(VENV)/.synced

# axe-core for the accessibility tests and vnu-jar (the W3C Nu HTML Checker,
# run with Debian's Java) for the validity test (npm registry, pinned in
# package-lock.json). No install scripts: vnu-jar's would download a Java.
# Without npm the browser tests are skipped locally; CI installs it.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --ignore-scripts --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the browser tests will be skipped"; fi

staticfiles/staticfiles.json: $(VENV)/.synced $(shell find static -type f)
	$(MANAGE) collectstatic --noinput --verbosity 0

## Demo site on SQLite, with the demo data and a back-office login.
run: export DEBUG ?= true
run: install staticfiles/staticfiles.json
	$(MANAGE) migrate --verbosity 0
	$(MANAGE) load_communes
	$(MANAGE) load_demo
	@echo "Site: http://127.0.0.1:$(PORT)/  ·  back office: http://127.0.0.1:$(PORT)/$${ADMIN_URL:-admin/}"
	@# The background worker beside the site, as in production (emails,
	@# invoice runs); stopped with the site (Ctrl+C). It does not reload on
	@# code changes: stop and run again.
	@$(MANAGE) db_worker --no-reload --interval 0.5 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

## The whole test suite (DATABASE_URL chooses the database; SQLite by default),
## on WORKERS processes (pytest-xdist; WORKERS=0 runs in this one; tests marked
## xdist_group("name") share one worker).
## PYTEST_ARGS selects: a file, a folder, a test, -m "not engine_independent"...
WORKERS ?= 2
PYTEST_ARGS ?=
test: export SECRET_KEY ?= insecure-key-for-tests-only
test: install staticfiles/staticfiles.json node_modules/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest -n $(WORKERS) --dist loadgroup $(PYTEST_ARGS)

## The tests that read today's date (marker `dates`) at instants that broke
## calendars elsewhere, in Paris time: the night the clocks go back (25 October
## 2026, 02:50 CEST; a month whose neighbour, September, has one digit), 31 December 23:30,
## 1 January 00:05 (still 31 December in UTC), the night the clocks go forward
## (28 March 2027, 01:50 CET), 29 February 2028. libfaketime shifts the clock
## of every process (live server, Chromium, gunicorn) by the same offset.
## Only the modules that hold such tests are collected (a tenth of the
## suite's collection time); DATES_ARGS="tests" runs the whole suite at each instant.
DATES ?= 2026-10-25T00:50:00Z 2026-12-31T22:30:00Z 2026-12-31T23:05:00Z \
	2027-03-28T00:50:00Z 2028-02-29T11:00:00Z
DATES_ARGS ?= -m dates $(shell grep -rl --include='test_*.py' 'mark\.dates' tests)
test-dates: export SECRET_KEY ?= insecure-key-for-tests-only
test-dates: install staticfiles/staticfiles.json node_modules/.installed
	@command -v faketime >/dev/null || { echo "faketime not found: apt-get install faketime"; exit 1; }
	@failed=""; for instant in $(DATES); do \
		offset=$$(( $$(date -ud "$$instant" +%s) - $$(date -u +%s) )); \
		echo "== $$(TZ=Europe/Paris date -d "$$instant" '+%A %-d %B %Y %H:%M %Z') (Paris) =="; \
		case $$offset in -*) ;; *) offset="+$$offset";; esac; \
		faketime -f "$$offset" $(VENV)/bin/pytest -q -n $(WORKERS) -p no:cacheprovider \
			$(DATES_ARGS) $(PYTEST_ARGS) || failed="$$failed $$instant"; \
	done; \
	if [ -n "$$failed" ]; then echo "Failed at:$$failed"; exit 1; fi

## Benchmark (a command, not a test): BENCH_EVENTS events (default 5,000) in a throwaway SQLite
## database, gunicorn on 127.0.0.1, wrk. BENCH_SECONDS per URL (default 10).
bench: export SECRET_KEY ?= insecure-key-for-collectstatic-only
bench: install staticfiles/staticfiles.json
	$(VENV)/bin/python -m bench.run

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) .tools staticfiles .pytest_cache node_modules
