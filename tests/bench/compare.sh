#!/usr/bin/env bash
# Benchmark (not part of ctest): shop-mcp behind nginx side by side with the anchor, a minimal
# server on the official TypeScript SDK pinned in tests/clients (tests/clients/ts_anchor_server.mjs),
# measured by the same client (tests/bench/mcp_bench) in the same run, and prints a table of ours
# vs the anchor with ratios:
#   - tools/call of a trivial tool (test_simple_text, served by our conformance server, which is
#     shop-mcp's stack with the conformance fixtures) at 1, 16 and 64 connections: req/s, p50, p99,
#     medians of ROUNDS interleaved runs; the CPU each request costs the app and nginx; and nginx
#     answering by itself (no app), the ceiling of anything behind it on the same core;
#   - memory per MCP session + GET stream with STREAMS held (app and nginx apart), and hang-up ->
#     stream finished, p50 and p99;
#   - the shop tools on each database size in ORDERS, beside the plain SQL they answer (the
#     brute-force query in the sqlite3 shell on the same file).
# Servers (nginx + app, or node) run on CPU 1, the load on CPU 0. Builds nothing: it needs a build
# with the tests (build/, or BUILD_DIR) and the test clients (deploy/install-deps.sh
# --test-clients).
#
#   bash tests/bench/compare.sh [--rounds N=3] [--seconds S=5] [--streams N=10000]
#        [--orders "1000000 10000000"] [--skip rps,streams,tools]
set -euo pipefail
ROUNDS=3 SECS=5 STREAMS=10000 ORDERS="1000000 10000000" SKIP=
while (($#)); do
  case $1 in
    --rounds) ROUNDS=$2 ;;
    --seconds) SECS=$2 ;;
    --streams) STREAMS=$2 ;;
    --orders) ORDERS=$2 ;;
    --skip) SKIP=$2 ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
  esac
  shift 2
done
BUILD_DIR=${BUILD_DIR:-build}
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"
SHOPMCP_BIN=$SHOPMCP_SOURCE_DIR/$BUILD_DIR/app/shop-mcp/shop-mcp
SHOP_BIN=$SHOPMCP_BIN
CONF_BIN=$SHOPMCP_SOURCE_DIR/$BUILD_DIR/app/conformance-server/conformance-server
BENCH=$SHOPMCP_SOURCE_DIR/$BUILD_DIR/tests/bench/mcp_bench
for f in "$SHOP_BIN" "$CONF_BIN" "$BENCH" "$SHOPMCP_NODE"; do
  [[ -x $f ]] || t_fatal "$f is missing: build with the tests and install the test clients first"
