#!/usr/bin/env bash
# Benchmark: seeds a database of N orders (timing it), serves it through a private nginx, and
# prints the median and worst of 5 calls of each tool, timed by curl; on SQLite, on a private
# PostgreSQL (deploy/common.sh shopmcp_pg_start), or both in the same run, side by side. Not part
# of ctest.
#
#   bash tests/bench/query_latency.sh [ORDERS=1000000] [sqlite|postgres|both (default both)]
set -euo pipefail
N=${1:-1000000}
WHICH=${2:-both}
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"
case $WHICH in
  sqlite) dbs=(sqlite) ;;
  postgres) dbs=(postgres) ;;
  both) dbs=(sqlite postgres) ;;
  *) t_fatal "the second argument must be sqlite, postgres or both (got '$WHICH')" ;;
esac

today=$(date -u +%F)
three_days_ago=$(date -u -d '3 days ago' +%F)
calls=(
  '{"name":"get_customer_stats","arguments":{}}'
  '{"name":"get_order_analytics","arguments":{"analytics_type":"daily"}}'
  '{"name":"get_order_analytics","arguments":{"analytics_type":"monthly"}}'
  '{"name":"get_order_analytics","arguments":{"analytics_type":"status"}}'
  '{"name":"get_order_analytics","arguments":{"analytics_type":"product"}}'
  '{"name":"get_orders","arguments":{"transaction_id":"85714","limit":10}}'
  "{\"name\":\"get_orders\",\"arguments\":{\"status\":\"completed\",\"date_from\":\"$three_days_ago\",\"date_to\":\"$today\",\"limit\":10}}"
  '{"name":"get_orders","arguments":{"customer_name":"陳","limit":10}}'
)
declare -A median worst seeded

# measure LABEL: seeds N orders into LABEL's database, then times every call.
measure() {
  local label=$1 db
  if [[ $label == sqlite ]]; then
    db=$T_DIR/bench.db
  else
    chmod 0711 "$T_DIR" # the server runs as the postgres user when this runs as root
    shopmcp_pg_start "$T_DIR/pg"
    t_track "$SHOPMCP_PG_PID"
    db=$SHOPMCP_PG_URL
  fi
  local t0
  t0=$(date +%s%N)
  "$SHOPMCP_BIN" --db "$db" --seed-orders "$N" --init-only --log-level warn
  seeded[$label]=$((($(date +%s%N) - t0) / 1000000))
  echo "# $label: seeded $N orders in ${seeded[$label]} ms"
  start_stack "SHOP_MCP_DB=$db" --log-level warn
  local args times t m w
  for args in "${calls[@]}"; do
    times=()
    for _ in 1 2 3 4 5; do
      t=$(curl -s -o "$T_DIR/out.json" -w '%{time_total}' "$(base_url)/mcp/tools/call" \
        -H 'Content-Type: application/json' --data-binary "$args")
      jq -e '.isError != true' "$T_DIR/out.json" >/dev/null || t_fatal "call failed: $args"
      times+=("$t")
    done
    read -r m w < <(printf '%s\n' "${times[@]}" |
      sort -n | awk '{ v[NR] = $1 * 1000 } END { printf "%.1f %.1f\n", v[3], v[5] }')
    median["$label|$args"]=$m
    worst["$label|$args"]=$w
    echo "# $label $args: median ${median["$label|$args"]} ms, max ${worst["$label|$args"]} ms"
  done
  stop_stack
  [[ $label == sqlite ]] || shopmcp_pg_stop "$SHOPMCP_PG_PID"
}

for d in "${dbs[@]}"; do measure "$d"; done

echo
echo "## tools on $N orders through nginx: median of 5 (max), ms"
header="| call |"
rule="|---|"
for d in "${dbs[@]}"; do
  header+=" $d |"
  rule+="---:|"
done
echo "$header"
echo "$rule"
for args in "${calls[@]}"; do
  line="| \`$(jq -c '[.name, .arguments]' <<<"$args")\` |"
  for d in "${dbs[@]}"; do line+=" ${median["$d|$args"]} (${worst["$d|$args"]}) |"; done
  echo "$line"
done
line="| seeding (--init-only) |"
for d in "${dbs[@]}"; do line+=" ${seeded[$d]} |"; done
echo "$line"
pass "every call answered"
finish
