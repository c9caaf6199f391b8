#!/usr/bin/env bash
# Benchmark: N seed-route SSE streams through one private nginx, held by 1 shop-mcp process and
# then by 2 instances (the site file's instances block, as deploy/run-local.sh --instances 2
# writes it), measured in the same run. Each process may hold at most the per-process open-file
# limit of descriptors (20,000 here), and every stream needs one in the app: one process cannot
# hold 20,000, two can. The load is two sse_bench processes of N/2 streams each (the client has
# the same limit); nginx gets 4 workers, since each stream holds two nginx connections. Prints
# figures; not part of ctest.
#
#   bash tests/bench/instances_streams.sh [STREAMS=20000] [PING_INTERVAL_S=5]
# Needs a build (tests/run-all.sh or cmake --build build).
set -euo pipefail
N=${1:-20000}
PING=${2:-5}
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"
_t_require
BENCH=${SHOPMCP_BENCH_BIN:-$SHOPMCP_SOURCE_DIR/build/tests/bench/sse_bench}
[[ -x $BENCH ]] || t_fatal "no sse_bench at $BENCH (build first)"
DB=$T_DIR/shop.db
SHOP_MCP_DB=$DB "$SHOPMCP_BIN" --init-only --log-level warn
echo "# open-file limit per process: $(ulimit -Hn); $N streams, ping interval ${PING}s"

kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status" 2>/dev/null || echo 0; }
fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

# run NAMES...: the apps (named, or one unnamed when NAMES is "-"), nginx, two sse_bench of N/2
# streams, figures. Sets HELD (streams open and pinged) and LATE_MAX (ms).
run() {
  local names=("$@") pids=() list=() name i port before=() out
  for name in "${names[@]}"; do
    local sock=$T_DIR/$name.sock env=()
    rm -f "$sock"
    [[ $name != - ]] && env=("SHOP_MCP_INSTANCE=$name")
    env "${env[@]}" SHOP_MCP_DB="$DB" SHOP_MCP_LISTEN="unix:$sock" SHOP_MCP_PING_INTERVAL="$PING" \
      SHOP_MCP_THREADS=4 SHOP_MCP_MAX_STREAMS="$N" SHOP_MCP_MAX_SESSIONS=100 "$SHOPMCP_BIN" \
      --log-level warn </dev/null >>"$T_DIR/app.log" 2>&1 &
    pids+=($!)
    t_track "$!"
    list+=("$name=unix:$sock")
  done
  port=$(shopmcp_free_port)
  local upstream=${list[0]#*=}
  ((${#names[@]} > 1)) && upstream=$(IFS=,; echo "${list[*]}")
  shopmcp_nginx_prefix "$T_DIR/nginx" "$port" "$upstream" "" 4
  shopmcp_nginx_cmd "$T_DIR/nginx"
  "${SHOPMCP_NGINX_CMD[@]}" </dev/null >>"$T_DIR/nginx.out" 2>&1 &
  local nginx=$!
  t_track "$nginx"
  shopmcp_wait_health "http://127.0.0.1:$port" 30 "${pids[@]}" "$nginx" || t_fatal "the stack did not start"
  for i in "${!pids[@]}"; do before+=("$(kb "${pids[i]}")"); done

  # The second client starts once the first has opened its streams (each opens 256 at a time:
  # two ramps at once would fill the app's request queue, and the excess gets 503), and the
  # first holds its streams until the second is done.
  local half=$((N / 2)) hold
  hold=$(awk -v p="$PING" 'BEGIN { print p * 3.2 }')
  stdbuf -oL "$BENCH" --port "$port" --streams "$half" --ping-interval "$PING" \
    --duration "$(awk -v h="$hold" 'BEGIN { print h + 12 }')" >"$T_DIR/bench1.out" 2>&1 &
  local b1=$!
  t_track "$b1"
  local deadline=$((SECONDS + 120))
  until grep -q '^opened' "$T_DIR/bench1.out"; do
    if ((SECONDS >= deadline)) || ! shopmcp_running "$b1"; then break; fi
    sleep 0.2
  done
  stdbuf -oL "$BENCH" --port "$port" --streams $((N - half)) --ping-interval "$PING" \
    --duration "$hold" >"$T_DIR/bench2.out" 2>&1 &
  local b2=$!
  t_track "$b2"
  # Memory and descriptors while every stream is open: once the second has opened its own.
  until grep -q '^opened' "$T_DIR/bench2.out"; do
    if ((SECONDS >= deadline)) || ! shopmcp_running "$b2"; then break; fi
    sleep 0.2
  done
  sleep "$(awk -v p="$PING" 'BEGIN { print p * 1.5 }')"
  for i in "${!pids[@]}"; do
    local open rss
    open=$(curl -s -H "Mcp-Session-Id: ${names[i]}.0" "http://127.0.0.1:$port/mcp/stats" |
      jq '.streams.open' 2>/dev/null || true)
    # No answer when the process has no descriptor left for nginx's connection.
    [[ $open =~ ^[0-9]+$ ]] || open="? (no /mcp/stats answer)"
    rss=$(kb "${pids[i]}")
    echo "#   app ${names[i]/#-/(one process)}: $open streams open, $(fds "${pids[i]}") fds, RSS $rss KB" \
      "($(awk -v a="$rss" -v b="${before[i]}" -v n="${open%% *}" 'BEGIN { printf "%.1f", n + 0 ? (a - b) / n : 0 }') KB per stream)"
  done
  BENCH_RC=0
  wait "$b1" || BENCH_RC=1
  wait "$b2" || BENCH_RC=1
  HELD=0
  LATE_MAX=0
  for out in "$T_DIR/bench1.out" "$T_DIR/bench2.out"; do
    sed 's/^/#   sse_bench: /' "$out" | grep -E 'opened|streams:|lateness|failed' || true
    local h m
    h=$(sed -n 's/^streams: \([0-9]*\) open and pinged.*/\1/p' "$out")
    m=$(sed -n 's/.*max \([0-9.]*\) ms over.*/\1/p' "$out")
    HELD=$((HELD + ${h:-0}))
    LATE_MAX=$(awk -v a="$LATE_MAX" -v b="${m:-0}" 'BEGIN { print (b > a ? b : a) }')
  done
  shopmcp_stop_pids 20 "${pids[@]}" "$nginx" || true
}

echo "# one process"
run -
one=$HELD
one_late=$LATE_MAX
echo "# two instances, i1 and i2"
run i1 i2
two=$HELD
two_rc=$BENCH_RC
echo
echo "| stack | streams held and pinged (of $N) | worst ping lateness |"
echo "|---|---:|---:|"
echo "| 1 process | $one | $one_late ms |"
echo "| 2 instances behind one nginx | $two | $LATE_MAX ms |"
if ((two == N && two_rc == 0)); then
  pass "2 instances held all $N streams, every keepalive on time (worst $LATE_MAX ms late)"
else
  fail "2 instances: $two of $N streams held, worst keepalive $LATE_MAX ms late"
fi
finish
