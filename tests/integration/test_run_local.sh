#!/usr/bin/env bash
# README command 1 end to end: deploy/run-local.sh (with the binary under test, no build) on a free
# port and a temp state dir, deploy/smoke-test.sh against it, SIGTERM, and then none of the
# processes it started is left. Also: it refuses a port that is taken, and exits non-zero when
# the app dies under it.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
_t_require

run_local=$SHOPMCP_SOURCE_DIR/deploy/run-local.sh
smoke=$SHOPMCP_SOURCE_DIR/deploy/smoke-test.sh

# start_run_local NAME: deploy/run-local.sh in the background with its own state dir and port;
# sets RL_PID, RL_STATE, RL_PORT, RL_OUT.
start_run_local() {
  RL_STATE=$T_DIR/$1
  RL_OUT=$T_DIR/$1.out
  RL_PORT=$(shopmcp_free_port)
  mkdir -p "$RL_STATE"
  SHOP_MCP_PORT=$RL_PORT SHOP_MCP_STATE_DIR=$RL_STATE \
    bash "$run_local" --bin "$SHOPMCP_BIN" >"$RL_OUT" 2>&1 &
  RL_PID=$!
  t_track "$RL_PID"
}

# wait_up SECONDS: waits for run-local.sh to print its URL; then tracks the pids it wrote (so
# they are stopped even if run-local.sh itself goes wrong).
wait_up() {
  local deadline=$((SECONDS + $1))
  # The banner line only: an error message may name the URL too.
  local up="shop-mcp is up: http://127.0.0.1:$RL_PORT/mcp "
  while ((SECONDS < deadline)) && shopmcp_running "$RL_PID"; do
    grep -qF "$up" "$RL_OUT" && break
    sleep 0.1
  done
  if ! grep -qF "$up" "$RL_OUT"; then
    t_fatal "run-local.sh printed no URL within $1 s" "$(tail -n 20 "$RL_OUT")"
  fi
  pass "run-local.sh is up and printed http://127.0.0.1:$RL_PORT/mcp"
  RL_APP=$(cat "$RL_STATE/app.pid" 2>/dev/null || true)
  RL_NGINX=$(cat "$RL_STATE/nginx.pid" 2>/dev/null || true)
  if ! shopmcp_running "$RL_APP" || ! shopmcp_running "$RL_NGINX"; then
    echo "# state dir: $(cd "$RL_STATE" && echo *)"
    sed 's/^/# run-local: /' "$RL_OUT"
  fi
  assert_true "it wrote app.pid ($RL_APP) and nginx.pid ($RL_NGINX) in the state dir, both running" \
    shopmcp_running "$RL_APP"
  assert_true "  nginx from nginx.pid is running" shopmcp_running "$RL_NGINX"
  RL_WORKERS=$(pgrep -P "$RL_NGINX" | tr '\n' ' ' || true)
  [[ -n $RL_APP ]] && t_track "$RL_APP"
  [[ -n $RL_NGINX ]] && t_track "$RL_NGINX"
}

# wait_gone SECONDS: waits for run-local.sh to exit; sets RL_RC.
wait_gone() {
  local deadline=$((SECONDS + $1))
  while ((SECONDS < deadline)) && shopmcp_running "$RL_PID"; do sleep 0.05; done
  if shopmcp_running "$RL_PID"; then
    RL_RC=running
  else
    RL_RC=0
    wait "$RL_PID" || RL_RC=$?
  fi
}

# none_left DESC: no process from RL_APP, RL_NGINX and the nginx workers remains.
none_left() {
  local p left=()
  for p in $RL_APP $RL_NGINX $RL_WORKERS; do shopmcp_running "$p" && left+=("$p"); done
  assert_eq "$1" "" "${left[*]}"
}

echo "# run, smoke-test, SIGTERM"
start_run_local run1
wait_up 120
if out=$(bash "$smoke" "http://127.0.0.1:$RL_PORT" 2>&1); then
  pass "deploy/smoke-test.sh passes against it"
