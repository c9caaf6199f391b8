#!/usr/bin/env bash
# The seed's SSE route POST /mcp/sse through a real nginx, with short intervals from config:
# headers and frames, lifetime (timeout, close, end), hang-ups (normal and SIGKILL) seen within
# 100 ms, 500 concurrent streams all pinged on time, a client that never reads delaying nobody,
# the open-stream cap (503 + Retry-After), the gauges and the app's fds back to baseline, and
# the SIGTERM drain delivering close frames.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BENCH=${SHOPMCP_BENCH_BIN:-$SHOPMCP_SOURCE_DIR/build/tests/bench/sse_bench}
[[ -x $BENCH ]] || t_fatal "sse_bench not found at $BENCH (build the tests first)"

gauge() { metric shopmcp_streams_open; }
closed_count() { metric "shopmcp_streams_closed_total{reason=\"$1\"}"; }  # closed_count REASON
app_fds() { find "/proc/$(app_pid)/fd" -mindepth 1 -maxdepth 1 | wc -l; }
# open_stream OUTFILE [BODY]: a background curl on POST /mcp/sse; sets STREAM_PID.
open_stream() {
  curl -sN -X POST "$(base_url)/mcp/sse" -H 'Content-Type: application/json' \
    --data-binary "${2:-}" >"$1" 2>/dev/null &
  STREAM_PID=$!
  t_track "$STREAM_PID"
}
now_ms() { date +%s%3N; }
jq_true() { jq -e "$@" >/dev/null; }
# The ms timestamp of the app's last "SSE connection closed" line for a reason.
last_close_ms() {
  local line
  line=$(grep "SSE connection closed" "$(app_log)" | grep "\"reason\":\"$1\"" | tail -n 1)
  [[ -n $line ]] || return 1
  date -u -d "$(sed -E 's/^\[([^]]+)\].*/\1/' <<<"$line")" +%s%3N
}

start_stack SHOP_MCP_PING_INTERVAL=1 SHOP_MCP_MAX_CONNECTION_TIME=3 SHOP_MCP_MAX_STREAMS=1200
base_fds=$(app_fds)
assert_eq "no stream open at start" 0 "$(gauge)"

echo "# headers and frames; a 3 s lifetime gives timeout, then close, then the end of the stream"
out=$T_DIR/lifetime.txt
start=$SECONDS
timeout 10 curl -sN -i -X POST "$(base_url)/mcp/sse" -H 'Content-Type: application/json' \
  -d '{"jsonrpc":"2.0","method":"ping","params":{},"id":"test"}' >"$out" || true
elapsed=$((SECONDS - start))
assert_true "the stream ended by itself after its lifetime (${elapsed}s)" test "$elapsed" -ge 2 -a "$elapsed" -le 6
headers=$(tr -d '\r' <"$out" | sed '/^$/q')
assert_contains "Content-Type is text/event-stream; charset=utf-8" "$headers" "Content-Type: text/event-stream; charset=utf-8"
assert_contains "Cache-Control as the reference" "$headers" "Cache-Control: no-cache, no-store, must-revalidate"
assert_contains "Access-Control-Allow-Origin" "$headers" "Access-Control-Allow-Origin: *"
events=$(grep '^event: ' "$out" | sed 's/^event: //' | tr '\n' ' ')
assert_eq "frames in order: response, pings, timeout, close last" \
  "response ping ping ping timeout close " "$events"
assert_contains "the response carries the request's id" "$(cat "$out")" $'event: response\nid: test\ndata: {"jsonrpc":"2.0","id":"test","result":{}}'
ping=$(grep -A1 '^event: ping' "$out" | sed -n 's/^data: //p' | head -n 1)
assert_true "ping data has every field" jq_true '.event == "ping" and (.data | has("timestamp") and has("ping_count")
  and has("connection_id") and has("uptime") and has("server_time") and has("memory_usage") and has("memory_peak"))' <<<"$ping"
close=$(grep -A1 '^event: close' "$out" | sed -n 's/^data: //p')
assert_true "close frame {reason: timeout, connection_id, timestamp}" \
  jq_true '.reason == "timeout" and (.connection_id | startswith("mcp_sse_")) and (.timestamp | type == "number")' <<<"$close"

