# Học Số — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
# The public base URL printed in certificates (QR code) and e-mails: the port `make run` serves on,
# unless SITE_URL is already set (a tunnel, a LAN address).
SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test setup setup-test lint check system-test-deps clean requirements bench bench-smoke bench-deps quality quality-deps load

## make run: install, migrate, seed demo data, start web + Celery worker + beat.
run: setup
	@SITE_URL=$(SITE_URL) $(PY) manage.py seed_demo
	@echo "Học Số: http://127.0.0.1:$(PORT)/  (Ctrl+C to stop web, worker and beat)"
	HOCSO_PORT=$(PORT) SITE_URL=$(SITE_URL) $(VENV)/bin/honcho start -f Procfile

## make test: install what the tests need and run the whole suite.
test: setup-test
	DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) -m pytest $(PYTEST_ARGS)

$(VENV)/.requirements: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --require-hashes -r requirements.txt
	touch $@

$(VENV)/.requirements-dev: requirements-dev.txt requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	touch $@ $(VENV)/.requirements

setup: $(VENV)/.requirements
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=var --ignore=node_modules -v 0
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --noinput -v 0

setup-test: $(VENV)/.requirements-dev system-test-deps node_modules/.installed
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=var --ignore=node_modules -v 0

## Test-only JavaScript (axe-core for the browser journey suite), pinned in package-lock.json;
## reinstalled when the lock file changes. npm comes from Debian if it is missing.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "Installing: npm"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Debian packages the browser and PDF tests use (installed only if missing).
SYSTEM_TEST_PACKAGES := chromium poppler-utils zbar-tools fonts-liberation2
system-test-deps:
	@missing=""; \
	for pkg in $(SYSTEM_TEST_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

## make bench: the issue-12 figures at 1 %, 10 % and 100 % of a province on PostgreSQL + Redis
## (127.0.0.1:5432 as postgres, 127.0.0.1:6379), one table, also in bench/RESULTS.md.
## BENCH_ARGS="--scales 1 --duration 5" for a shorter run; see bench/README.md.
BENCH_PACKAGES := wrk iproute2
bench-deps:
	@missing=""; \
	for pkg in $(BENCH_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

bench: $(VENV)/.requirements-dev bench-deps
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=var --ignore=node_modules -v 0
	$(PY) bench/run.py $(BENCH_ARGS)

## make bench-smoke: the harness on a tiny PostgreSQL dataset (< 2 minutes): query counts constant
## as the data grows, the anonymous page cache invalidated on publish, gunicorn serving; no timings.
bench-smoke: $(VENV)/.requirements-dev bench-deps
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=var --ignore=node_modules -v 0
	$(PY) bench/smoke.py

## make load: 200 simulated learners (locust, headless) each going once through sign-in, enrolment,
## every lesson and the final quiz against gunicorn with production settings on PostgreSQL + Redis
## (BENCH_POSTGRES / BENCH_REDIS as bench-smoke); fails on any lost write, any 5xx or any journey
## not completed. LOAD_ARGS="--users 50" for a shorter run; see bench/README.md.
load: $(VENV)/.requirements-dev
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=var --ignore=node_modules -v 0
	$(PY) bench/load.py $(LOAD_ARGS)

## make quality: the issue-13 quality gates on the demo site served by gunicorn (production settings,
## var/quality/): the Nu HTML checker and Lighthouse 12 mobile, page by page; one table, also in
## bench/QUALITY.md. The tools are pinned in bench/package-lock.json and installed by `npm ci`
## (vnu-jar's Java-downloading postinstall script is skipped: Debian's Java runs vnu.jar).
## QUALITY_ARGS="--runs 2" (median of two Lighthouse runs), "--pages lesson,quiz", "--fresh".
QUALITY_PACKAGES := chromium openjdk-17-jre-headless
quality-deps:
	@missing=""; \
	for pkg in $(QUALITY_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

bench/node_modules/.installed: bench/package.json bench/package-lock.json
	npm ci --prefix bench --ignore-scripts --no-audit --no-fund
	touch $@

quality: $(VENV)/.requirements quality-deps bench/node_modules/.installed
	CHROME_PATH=/usr/bin/chromium $(PY) bench/quality.py $(QUALITY_ARGS)

## bandit over the deployed code ([tool.bandit] in pyproject.toml). Its "nosec encountered, but no
## failed test" lines are a known bandit bug (PyCQA/bandit#1041) on lines holding several nodes.
BANDIT_TARGETS := lms cms courses quizzes certificates coordination signlab manage.py
BANDIT := $(VENV)/bin/bandit -c pyproject.toml -q -r $(BANDIT_TARGETS)
lint: $(VENV)/.requirements-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) docs/import_graph.py --check
	$(BANDIT)

check: $(VENV)/.requirements-dev
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

## make requirements: recompile the hashed requirements.txt and requirements-dev.txt from
## requirements.in / requirements-dev.in, keeping every pin the .txt files already have.
## Upgrade a transitive pin: make requirements PIP_COMPILE_ARGS="--upgrade-package NAME"
## (a top-level one: change its pin in the .in file first).
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make requirements" $(VENV)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
requirements: $(VENV)/.requirements-dev
	$(PIP_COMPILE) $(PIP_COMPILE_ARGS) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) $(PIP_COMPILE_ARGS) --output-file requirements-dev.txt requirements-dev.in

clean:
	rm -rf var
