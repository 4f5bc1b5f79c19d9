# Peerly — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: run test install lint format bench bench-scale bench-web bench-demo bench-publish bench-scale-out bench-19 demo clean lock messages

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# Test-only tools from the npm registry (package.json): axe-core for the browser journeys and
# the Nu HTML validator (vnu-jar, run with Java). Without npm this says so and the tests that
# need them skip (under CI=true they fail); .ci/run installs Debian's nodejs/npm when missing.
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else echo "npm not found: skipping axe-core and vnu-jar (apt-get install nodejs npm)"; fi

# Translations (docs/i18n.md): each src/peerly/locale/<lang>/LC_MESSAGES/django.po is compiled
# to django.mo (not committed) with GNU gettext's msgfmt (Debian: apt-get install gettext).
LOCALE_PO := $(wildcard src/peerly/locale/*/LC_MESSAGES/django.po)
LOCALE_MO := $(LOCALE_PO:.po=.mo)
$(LOCALE_MO): $(LOCALE_PO) | $(STAMP)
	@command -v msgfmt >/dev/null 2>&1 || { echo "msgfmt not found: apt-get install gettext"; exit 1; }
	cd src/peerly && ../../$(BIN)/peerly compilemessages --verbosity 0

install: $(STAMP) $(NODE_STAMP) $(LOCALE_MO)

PORT   ?= 8000

run: install  ## install, migrate, load the demo community once, serve on 127.0.0.1:$(PORT)
	$(BIN)/peerly migrate --verbosity 0
	$(BIN)/peerly demo --if-empty
	@echo ""
	@echo "  Peerly is starting on http://127.0.0.1:$(PORT)"
	@echo "  Log in at http://127.0.0.1:$(PORT)/accounts/login/ (the README's demo table says what to try)."
	@$(BIN)/peerly demo --logins
	@echo ""
	PORT=$(PORT) $(BIN)/peerly runserver 127.0.0.1:$(PORT)

test: install  ## every check: lint, types, Django checks, tests on SQLite + PostgreSQL, browser journeys
	bash scripts/test-all.sh

lint: install
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install  ## matching engine side by side against the usual approaches; writes bench/results/
	$(BIN)/python bench/run.py

bench-scale: install  ## the engine at scale on realistic inputs, old engine and this one in one sitting (long: see bench/README.md)
	$(BIN)/python bench/scale_engine.py

bench-web: install  ## pages/API at 200 and 10k members on PostgreSQL + gunicorn, then a 50-user locust run
	$(BIN)/python bench/web_scale.py
	$(BIN)/python bench/load_test.py

bench-demo: install  ## `peerly demo` at 200/10k/50k members on SQLite (and PostgreSQL if BENCH_PG_URL)
	$(BIN)/python bench/demo_scale.py --before HEAD
	@if [ -n "$(BENCH_PG_URL)" ]; then $(BIN)/python bench/demo_scale.py --postgres $(BENCH_PG_URL) --before HEAD; fi

bench-publish: install  ## publish a coffee round + tick at 2k/10k members (DATABASE_URL=postgres://… for PostgreSQL)
	$(BIN)/python bench/publish_scale.py

bench-scale-out: install  ## two gunicorn + two db_workers + two ticks on one PostgreSQL under locust, a worker SIGKILLed mid-publish (~8 min; MEMBERS=10000 ~14 min)
	$(BIN)/python bench/scale_out.py --members $(or $(MEMBERS),2000)

bench-19: bench-scale bench-web bench-demo bench-publish bench-scale-out  ## every issue-19 figure in bench/results/ (hours, not minutes)

demo: install  ## erase the local database and load the demo community again
	$(BIN)/peerly migrate --verbosity 0
	$(BIN)/peerly demo --reset

lock:  ## regenerate requirements.lock on purpose (after changing pyproject.toml)
	rm -rf /tmp/peerly-lock && $(PYTHON) -m venv /tmp/peerly-lock
	/tmp/peerly-lock/bin/pip install --quiet ".[dev]"
	/tmp/peerly-lock/bin/pip freeze --exclude-editable | grep -v '^peerly' > requirements.lock

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache

messages: install  ## collect new strings into every django.po (then translate them), and compile
	cd src/peerly && ../../$(BIN)/peerly makemessages --all --no-location --ignore=static
	cd src/peerly && ../../$(BIN)/peerly compilemessages --verbosity 0
