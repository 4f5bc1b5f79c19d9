#!/usr/bin/env bash
# Every check `make test` runs, in order. A leg that cannot run says so in one line;
# under CI=true a missing PostgreSQL or Chromium is a failure, not a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL="${PEERLY_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
CHROMIUM="${PEERLY_CHROMIUM:-/usr/bin/chromium}"
export PEERLY_HOME="$(mktemp -d)"   # keep test runs away from the developer's database
unset DATABASE_URL
step() { printf '\n==> %s\n' "$*"; }
is_ci() { [ "${CI:-}" = "true" ] || [ "${CI:-}" = "1" ]; }

step "ruff format --check"; $BIN/ruff format --check src tests bench
step "ruff check";          $BIN/ruff check src tests bench
step "mypy";                $BIN/mypy
step "manage.py check";     $BIN/peerly check --fail-level WARNING
step "makemigrations --check"; $BIN/peerly makemigrations --check --dry-run

step "matching engine tests (no Django)"
$BIN/pytest tests/matching -p no:django --confcutdir=tests/matching

# The PostgreSQL leg is the longest: it runs in the background, in its own PEERLY_HOME, while
# the SQLite leg and the HTML check use the other core. Its output is printed when it ends.
step "test suite on PostgreSQL ($PG_URL), in the background"
PG_LOG="$(mktemp)"; PG_PID=""
if $BIN/python - "$PG_URL" <<'PY' 2>/dev/null
import sys, psycopg
psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
PY
then
  PEERLY_HOME="$(mktemp -d)" DATABASE_URL="$PG_URL" \
    $BIN/pytest --ignore=tests/matching -m "not e2e and not html" >"$PG_LOG" 2>&1 &
  PG_PID=$!
elif is_ci; then
  echo "FAIL: PostgreSQL does not answer at $PG_URL (required under CI=true)"; exit 1
else
  echo "SKIP: PostgreSQL does not answer at $PG_URL; set PEERLY_TEST_DATABASE_URL to run that leg"
fi
# A failing foreground leg must not leave the PostgreSQL leg running on.
trap '[ -n "$PG_PID" ] && kill "$PG_PID" 2>/dev/null || true' EXIT

step "test suite on SQLite"
$BIN/pytest --ignore=tests/matching -m "not e2e and not html"

step "HTML validity: Nu validator on the main pages of every demo persona (node_modules/vnu-jar + java)"
if [ -f node_modules/vnu-jar/build/dist/vnu.jar ] && command -v java >/dev/null; then
  $BIN/pytest --ignore=tests/matching -m html
elif is_ci; then
  echo "FAIL: vnu.jar or java missing (required under CI=true; make install runs npm ci, apt-get install default-jre-headless)"; exit 1
else
  echo "SKIP: vnu.jar or java missing; install npm (Debian: nodejs npm) and a Java runtime, then make install"
fi

if [ -n "$PG_PID" ]; then
  step "test suite on PostgreSQL ($PG_URL): its output"
  pg_rc=0; wait "$PG_PID" || pg_rc=$?
  PG_PID=""
  cat "$PG_LOG"
  if [ "$pg_rc" -ne 0 ]; then echo "FAIL: the PostgreSQL leg exited with $pg_rc"; exit "$pg_rc"; fi
fi

step "browser journeys (Playwright + $CHROMIUM, axe-core on every page)"
if [ -x "$CHROMIUM" ]; then
  $BIN/pytest --ignore=tests/matching -m e2e
elif is_ci; then
  echo "FAIL: Chromium not found at $CHROMIUM (required under CI=true; apt-get install chromium)"; exit 1
else
  echo "SKIP: Chromium not found at $CHROMIUM; install Debian's chromium package to run them"
fi
step "all checks passed"
