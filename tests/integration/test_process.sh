#!/usr/bin/env bash
# The binary as a process: --help and --version, bad settings (exit 2, one stderr line naming the
# option), --init-only seeding, SIGTERM/SIGINT (exit 0, in-flight request answered, nothing left
# running), a listening socket inherited on fd 0 (spawn-fcgi), concurrent requests, JSON logs.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
_t_require

# Runs of the bare binary happen in an empty directory: its default database is ./shop.db.
work=$T_DIR/cwd
mkdir -p "$work"

# run_bin [VAR=VALUE...] -- ARGS...: runs the binary (10 s limit) in $work; sets RUN_RC, RUN_OUT,
# RUN_ERR.
run_bin() {
  local envs=()
  while (($#)) && [[ $1 != -- ]]; do
    envs+=("$1")
    shift
  done
  shift
  RUN_RC=0
  (cd "$work" && env "${envs[@]}" timeout 10 "$SHOPMCP_BIN" "$@") >"$T_DIR/run.out" 2>"$T_DIR/run.err" ||
    RUN_RC=$?
  RUN_OUT=$(<"$T_DIR/run.out")
  RUN_ERR=$(<"$T_DIR/run.err")
}

echo "# --help and --version"
run_bin -- --help
assert_eq "--help exits 0" 0 "$RUN_RC"
config_src=$SHOPMCP_SOURCE_DIR/lib/config/config.cpp
mapfile -t envs < <({
  printf '%s\n' SHOP_MCP_LISTEN SHOP_MCP_THREADS SHOP_MCP_DB SHOP_MCP_LOG_LEVEL SHOP_MCP_LOG_FORMAT \
    SHOP_MCP_BODY_LIMIT SHOP_MCP_PING_INTERVAL SHOP_MCP_MAX_CONNECTION_TIME \
    SHOP_MCP_MAX_CONSECUTIVE_FAILURES SHOP_MCP_SEED_ORDERS SHOP_MCP_SEED_VALUE
  [[ -r $config_src ]] && grep -oE '"SHOP_MCP_[A-Z0-9_]+"' "$config_src" | tr -d '"'
} | sort -u)
missing=()
for e in "${envs[@]}"; do [[ $RUN_OUT == *"$e"* ]] || missing+=("$e"); done
assert_eq "--help names every SHOP_MCP_* variable (${#envs[@]})" "" "${missing[*]}"
mapfile -t flags < <({
  printf -- '--%s\n' listen threads db log-level log-format body-limit ping-interval \
    max-connection-time max-consecutive-failures seed-orders seed-value init-only help version
  [[ -r $config_src ]] && grep -oE '^ *\{"[a-z][a-z-]*", ' "$config_src" | sed -E 's/^ *\{"([a-z-]+)".*/--\1/'
} | sort -u)
missing=()
for f in "${flags[@]}"; do [[ $RUN_OUT =~ (^|[^a-z-])$f([^a-z-]|$) ]] || missing+=("$f"); done
assert_eq "--help lists every option (${#flags[@]})" "" "${missing[*]}"
assert_eq "--help writes nothing on stderr" "" "$RUN_ERR"

run_bin -- --version
assert_eq "--version exits 0" 0 "$RUN_RC"
version=$(sed -nE 's/^project\(shop-mcp VERSION ([0-9.]+).*/\1/p' "$SHOPMCP_SOURCE_DIR/CMakeLists.txt")
assert_contains "--version prints the project version ${version:-?}" "$RUN_OUT" "${version:-0.}"
assert_eq "--help/--version created no database in the working directory" "" "$(ls -A "$work")"

echo "# bad settings: exit 2, one line on stderr naming the option"
# bad_setting NAME [VAR=VALUE...] -- ARGS...
bad_setting() {
  local name=$1 lines
  shift
  run_bin "$@"
  lines=$(grep -c . <<<"$RUN_ERR" || true)
  if [[ $RUN_RC == 2 && $lines == 1 && $RUN_ERR == *"$name"* ]]; then
    pass "$* -> exit 2: $RUN_ERR"
  else
    fail "$* -> exit 2 with one stderr line naming $name" "exit $RUN_RC, $lines stderr line(s):" \
      "${RUN_ERR:0:400}"
  fi
}
bad_setting --threads -- --threads 0
bad_setting --threads -- --threads abc
bad_setting --threads -- --threads 257
bad_setting --threads -- --threads
bad_setting SHOP_MCP_THREADS SHOP_MCP_THREADS=-1 --
bad_setting SHOP_MCP_LOG_LEVEL SHOP_MCP_LOG_LEVEL=loud --
bad_setting --log-level -- --log-level loud
bad_setting --log-format -- --log-format xml
bad_setting --listen -- --listen nonsense
bad_setting --listen -- --listen unix:relative.sock
bad_setting --listen -- --listen 127.0.0.1:99999
bad_setting SHOP_MCP_LISTEN SHOP_MCP_LISTEN=nonsense --
bad_setting --body-limit -- --body-limit 10
bad_setting --ping-interval -- --ping-interval 0
bad_setting --seed-orders -- --seed-orders -5
bad_setting SHOP_MCP_SEED_ORDERS SHOP_MCP_SEED_ORDERS=many --
bad_setting --unknown -- --unknown
bad_setting stray -- stray
bad_setting --init-only -- --init-only=yes
assert_eq "bad settings created no database" "" "$(ls -A "$work")"

echo "# --init-only: create and seed, deterministic for a seed value"
run_bin "SHOP_MCP_DB=$T_DIR/a.db" -- --init-only --seed-orders 123
assert_eq "--init-only exits 0" 0 "$RUN_RC"
assert_eq "seeded 123 orders and 10 products" "123|10" \
  "$(sqlite3 "$T_DIR/a.db" 'SELECT (SELECT count(*) FROM orders) || "|" || (SELECT count(*) FROM products)')"
assert_eq "transaction ids TXN000001..TXN000123" "TXN000001|TXN000123|123" \
  "$(sqlite3 "$T_DIR/a.db" "SELECT min(transaction_id), max(transaction_id), count(DISTINCT transaction_id) FROM orders WHERE transaction_id GLOB 'TXN[0-9][0-9][0-9][0-9][0-9][0-9]'")"
assert_eq "every order: amount = price x quantity, quantity 1-5, a known status and product" 0 \
  "$(sqlite3 "$T_DIR/a.db" "SELECT count(*) FROM orders o LEFT JOIN products p ON p.id = o.product_id
     WHERE p.id IS NULL OR abs(o.amount - p.price * o.quantity) > 0.001 OR o.quantity NOT BETWEEN 1 AND 5
     OR o.status NOT IN ('pending','processing','completed','cancelled','refunded')")"
assert_eq "every customer is one of the 15 names" 0 \
  "$(sqlite3 "$T_DIR/a.db" "SELECT count(*) FROM orders WHERE name NOT IN ('陳大明','李小芳','王志強',
     '張美麗','劉家豪','黃詩雅','林建華','吳雅文','鄭志明','何淑儀','梁偉強','蔡美玲','羅家輝','馬詩琪','徐志偉')")"
assert_eq "created within the last 30 days (UTC, YYYY-MM-DD HH:MM:SS)" 0 \
  "$(sqlite3 "$T_DIR/a.db" "SELECT count(*) FROM orders WHERE created_at NOT GLOB
     '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]'
     OR created_at < datetime('now', '-30 days', '-1 hour') OR created_at > datetime('now', '+1 minute')")"
run_bin "SHOP_MCP_DB=$T_DIR/b.db" -- --init-only --seed-orders 123
run_bin "SHOP_MCP_DB=$T_DIR/c.db" -- --init-only --seed-orders 123 --seed-value 7
orders_of() {
  sqlite3 "$1" "SELECT transaction_id, name, product_id, quantity, amount, status FROM orders ORDER BY id"
}
assert_eq "same seed value, same orders" "$(orders_of "$T_DIR/a.db")" "$(orders_of "$T_DIR/b.db")"
if [[ $(orders_of "$T_DIR/a.db") != "$(orders_of "$T_DIR/c.db")" ]]; then
  pass "another seed value, other orders"
else
  fail "another seed value, other orders" "--seed-value 7 gave the same orders as the default"
fi
run_bin "SHOP_MCP_DB=$T_DIR/a.db" -- --init-only --seed-orders 50
assert_eq "--init-only on an existing database keeps it (exit 0, still 123 orders)" "0|123" \
  "$RUN_RC|$(sqlite3 "$T_DIR/a.db" 'SELECT count(*) FROM orders')"

# wait_exit PID SECONDS: waits for the app to exit; sets EXIT_RC (or "running").
wait_exit() {
  local pid=$1 deadline=$((SECONDS + $2))
  while shopmcp_running "$pid" && ((SECONDS < deadline)); do sleep 0.05; done
  if shopmcp_running "$pid"; then
    EXIT_RC=running
  else
    EXIT_RC=0
    wait "$pid" || EXIT_RC=$?
  fi
}

echo "# SIGTERM and SIGINT on an idle server"
for sig in TERM INT; do
  start_stack
  pid=$(app_pid)
  kill -"$sig" "$pid"
  wait_exit "$pid" 10
  assert_eq "SIG$sig, idle: exit 0 within 10 s" 0 "$EXIT_RC"
  get /mcp/health
  assert_status 502
  assert_json '.error.code == 502' "after the app is gone nginx answers its JSON 502"
  stop_stack
done

echo "# SIGTERM while a request is in flight"
STACK_READY_TIMEOUT=300 start_stack SHOP_MCP_DB="$T_DIR/big.db" --seed-orders 300000
pid=$(app_pid)
(
  curl -sS -m 120 -o "$T_DIR/slow.body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary '{"name":"get_customer_stats","arguments":{"limit":100}}' \
    "$(base_url)/mcp/tools/call" >"$T_DIR/slow.status" 2>"$T_DIR/slow.err" || true
) &
curl_pid=$!
t_track "$curl_pid"
# In flight = nginx holds a FastCGI connection to the app's socket (it connects only once the
# whole body is read, and one connection carries one request).
in_flight=0
deadline=$((SECONDS + 30))
while ((SECONDS < deadline)) && shopmcp_running "$curl_pid"; do
  if ss -xH 2>/dev/null | grep -qF " $(sock_path) "; then
    in_flight=1
    break
  fi
  sleep 0.01
done
kill -TERM "$pid"
if ((in_flight)); then
  pass "the slow request reached the app before SIGTERM"
else
  echo "# note: the request finished before it was seen in flight; checking a clean exit only"
fi
wait_exit "$pid" 60
assert_eq "SIGTERM with a request in flight: exit 0" 0 "$EXIT_RC"
wait "$curl_pid" || true
assert_eq "the in-flight request was answered with 200" 200 "$(cat "$T_DIR/slow.status" 2>/dev/null)"
assert_json '.structuredContent.success == true and (.structuredContent.customers | length) > 0' \
  "the in-flight request got its full result" "$(cat "$T_DIR/slow.body" 2>/dev/null || echo null)"
stop_stack
assert_eq "no process of the stack is left" "" "$(ps -o pid= -p "$pid" 2>/dev/null || true)"

echo "# FastCGI over TCP, and a listen address that cannot be used"
tcp_port=$(shopmcp_free_port)
start_stack "SHOP_MCP_LISTEN=127.0.0.1:$tcp_port"
call_tool get_orders '{"limit":2}'
assert_json '.structuredContent.total == 2' "served through nginx over FastCGI on 127.0.0.1:$tcp_port"
run_bin "SHOP_MCP_DB=$T_DIR/taken.db" -- --listen "127.0.0.1:$tcp_port"
assert_eq "the port is taken: exit 1" 1 "$RUN_RC"
assert_contains "... saying so in one log line" "$RUN_ERR" \
  "cannot listen on 127.0.0.1:$tcp_port: Address already in use"
stop_stack
run_bin "SHOP_MCP_DB=$T_DIR/taken.db" -- --listen unix:/nonexistent-dir/shop-mcp.sock
assert_eq "a socket in a missing directory: exit 1" 1 "$RUN_RC"
assert_contains "... naming the directory" "$RUN_ERR" "the directory /nonexistent-dir does not exist"

echo "# listening socket inherited on fd 0 (spawn-fcgi, no --listen)"
STACK_FD0=1 start_stack
call_tool get_orders '{"limit":3}'
assert_json '.structuredContent.total == 3' "served through nginx on the inherited socket"
pid=$(app_pid)
kill -TERM "$pid"
wait_exit "$pid" 10
assert_eq "fd-0 mode: SIGTERM -> exit 0" 0 "$EXIT_RC"
stop_stack

echo "# concurrent requests (limit 1..48), JSON logs"
start_stack --threads 4 --log-format json --log-level info
seq 1 48 | xargs -P 12 -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST \
  -H 'Content-Type: application/json' --data-binary '{"name":"get_orders","arguments":{"limit":{}}}' \
  "$(base_url)/mcp/tools/call" >"$T_DIR/codes" 2>&1 || true
assert_eq "48 requests, 12 at a time: all 200" "48" "$(grep -c '^200$' "$T_DIR/codes" || true)"
assert_healthy
pid=$(app_pid)
kill -TERM "$pid"
wait_exit "$pid" 10
assert_eq "exit 0 after the concurrent run" 0 "$EXIT_RC"
stop_stack
last_run=$(awk '/^=== start_stack/{buf=""; next} {buf=buf $0 "\n"} END{printf "%s", buf}' "$(app_log)")
if [[ -n $last_run ]] && jq -e . >/dev/null 2>&1 <<<"$last_run" &&
  [[ $(grep -c . <<<"$last_run") == $(jq -c . <<<"$last_run" | grep -c .) ]]; then
  pass "--log-format json: every log line is one JSON object ($(grep -c . <<<"$last_run") lines)"
else
  fail "--log-format json: every log line is one JSON object" "${last_run:0:400}"
fi

echo "# at the open-file limit: 503 + Retry-After at once, few log lines, and recovery"
# UBSan (in the sanitizer builds) checks a virtual call it has not seen before by probing memory
# through a pipe; at the open-file limit the pipe fails and it reports a bad vptr that is not
# there (and halts). This stack runs out of descriptors on purpose, so that one check (suppression
# type "vptr", matched by location: the type-name kind cannot match a type it could not read) is
# off here.
printf 'vptr:*\n' >"$T_DIR/ubsan-at-fd-limit.supp"
start_stack --max-sessions-per-client 5000 \
  "UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}suppressions=$T_DIR/ubsan-at-fd-limit.supp"
pid=$(app_pid)
prlimit --pid "$pid" --nofile=96:96
stream_pids=()
for _ in $(seq 1 110); do
  curl -sN -m 60 -o /dev/null -H 'Accept: text/event-stream' "$(base_url)/mcp/sse" 2>/dev/null &
  stream_pids+=($!)
  t_track "$!"
done
deadline=$((SECONDS + 20))
until grep -q "open-file limit (" "$(app_log)" || ((SECONDS >= deadline)); do sleep 0.1; done
sleep 1  # every stream request has been answered one way or the other
code=$(curl -sS -m 10 -o "$T_DIR/full.json" -D "$T_DIR/full.h" -w '%{http_code} %{time_total}' \
  "$(base_url)/mcp/health" 2>/dev/null || true)
took=$(awk -v t="${code#* }" 'BEGIN { printf "%.0f", t * 1000 }')
assert_eq "health at the open-file limit: 503 (not nginx's 504 a minute later)" 503 "${code%% *}"
assert_true "  answered in $took ms" test "$took" -lt 1000
assert_true "  with Retry-After" grep -qi '^Retry-After:' "$T_DIR/full.h"
assert_json '.error.message | test("open connections")' "  and a JSON body saying why" \
  "$(cat "$T_DIR/full.json")"
kill -0 "$pid" 2>/dev/null && pass "the app is still running" || fail "the app is still running"
kill "${stream_pids[@]}" 2>/dev/null || true
wait "${stream_pids[@]}" 2>/dev/null || true
deadline=$((SECONDS + 10))
until [[ $(curl -s -o /dev/null -w '%{http_code}' "$(base_url)/mcp/health") == 200 ]] ||
  ((SECONDS >= deadline)); do sleep 0.1; done
assert_healthy "descriptors freed: health answers 200 again"
lines=$(grep -c "accept: the process is at its open-file limit" "$(app_log)" || true)
assert_true "the exhaustion was logged rate-limited ($lines lines)" test "$lines" -ge 1 -a "$lines" -le 3
stop_stack

finish