echo "# welcome for an empty body; error frames for bad JSON and unknown methods"
timeout 2 curl -sN -X POST "$(base_url)/mcp/sse" >"$T_DIR/welcome.txt" || true
welcome=$(grep -A1 '^event: welcome' "$T_DIR/welcome.txt" | sed -n 's/^data: //p')
assert_true "welcome {status: connected, connection_id, server, version}" \
  jq_true '.result.status == "connected" and (.result.connection_id | length > 20) and .result.server == "shop-mcp" and (.result.version | length > 0)' <<<"$welcome"
timeout 2 curl -sN -X POST "$(base_url)/mcp/sse" -d '{"jsonrpc":' >"$T_DIR/parse.txt" || true
assert_contains "malformed JSON: an error frame with -32700" "$(cat "$T_DIR/parse.txt")" $'event: error\ndata: {"jsonrpc":"2.0","id":null,"error":{"code":-32700'
timeout 2 curl -sN -X POST "$(base_url)/mcp/sse" -d '{"jsonrpc":"2.0","id":5,"method":"nope"}' >"$T_DIR/unknown.txt" || true
assert_contains "unknown method: an error frame with -32601 and the id" "$(cat "$T_DIR/unknown.txt")" $'event: error\nid: 5\n'
ids=$(cat "$T_DIR"/*.txt | sed -n 's/.*"connection_id":"\(mcp_sse_[0-9a-f]*\)".*/\1/p' | sort -u | wc -l)
assert_true "connection ids are distinct ($ids seen)" test "$ids" -ge 3

echo "# a client that leaves normally, and one killed with SIGKILL: closed within 100 ms"
for how in TERM KILL; do
  open_stream "$T_DIR/leave-$how.txt"
  wait_for "$T_DIR/leave-$how.txt" "event: welcome" || fail "stream ($how) did not open"
  before=$(closed_count client_disconnected)
  t0=$(now_ms)
  kill "-$how" "$STREAM_PID"
  wait "$STREAM_PID" 2>/dev/null || true
  deadline=$((SECONDS + 5))
  while (($(closed_count client_disconnected) == before)) && ((SECONDS < deadline)); do sleep 0.01; done
  t1=$(last_close_ms client_disconnected || echo 0)
  latency=$((t1 - t0))
  assert_true "SIG$how client: stream closed as client_disconnected in ${latency} ms (<= 100)" \
    test "$latency" -ge 0 -a "$latency" -le 100
done
assert_eq "open-stream gauge back to 0" 0 "$(gauge)"

echo "# /mcp/metrics: requests by route and status, tool calls by tool and outcome with latency"
call_tool get_orders '{"limit":2}'
call_tool get_orders '{"limit":0}'
get /mcp/metrics
assert_ct '^text/plain'
assert_contains "tool calls counted as ok" "$RESP_BODY" 'shopmcp_tool_calls_total{tool="get_orders",outcome="ok"} 1'
assert_contains "tool errors counted apart" "$RESP_BODY" 'shopmcp_tool_calls_total{tool="get_orders",outcome="error"} 1'
assert_contains "tool latency histogram" "$RESP_BODY" 'shopmcp_tool_call_seconds_count{tool="get_orders"} 2'
assert_contains "requests by route and status" "$RESP_BODY" 'shopmcp_http_requests_total{route="/mcp/tools/call",status="200"} 2'
# Closed so far: 1 by its lifetime; 3 short curls and the TERM and KILL clients left.
assert_eq "streams closed by reason: timeout" 1 "$(closed_count timeout)"
assert_eq "streams closed by reason: client_disconnected" 5 "$(closed_count client_disconnected)"
# Whichever detector saw each client leave first (the socket watch or a write), the reason is the
# same, and the log line says which one it was.
n_detected=$(grep "SSE connection closed" "$(app_log)" | grep '"reason":"client_disconnected"' |
  grep -cE '"detected_by":"(hangup|write)"' || true)
assert_eq "every client_disconnected close names its detector" 5 "$n_detected"

echo "# /mcp/stats: the same figures as JSON, open streams by route"
open_stream "$T_DIR/stats-stream.txt"
stats_pid=$STREAM_PID
wait_for "$T_DIR/stats-stream.txt" "event: welcome"
get /mcp/stats
RESP_DESC="GET /mcp/stats"
assert_status 200
assert_ct '^application/json'
assert_json '.streams.open == 1 and .streams.open_by_route == {"POST /mcp/sse": 1}' "one open stream, on POST /mcp/sse"
assert_json '.tools.get_orders.ok == 1 and .tools.get_orders.error == 1 and .tools.get_orders.count == 2' "tool calls by outcome"
assert_json '.requests.by_route["/mcp/tools/call"]["200"] == 2 and .streams.closed.client_disconnected == 5' \
  "requests by route and status; streams closed by reason"
assert_json '(.time | type) == "number" and .uptime_seconds > 0 and (.pings_sent | type) == "number"' "time, uptime and pings"
kill "$stats_pid"
wait_for_gauge_zero() {
  local deadline=$((SECONDS + 5))
  until [[ $(gauge) == 0 ]]; do ((SECONDS < deadline)) || return 1; sleep 0.05; done
}
wait_for_gauge_zero || true
get /mcp/stats
assert_json '.streams.open == 0 and .streams.open_by_route == {}' "after the client left: none open"

echo "# the open-stream cap: beyond it 503 with Retry-After"
stop_stack
start_stack SHOP_MCP_PING_INTERVAL=1 SHOP_MCP_MAX_STREAMS=2
open_stream "$T_DIR/cap1.txt"
p1=$STREAM_PID
open_stream "$T_DIR/cap2.txt"
p2=$STREAM_PID
wait_for "$T_DIR/cap1.txt" "event: welcome"
wait_for "$T_DIR/cap2.txt" "event: welcome"
request POST /mcp/sse -D "$T_DIR/cap3.h"
assert_eq "a third stream over the cap of 2 gets 503" 503 "$RESP_STATUS"
assert_contains "503 carries Retry-After" "$(tr -d '\r' <"$T_DIR/cap3.h")" "Retry-After: 5"
assert_json '.error.message | test("Too many open streams")' "503 body says why"
kill "$p1" "$p2"
wait "$p1" "$p2" 2>/dev/null || true
stop_stack

echo "# 500 concurrent streams, all pinged on time, while clients that never read sit beside them"
start_stack SHOP_MCP_PING_INTERVAL=1 SHOP_MCP_MAX_STREAMS=1200
base_fds=$(app_fds)
# Non-readers: send the request, never read a byte (bash keeps the sockets open).
for fd in 7 8 9; do
  eval "exec $fd<>/dev/tcp/127.0.0.1/$STACK_PORT"
  printf 'POST /mcp/sse HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n' >&"$fd"
done
if "$BENCH" --port "$STACK_PORT" --streams 500 --ping-interval 1 --duration 3.5 \
  --app-pid "$(app_pid)" --hangups 100 >"$T_DIR/bench.txt" 2>&1; then
  pass "500 streams opened, every one pinged, no keepalive late by half an interval"
else
  fail "500-stream run failed" "$(cat "$T_DIR/bench.txt")"
fi
sed 's/^/# /' "$T_DIR/bench.txt"
p99=$(sed -n 's/^hang-up -> stream finished: p50 [0-9.]* ms, p99 \([0-9.]*\) ms.*/\1/p' "$T_DIR/bench.txt")
assert_true "hang-up -> finished p99 ${p99:-?} ms <= 100 ms" awk -v v="${p99:-999}" 'BEGIN { exit !(v <= 100) }'
for fd in 7 8 9; do eval "exec $fd>&-"; done
deadline=$((SECONDS + 5))
while (($(gauge) != 0)) && ((SECONDS < deadline)); do sleep 0.05; done
assert_eq "every client gone: open-stream gauge back to 0" 0 "$(gauge)"
assert_eq "every client gone: the app's open fds back to baseline" "$base_fds" "$(app_fds)"

echo "# SIGTERM with 1,000 streams open: close frames delivered, app exits 0 within 2 s"
if "$BENCH" --port "$STACK_PORT" --streams 1000 --ping-interval 1 --duration 1.5 \
  --app-pid "$(app_pid)" --drain >"$T_DIR/drain.txt" 2>&1; then :; fi
sed 's/^/# /' "$T_DIR/drain.txt"
assert_true "every stream got a server_shutdown close frame" grep -q "drain on SIGTERM: 1000 of 1000 streams got a close frame" "$T_DIR/drain.txt"
drain_ms=$(sed -n 's/.*app exited in \([0-9]*\) ms.*/\1/p' "$T_DIR/drain.txt")
assert_true "drained and exited in ${drain_ms:-?} ms (< 2000)" test "${drain_ms:-9999}" -lt 2000
rc=0
wait "$STACK_APP_PID" || rc=$?
assert_eq "the app exited 0 after SIGTERM" 0 "$rc"
assert_eq "every close logged as server_shutdown" 1000 "$(grep -c '"reason":"server_shutdown"' "$(app_log)")"
STACK_APP_PID=
stop_stack

finish
