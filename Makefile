# Two commands for a newcomer: `make run` and `make test`. Needs only Python >= 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint messages check-deploy clean bench-did bench-effect

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is required") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

## axe-core from npm, for the browser accessibility test (skipped when npm or axe-core is missing)
install: $(STAMP)
	@if [ -f node_modules/axe-core/axe.min.js ]; then :; \
	elif command -v npm >/dev/null 2>&1; then \
		npm install --no-save --no-audit --no-fund axe-core@4.10 || echo "axe-core not installed: the accessibility browser test will be skipped"; \
	else echo "npm not found: the accessibility browser test will be skipped"; fi

## make run: set up, migrate the SQLite database, load units and demo data, then serve http://127.0.0.1:8000 and
## run the background task worker together (manage.py serve); Ctrl-C stops both. DJANGO_DEBUG=1 for debug pages.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_units
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py serve 127.0.0.1:8000

## make test: the whole suite (SQLite; set DATABASE_URL to run it on PostgreSQL), on one process per core
## (pytest-xdist; each process has its own test database). TEST_WORKERS=0 runs it in this one process.
TEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## make messages: refresh the project catalogues from the sources and compile them
messages: install
	$(BIN)/python manage.py makemessages --locale vi --ignore '.venv/*' --ignore 'locale/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'node_modules/*' --no-obsolete
	$(BIN)/python manage.py compile_catalogues

check-deploy: install
	DJANGO_SETTINGS_MODULE=cms.settings.production \
	DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))') \
	ALLOWED_HOSTS=dichvucong.example.gov.vn \
	EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend \
	WAGTAILADMIN_BASE_URL=https://dichvucong.example.gov.vn \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

## make bench-did: staggered DiD timing against the csdid package (installed on first run into bench/out/venv-csdid)
bench-did: install
	$(BIN)/python bench/staggered_did.py

## make bench-effect: coverage, false alarms and power of the leader's headline against the old method, and its timing
bench-effect: install
	$(BIN)/python bench/effect_coverage.py --reps 300 --timing

clean:
	rm -rf bench/out/venv-csdid $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache
