#!/usr/bin/env bash
# The store and tool unit tests against PostgreSQL: a private cluster (deploy/common.sh
# shopmcp_pg_start: initdb in the test's temp dir, a unix socket there, never the system's), then
# the unit-test binary three times:
#   - every store.* and shop.* test with shop-mcp's objects installed (the rollup and triggers);
#   - the same tests on the shop's tables alone (the aggregates computed from the orders);
#   - the store.pg tests: existing tables, --db-prepare, the rollup under random writes,
#     LISTEN/NOTIFY, reconnecting, the statement timeout, passwords kept out of messages.
# SQLite's own tests (store.sqlite) run in the plain unit tests.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
UNIT=${SHOPMCP_UNIT_BIN:-${SHOPMCP_BUILD_DIR:-$SHOPMCP_SOURCE_DIR/build}/tests/shopmcp_unit_tests}
[[ -x $UNIT ]] || t_fatal "no unit-test binary at $UNIT (build first)"

chmod 0711 "$T_DIR" # the server runs as the postgres user when this runs as root
shopmcp_pg_start "$T_DIR/pg" fsync=off
t_track "$SHOPMCP_PG_PID"
echo "# PostgreSQL $("$(shopmcp_pg_bin)/postgres" --version | awk '{print $3}') at $SHOPMCP_PG_URL"

# unit DESC [env...] -- [doctest args...]: one run of the binary, one check.
unit() {
  local desc=$1 env=() rc=0
  shift
  while [[ $1 != -- ]]; do
    env+=("$1")
    shift
  done
  shift
  env SHOPMCP_TEST_PG_URL="$SHOPMCP_PG_URL" "${env[@]}" "$UNIT" "$@" >"$T_DIR/unit.out" 2>&1 ||
    rc=$?
  local summary
  summary=$(grep -E '^\[doctest\] test cases:' "$T_DIR/unit.out" | tr -s ' ' || true)
  if ((rc == 0)) && [[ $summary == *" 0 failed"* ]] && ! [[ $summary == *"cases: 0 |"* ]]; then
    pass "$desc (${summary#\[doctest\] })"
  else
    fail "$desc (exit $rc)" "$(grep -E 'ERROR|TEST CASE|test cases' "$T_DIR/unit.out" | head -n 30)"
  fi
}

unit "store and tool tests on PostgreSQL, with shop-mcp's rollup" SHOPMCP_TEST_STORE=postgres -- \
  -ts='store.*,shop.*' -tse='store.sqlite,store.pg'
unit "store and tool tests on PostgreSQL, the shop's tables alone" \
  SHOPMCP_TEST_STORE=postgres-plain -- -ts='store.*,shop.*' -tse='store.sqlite,store.pg'
unit "PostgreSQL store's own tests" -- -ts='store.pg'

shopmcp_pg_stop "$SHOPMCP_PG_PID"
finish