else
  fail "deploy/smoke-test.sh passes against it" "$out"
fi
assert_true "the database is in the state dir" test -s "$RL_STATE/shop.db"
kill -TERM "$RL_PID"
wait_gone 30
assert_eq "SIGTERM: run-local.sh exits 0" 0 "$RL_RC"
none_left "no shop-mcp or nginx process from it is left"
assert_true "the pid files are removed" test ! -e "$RL_STATE/app.pid" -a ! -e "$RL_STATE/nginx.pid"

echo "# a second start on the same state dir reuses the database"
sqlite3 "$RL_STATE/shop.db" 'CREATE TABLE it_marker (x)'
start_run_local run1
wait_up 60
assert_eq "the database was kept (a marker table survived)" it_marker \
  "$(sqlite3 "$RL_STATE/shop.db" "SELECT name FROM sqlite_master WHERE name = 'it_marker'")"
if out=$(bash "$smoke" "http://127.0.0.1:$RL_PORT/mcp" 2>&1); then
  pass "smoke-test passes on the second start (base URL given with /mcp)"
else
  fail "smoke-test passes on the second start" "$out"
fi

echo "# the port is taken: refused"
taken=$RL_PORT
rc=0
SHOP_MCP_PORT=$taken SHOP_MCP_STATE_DIR=$T_DIR/run2 timeout 30 bash "$run_local" --bin "$SHOPMCP_BIN" \
  >"$T_DIR/taken.out" 2>&1 || rc=$?
assert_true "run-local.sh on a taken port exits non-zero (exit $rc)" test "$rc" -ne 0
assert_contains "and says the port is in use" "$(cat "$T_DIR/taken.out")" "port $taken"
assert_true "and started nothing (no app.pid)" test ! -s "$T_DIR/run2/app.pid"

echo "# the app dies: run-local.sh stops nginx and exits non-zero"
kill -KILL "$RL_APP"
wait_gone 30
assert_true "run-local.sh exits non-zero when the app dies (exit $RL_RC)" \
  test "$RL_RC" != running -a "$RL_RC" != 0
assert_contains "and says which process died" "$(cat "$RL_OUT")" "exited"
none_left "and nginx is stopped too"

echo "# a second SIGTERM while it stops: nothing is left running"
start_run_local run3
wait_up 60
# nginx stopped (SIGSTOP) makes the cleanup wait for it; the second signal lands in that wait.
kill -STOP "$RL_NGINX"
kill -TERM "$RL_PID"
sleep 0.5
kill -TERM "$RL_PID"
wait_gone 40
assert_eq "run-local.sh still exits 0 after a second SIGTERM" 0 "$RL_RC"
none_left "and no shop-mcp or nginx process from it is left"
assert_contains "it says it is already stopping" "$(cat "$RL_OUT")" "already stopping"

echo "# bad usage"
rc=0
bash "$run_local" --no-such-flag >"$T_DIR/usage.out" 2>&1 || rc=$?
assert_eq "an unknown flag exits 1" 1 "$rc"
rc=0
SHOP_MCP_PORT=http bash "$run_local" --bin "$SHOPMCP_BIN" >"$T_DIR/usage.out" 2>&1 || rc=$?
assert_eq "SHOP_MCP_PORT=http exits 1" 1 "$rc"
assert_contains "  naming SHOP_MCP_PORT" "$(cat "$T_DIR/usage.out")" SHOP_MCP_PORT
rc=0
bash "$smoke" "http://127.0.0.1:$(shopmcp_free_port)" >"$T_DIR/smoke.out" 2>&1 || rc=$?
assert_eq "smoke-test.sh against nothing exits 1" 1 "$rc"
assert_contains "  with a FAIL line" "$(cat "$T_DIR/smoke.out")" "FAIL"

finish
