#!/usr/bin/env bash
# Benchmark: seeds a database of N orders (timing it), serves it through a private nginx, and
# prints the median and worst of 5 calls of each aggregate tool, timed by curl. Not part of ctest.
#
#   bash tests/bench/query_latency.sh [ORDERS=1000000]
set -euo pipefail
N=${1:-1000000}
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"
db=$T_DIR/bench.db
t0=$(date +%s%N)
"$SHOPMCP_BIN" --db "$db" --seed-orders "$N" --init-only --log-level warn
echo "# seeded $N orders in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
start_stack "SHOP_MCP_DB=$db" --log-level warn
for args in '{"name":"get_customer_stats","arguments":{}}' \
  '{"name":"get_order_analytics","arguments":{"analytics_type":"daily"}}' \
  '{"name":"get_order_analytics","arguments":{"analytics_type":"monthly"}}' \
  '{"name":"get_order_analytics","arguments":{"analytics_type":"status"}}' \
  '{"name":"get_order_analytics","arguments":{"analytics_type":"product"}}' \
  '{"name":"get_orders","arguments":{"customer_name":"陳","limit":10}}'; do
  times=()
  for _ in 1 2 3 4 5; do
    t=$(curl -s -o "$T_DIR/out.json" -w '%{time_total}' "$(base_url)/mcp/tools/call" \
      -H 'Content-Type: application/json' --data-binary "$args")
    jq -e '.isError != true' "$T_DIR/out.json" >/dev/null || t_fatal "call failed: $args"
    times+=("$t")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v a="$args" \
    '{ v[NR] = $1 * 1000 } END { printf "# %-75s median %7.1f ms  max %7.1f ms\n", a, v[3], v[5] }'
done
pass "every call answered"
stop_stack
finish
