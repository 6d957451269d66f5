# Qihang: the commands a newcomer needs. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
APT_PACKAGES_RUN := gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk
APT_PACKAGES_SERVICES := $(APT_PACKAGES_RUN) postgresql redis-server curl
APT_PACKAGES_TEST := $(APT_PACKAGES_SERVICES) chromium

.PHONY: help run services services-stop test bench load faults lint format check messages venv clean

help:  ## List the commands
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

venv: $(BIN)/.installed  ## Create .venv and install Qihang with its development tools

messages: venv  ## Compile the translations
	@scripts/system-packages.sh $(APT_PACKAGES_RUN)
	$(MANAGE) compilemessages --verbosity 0 --ignore=.venv --ignore=var --ignore=node_modules

run: venv messages  ## Run Qihang with demo data on SQLite at http://127.0.0.1:8000
	$(MANAGE) migrate --verbosity 0
	$(MANAGE) load_demo
	$(MANAGE) runserver 127.0.0.1:8000

services: venv messages  ## PostgreSQL, Redis, Celery worker and beat, gunicorn: production settings
	@scripts/system-packages.sh $(APT_PACKAGES_SERVICES)
	scripts/services.sh start

services-stop:  ## Stop exactly what `make services` started
	scripts/services.sh stop

test: venv  ## Run the whole suite against PostgreSQL, Redis and a Celery worker it starts
	@scripts/system-packages.sh $(APT_PACKAGES_TEST)
	$(MANAGE) compilemessages --verbosity 0 --ignore=.venv --ignore=var --ignore=node_modules
	scripts/test-services.sh $(BIN)/pytest $(PYTEST_ARGS)

bench: venv  ## Benchmarks -> tests/bench/results.json (BENCH_ARGS="--only stats" for some phases)
	@scripts/system-packages.sh $(APT_PACKAGES_TEST) wrk
	scripts/test-services.sh $(BIN)/python tests/bench/run.py $(BENCH_ARGS)

load: venv messages  ## 200 candidates sit a mock exam on the real stack -> tests/load/results/
	@scripts/system-packages.sh $(APT_PACKAGES_SERVICES)
	@test -x $(BIN)/locust || $(BIN)/pip install --quiet -e ".[load]"
	$(BIN)/python tests/load/run.py $(LOAD_ARGS)

faults: venv messages  ## The load, while workers, PostgreSQL and Redis fail -> tests/load/results/
	@scripts/system-packages.sh $(APT_PACKAGES_SERVICES)
	@test -x $(BIN)/locust || $(BIN)/pip install --quiet -e ".[load]"
	$(BIN)/python tests/load/run.py --faults $(LOAD_ARGS)

check: venv  ## Django checks, missing migrations and lint, as CI runs them
	$(MANAGE) check
	DJANGO_SETTINGS_MODULE=lms.settings.production DEBUG=false \
	  SECRET_KEY=check-only-0123456789abcdefghijklmnopqrstuvwxyz0123456789 \
	  SECURE_SSL_REDIRECT=true SECURE_COOKIES=true SECURE_HSTS_SECONDS=31536000 \
	  SECURE_HSTS_INCLUDE_SUBDOMAINS=true SECURE_HSTS_PRELOAD=true \
	  $(MANAGE) check --deploy --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) spectacular --validate --fail-on-warn --urlconf lms.api_urlconf --file /dev/null
	scripts/check-translations.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lint: venv  ## ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv  ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:  ## Remove the local database, media and compiled files
	rm -rf db.sqlite3 var
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
