# Peerly — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install lint format bench demo clean lock

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

run: install  ## install, migrate, load the demo community once, serve on 127.0.0.1:8000
	$(BIN)/peerly migrate --verbosity 0
	$(BIN)/peerly demo --if-empty
	@echo ""
	@echo "  Peerly is starting on http://127.0.0.1:8000"
	@echo "  Log in at http://127.0.0.1:8000/accounts/login/ with"
	@echo "    organiser: organiser@demo.peerly.test / peerly-demo"
	@echo "    member:    member@demo.peerly.test / peerly-demo"
	@echo "    site admin: admin@demo.peerly.test / peerly-demo  (Django admin at /admin/)"
	@echo ""
	$(BIN)/peerly runserver 127.0.0.1:8000

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

demo: install  ## erase the local database and load the demo community again
	$(BIN)/peerly migrate --verbosity 0
	$(BIN)/peerly demo --reset

lock:  ## regenerate requirements.lock on purpose (after changing pyproject.toml)
	rm -rf /tmp/peerly-lock && $(PYTHON) -m venv /tmp/peerly-lock
	/tmp/peerly-lock/bin/pip install --quiet ".[dev]"
	/tmp/peerly-lock/bin/pip freeze --exclude-editable | grep -v '^peerly' > requirements.lock

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache
