#!/usr/bin/env bash
# Benchmark: N seed-route SSE streams through a private nginx + shop-mcp (4 worker threads), with
# sse_bench reporting app RSS per stream, keepalive lateness, request latency with the streams
# open, hang-up -> finish latency and the SIGTERM drain. Prints figures; not part of ctest.
#
#   bash tests/bench/sse_streams.sh [STREAMS=10000] [PING_INTERVAL_S=5]
# Needs a build (tests/run-all.sh or cmake --build build). Each stream holds two nginx connections,
# so the stack gets two nginx workers of up to the open-file limit each.
set -euo pipefail
N=${1:-10000}
PING=${2:-5}
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"
BENCH=${SHOPMCP_BENCH_BIN:-$SHOPMCP_SOURCE_DIR/build/tests/bench/sse_bench}
STACK_NGINX_WORKERS=2 start_stack SHOP_MCP_PING_INTERVAL="$PING" SHOP_MCP_THREADS=4 \
  SHOP_MCP_MAX_STREAMS=$((N + 100)) --log-level warn
echo "# $N streams, ping interval ${PING}s, app pid $(app_pid)"
if "$BENCH" --port "$STACK_PORT" --streams "$N" --ping-interval "$PING" \
  --duration "$(awk -v p="$PING" 'BEGIN { print p * 2.2 }')" --app-pid "$(app_pid)" \
  --hangups 500 --drain; then
  pass "$N streams held, every keepalive on time"
else
  fail "$N streams: some failed or a keepalive was late (figures above)"
fi
STACK_APP_PID=
stop_stack
finish