done
command -v taskset >/dev/null || t_fatal "taskset (util-linux) is missing"
command -v sqlite3 >/dev/null || t_fatal "sqlite3 is missing: apt-get install sqlite3"
((${#SKIP})) && echo "# skipping: $SKIP"
skip() { [[ ,$SKIP, == *,$1,* ]]; }
LOAD=(taskset -c 0 "$BENCH")
ROWS=$T_DIR/rows.txt # "measure|ours|anchor|unit|better" lines for the table
: >"$ROWS"
row() { printf '%s|%s|%s|%s|%s\n' "$@" >>"$ROWS"; }

# pin PID...: every thread of each process (and of nginx's workers) onto CPU 1.
pin() {
  local p c
  for p in "$@"; do
    taskset -a -pc 1 "$p" >/dev/null
    for c in $(pgrep -P "$p" || true); do taskset -a -pc 1 "$c" >/dev/null; done
  done
}
# cpu_ticks PID...: user + system clock ticks of the processes and their threads.
cpu_ticks() {
  local p sum=0
  for p in "$@"; do sum=$((sum + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done
  echo "$sum"
}
nginx_workers() { pgrep -P "$(nginx_pid)" | tr '\n' ' '; }
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The ceiling: nginx answering tools/call by itself (return 200, no app behind it), on the same
# core with the same logging, so that the share of the cost that is nginx's own shows.
CEIL_PID=
start_ceiling() {
  local prefix=$T_DIR/ceiling
  CEIL_PORT=$(shopmcp_free_port)
  mkdir -p "$prefix"/conf "$prefix"/logs "$prefix"/tmp
  cat >"$prefix/conf/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid logs/nginx.pid;
error_log logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log logs/access.log;
    client_body_temp_path tmp;
    server {
        listen 127.0.0.1:$CEIL_PORT;
        location /mcp {
            default_type application/json;
            add_header Mcp-Session-Id ceiling;
            return 200 '{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"This is a simple text response for testing."}]}}';
        }
    }
}
EOF
  taskset -c 1 "$SHOPMCP_NGINX" -p "$prefix" -c conf/nginx.conf -e logs/error.log &
  CEIL_PID=$!
  t_track "$CEIL_PID"
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$CEIL_PORT/mcp" && break; sleep 0.05; done
  pin "$CEIL_PID"
}

ANCHOR_PID=
start_anchor() {
  local port
  port=$(shopmcp_free_port)
  (cd "$SHOPMCP_CLIENTS" && exec taskset -c 1 "$SHOPMCP_NODE" ts_anchor_server.mjs "$port") \
    >"$T_DIR/anchor.log" 2>&1 &
  ANCHOR_PID=$!
  t_track "$ANCHOR_PID"
  ANCHOR_PORT=$port
  wait_for "$T_DIR/anchor.log" "listening" 20 || t_fatal "the TS anchor did not start" \
    "$(cat "$T_DIR/anchor.log")"
  echo "# TS anchor (SDK $(jq -r .version "$SHOPMCP_CLIENTS/node_modules/@modelcontextprotocol/sdk/package.json"), node $("$SHOPMCP_NODE" --version)) on port $port, pid $ANCHOR_PID"
}
stop_anchor() {
  shopmcp_stop_pids 10 "$ANCHOR_PID" || true
  ANCHOR_PID=
}

# --- tools/call req/s, interleaved ------------------------------------------------------------
if ! skip rps; then
  echo "## tools/call test_simple_text: $ROUNDS rounds of ${SECS}s per server and concurrency"
  SHOPMCP_BIN=$CONF_BIN
  start_stack SHOP_MCP_THREADS=4 --log-level warn
  pin "$(app_pid)" "$(nginx_pid)"
  start_anchor
  start_ceiling
  # Only the server measured runs: the other two are stopped (SIGSTOP) meanwhile, so that their
  # background work (node's garbage collector, timers) never takes CPU 1 from it.
  # shellcheck disable=SC2207
  ours=($(app_pid) $(nginx_pid) $(nginx_workers)) anchor=("$ANCHOR_PID")
  # shellcheck disable=SC2207
  ceiling=("$CEIL_PID" $(pgrep -P "$CEIL_PID"))
  # rps_run NAME PORT CONNS PIDS-TO-STOP...: one run, printed and kept in rps.txt
  rps_run() {
    local name=$1 port=$2 c=$3 line
    shift 3
    kill -STOP "$@"
    line=$("${LOAD[@]}" rps --port "$port" --conns "$c" --seconds "$SECS") || fail "$name c=$c: $line"
    kill -CONT "$@"
    echo "# round $r $name $line"
    echo "$name $c $line" >>"$T_DIR/rps.txt"
  }
  for r in $(seq "$ROUNDS"); do
    for c in 1 16 64; do
      # shellcheck disable=SC2046 # one argument per worker pid
      a0=$(cpu_ticks "$(app_pid)") n0=$(cpu_ticks $(nginx_workers))
      rps_run ours "$STACK_PORT" "$c" "${anchor[@]}" "${ceiling[@]}"
      # shellcheck disable=SC2046
      a1=$(cpu_ticks "$(app_pid)") n1=$(cpu_ticks $(nginx_workers))
      sed -i "\$s/\$/ app_ticks=$((a1 - a0)) nginx_ticks=$((n1 - n0))/" "$T_DIR/rps.txt"
      rps_run anchor "$ANCHOR_PORT" "$c" "${ours[@]}" "${ceiling[@]}"
      rps_run ceiling "$CEIL_PORT" "$c" "${ours[@]}" "${anchor[@]}"
    done
  done
  shopmcp_stop_pids 10 "$CEIL_PID" || true
  stop_anchor
  stop_stack
  SHOPMCP_BIN=$SHOP_BIN
  for c in 1 16 64; do
    for k in req_s p50_ms p99_ms; do
      o=$(awk -v c="$c" '$1 == "ours" && $2 == c' "$T_DIR/rps.txt" | while read -r l; do field "$k" "$l"; done | median)
      a=$(awk -v c="$c" '$1 == "anchor" && $2 == c' "$T_DIR/rps.txt" | while read -r l; do field "$k" "$l"; done | median)
      if [[ $k == req_s ]]; then
        x=$(awk -v c="$c" '$1 == "ceiling" && $2 == c' "$T_DIR/rps.txt" | while read -r l; do field "$k" "$l"; done | median)
        echo "# nginx alone (no app behind it) c=$c: $x req/s" >>"$T_DIR/cpu.txt"
      fi
      case $k in
        req_s) row "tools/call c=$c throughput" "$o" "$a" "req/s" higher ;;
        *) row "tools/call c=$c latency ${k%_*}" "$o" "$a" ms lower ;;
      esac
    done
  done
  # CPU per request at c=64, ours: clock ticks (1/100 s) over the requests of those runs.
  hz=$(getconf CLK_TCK)
  awk -v hz="$hz" '$1 == "ours" && $2 == 64 {
      for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      req += f["requests"]; app += f["app_ticks"]; ngx += f["nginx_ticks"] }
    END { printf "# CPU per request at c=64 (ours): app %.1f us, nginx %.1f us (app %.0f %%)\n",
          app / hz * 1e6 / req, ngx / hz * 1e6 / req, 100 * app / (app + ngx) }' "$T_DIR/rps.txt" |
    tee -a "$T_DIR/cpu.txt"
fi

# --- memory per session + stream, hang-up -----------------------------------------------------
if ! skip streams; then
  echo "## $STREAMS sessions, each with a GET stream held"
  # Two nginx workers: each stream holds two descriptors in nginx (client and app), more than one
  # process may open under this machine's limit at 10,000 streams.
  STACK_NGINX_WORKERS=2 start_stack SHOP_MCP_THREADS=4 "SHOP_MCP_MAX_STREAMS=$((STREAMS + 100))" \
    "SHOP_MCP_MAX_SESSIONS=$((STREAMS + 100))" "SHOP_MCP_MAX_SESSIONS_PER_CLIENT=$((STREAMS + 100))" \
    SHOP_MCP_PING_INTERVAL=30 SHOP_MCP_SESSION_IDLE_TIMEOUT=600 --log-level warn
  pin "$(app_pid)" "$(nginx_pid)"
  out=$("${LOAD[@]}" streams --port "$STACK_PORT" --streams "$STREAMS" --rss "app=$(app_pid)" \
    --rss "nginx=$(nginx_workers | tr ' ' ',' | sed 's/,$//')" \
    --gauge /mcp/metrics $'\nshopmcp_streams_open ' --hangups 200) || fail "ours streams: $out"
  printf '# ours   %s\n' "${out//$'\n'/$'\n'# ours   }"
  app_kb=$(field per_stream_kb "$(grep 'group=app' <<<"$out")")
  ngx_kb=$(field per_stream_kb "$(grep 'group=nginx' <<<"$out")")
  hang_ours=$(grep '^hangup' <<<"$out")
  stop_stack
  start_anchor
  out=$("${LOAD[@]}" streams --port "$ANCHOR_PORT" --streams "$STREAMS" --rss "node=$ANCHOR_PID" \
    --gauge /stats "streams_open " --hangups 200) || fail "anchor streams: $out"
  printf '# anchor %s\n' "${out//$'\n'/$'\n'# anchor }"
  node_kb=$(field per_stream_kb "$(grep 'group=node' <<<"$out")")
  hang_anchor=$(grep '^hangup' <<<"$out")
  stop_anchor
  row "memory per session+stream, app" "$app_kb" "$node_kb" KB lower
  row "memory per session+stream, app + nginx" "$(awk -v a="$app_kb" -v n="$ngx_kb" 'BEGIN { print a + n }')" "$node_kb" KB lower
  row "  of which nginx" "$ngx_kb" - KB lower
  row "hang-up -> stream finished p50" "$(field p50_ms "$hang_ours")" "$(field p50_ms "$hang_anchor")" ms lower
  row "hang-up -> stream finished p99" "$(field p99_ms "$hang_ours")" "$(field p99_ms "$hang_anchor")" ms lower
fi

# --- the shop tools vs plain SQL ----------------------------------------------------------------
# tool_ms ARGS_JSON: median of 5 calls through nginx, in ms.
tool_ms() {
  local t
  for _ in 1 2 3 4 5; do
    t=$(curl -s -o "$T_DIR/out.json" -w '%{time_total}' "$(base_url)/mcp/tools/call" \
      -H 'Content-Type: application/json' --data-binary "$1")
    jq -e '.isError != true' "$T_DIR/out.json" >/dev/null || t_fatal "call failed: $1" "$(head -c 300 "$T_DIR/out.json")"
    echo "$t"
  done | median | awk '{ printf "%.1f", $1 * 1000 }'
}
# sql_ms DB SQL...: median of 3 runs of the statements in the sqlite3 shell (its .timer), in ms.
sql_ms() {
  local db=$1
  shift
  for _ in 1 2 3; do
    printf '.timer on\n%s\n' "$@" | sqlite3 -batch "$db" |
      awk '/^Run Time: real/ { s += $4 } END { print s * 1000 }'
  done | median | awk '{ printf "%.1f", $1 }'
}
# The plain aggregates read every order anyway: NOT INDEXED keeps SQLite from walking an index
# and fetching each row from the table, a plan it picks for GROUP BY status that is 5-7x slower
# than the scan (measured here), so the reference is the best plain query, not the worst.
if ! skip tools; then
  cents="SUM(CAST(round(amount * 100) AS INTEGER))"
  for n in $ORDERS; do
    db=$T_DIR/orders-$n.db
    t0=$(date +%s%N)
    "$SHOP_BIN" --db "$db" --seed-orders "$n" --init-only --log-level warn
    echo "## $n orders: seeded in $((($(date +%s%N) - t0) / 1000000)) ms, $(du -m "$db" | cut -f1) MB"
    start_stack "SHOP_MCP_DB=$db" --log-level warn
    pin "$(app_pid)" "$(nginx_pid)"
    last=$(sqlite3 "$db" "SELECT substr(MAX(created_at), 1, 10) FROM orders")
    from=$(date -d "$last - 3 days" +%F)
    needle=$(sqlite3 "$db" "SELECT substr(transaction_id, 5, 5) FROM orders WHERE id = $((n * 2 / 7))")
    label() { printf '%s, %s orders' "$1" "$(numfmt --to=si "$n")"; }
    row "$(label get_customer_stats)" "$(tool_ms '{"name":"get_customer_stats","arguments":{}}')" \
      "$(sql_ms "$db" "SELECT name, COUNT(*), $cents, MIN(created_at), MAX(created_at) FROM orders NOT INDEXED GROUP BY name ORDER BY 3 DESC LIMIT 10;" \
        "SELECT COUNT(DISTINCT name), COUNT(*), $cents FROM orders NOT INDEXED;")" "ms (plain SQL)" lower
    for g in daily monthly status product; do
      case $g in
        daily) key="substr(created_at, 1, 10)" ;;
        monthly) key="substr(created_at, 1, 7)" ;;
        status) key=status ;;
        product) key=product_id ;;
      esac
      row "$(label "get_order_analytics $g")" \
        "$(tool_ms "{\"name\":\"get_order_analytics\",\"arguments\":{\"analytics_type\":\"$g\"}}")" \
        "$(sql_ms "$db" "SELECT $key AS k, COUNT(*), SUM(quantity), $cents, COUNT(DISTINCT name) FROM orders NOT INDEXED GROUP BY k ORDER BY k DESC LIMIT 30;")" \
        "ms (plain SQL)" lower
    done
    row "$(label "get_orders transaction_id ~ $needle")" \
      "$(tool_ms "{\"name\":\"get_orders\",\"arguments\":{\"transaction_id\":\"$needle\",\"limit\":10}}")" \
      "$(sql_ms "$db" "SELECT * FROM orders WHERE instr(transaction_id, '$needle') > 0 ORDER BY created_at DESC LIMIT 10;")" \
      "ms (plain SQL)" lower
    row "$(label "get_orders status + 3 days")" \
      "$(tool_ms "{\"name\":\"get_orders\",\"arguments\":{\"status\":\"pending\",\"date_from\":\"$from\",\"date_to\":\"$last\",\"limit\":10}}")" \
      "$(sql_ms "$db" "SELECT * FROM orders WHERE status = 'pending' AND created_at BETWEEN '$from 00:00:00' AND '$last 23:59:59' ORDER BY created_at DESC LIMIT 10;")" \
      "ms (plain SQL)" lower
    row "$(label "get_orders customer name")" \
      "$(tool_ms '{"name":"get_orders","arguments":{"customer_name":"陳","limit":10}}')" \
      "$(sql_ms "$db" "SELECT * FROM orders WHERE instr(lower(name), lower('陳')) > 0 ORDER BY created_at DESC LIMIT 10;")" \
      "ms (plain SQL)" lower
    stop_stack
    rm -f "$db" "$db"-wal "$db"-shm
  done
fi

# --- the table ----------------------------------------------------------------------------------
echo
echo "## shop-mcp vs anchor ($(nproc) cores; servers on CPU 1, load on CPU 0; $(date -u +%F))"
awk -F'|' 'BEGIN { printf "| %-52s | %10s | %10s | %-14s | %8s |\n|%s|%s|%s|%s|%s|\n", "measure",
                     "shop-mcp", "anchor", "unit", "ratio", "---", "---:", "---:", "---", "---:" }
  { ratio = "-"
    if ($2 + 0 > 0 && $3 + 0 > 0) ratio = sprintf("%.1fx", ($5 == "higher") ? $2 / $3 : $3 / $2)
    printf "| %-52s | %10s | %10s | %-14s | %8s |\n", $1, $2, $3, $4, ratio }' "$ROWS"
echo "(ratio: how many times better shop-mcp is; the anchor is the TS SDK server, or plain SQL for the tools)"
[[ -f $T_DIR/cpu.txt ]] && cat "$T_DIR/cpu.txt"
pass "benchmark ran"
finish
