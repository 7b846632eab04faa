#!/usr/bin/env bash
# One command on a fresh machine: set up, build, and run every test — unit and integration
# tests on SQLite (and on PostgreSQL when one answers), then the browser tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

# PostgreSQL: use the one given, else the local server if it answers; skip it otherwise.
PG_URL="${CONNECTGAIN_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if command -v psql >/dev/null && psql "$PG_URL" -qAtc 'select 1' >/dev/null 2>&1; then
  export CONNECTGAIN_TEST_POSTGRES_URL="$PG_URL"
  backends="sqlite, postgres"
else
  unset CONNECTGAIN_TEST_POSTGRES_URL
  backends="sqlite only — PostgreSQL did not answer at ${PG_URL%%\?*}, its tests are skipped"
fi
echo "[test] backends: $backends"

echo "[test] building the release server and site"
bash scripts/build.sh

echo "[test] unit and integration tests"
# --tests: the unit tests and the one integration-test binary of each crate, built with the
# release build's dependencies as they are (no examples, no doctests to compile).
cargo test --release -p connectgain-domain -p connectgain -p connectgain-testkit -p connectgain-types --tests

echo "[test] the API against its OpenAPI document (schemathesis)"
bash scripts/api-check.sh
echo "[test] browser tests (Chromium)"
(cd end2end && npx playwright test)

echo "[test] all passed; backends: $backends"
