#!/usr/bin/env bash
# The four tools on PostgreSQL against an independent oracle: a private cluster (deploy/common.sh
# shopmcp_pg_start), the app started on its empty database "shop" (it creates and seeds the
# Laravel-shaped tables), and for each argument set the expected answer computed here with psql on
# the same data (SQL written for this test, not the app's) and compared with the tool's JSON: the
# rows in order (names byte-wise, COLLATE "C"), totals, per-customer figures, analytics rows
# (money within a cent). Also: the exact key sets, and that the parts add up. The twin of
# test_tools_vs_sqlite.sh, with the same argument sets.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v psql >/dev/null || t_fatal "psql not found: run deploy/install-deps.sh"

chmod 0711 "$T_DIR" # the server runs as the postgres user when this runs as root
shopmcp_pg_start "$T_DIR/pg" fsync=off
t_track "$SHOPMCP_PG_PID"
start_stack "SHOP_MCP_DB=$SHOPMCP_PG_URL"

# --- the oracle -------------------------------------------------------------------------------

# psql_q QUERY: QUERY's rows, unaligned, no headers, with psql on the stack's database.
psql_q() { psql -X -A -t -q -v ON_ERROR_STOP=1 "$SHOPMCP_PG_URL" -c "$1"; }
# lit STRING: STRING as an SQL string literal (standard_conforming_strings: only ' is special).
lit() {
  local s=${1//\'/\'\'}
  printf "'%s'" "$s"
}
# arg ARGS NAME: the argument's value as jq -r prints it, or nothing when absent/null.
arg() { jq -r --arg k "$2" '.[$k] // empty' <<<"$1"; }
# positive ARGS NAME: the numeric argument when > 0 (0 means "no bound"), else nothing.
positive() { jq -r --arg k "$2" '.[$k] // 0 | if . > 0 then . else empty end' <<<"$1"; }
# like COLUMN VALUE: case-insensitive substring, % and _ literal.
like() { echo " AND strpos(lower($1), lower($(lit "$2"))) > 0"; }
# Timestamps as the tools show them (UTC, as stored).
stamp() { echo "to_char($1, 'YYYY-MM-DD HH24:MI:SS')"; }

# order_filters ARGS: SQL conditions on orders o (and products p) for the shared order filters.
order_filters() {
  local a=$1 c="true" v
  v=$(arg "$a" transaction_id) && [[ -n $v ]] && c+=$(like o.transaction_id "$v")
  v=$(arg "$a" customer_name) && [[ -n $v ]] && c+=$(like o.name "$v")
  v=$(arg "$a" product_name) && [[ -n $v ]] && c+=$(like p.name "$v")
  v=$(arg "$a" status) && [[ -n $v && $v != all ]] && c+=" AND o.status = $(lit "$v")"
  v=$(positive "$a" min_amount) && [[ -n $v ]] && c+=" AND o.amount >= $v"
  v=$(positive "$a" max_amount) && [[ -n $v ]] && c+=" AND o.amount <= $v"
  v=$(arg "$a" date_from) && [[ -n $v ]] && c+=" AND o.created_at::date >= $(lit "$v")::date"
  v=$(arg "$a" date_to) && [[ -n $v ]] && c+=" AND o.created_at::date <= $(lit "$v")::date"
  echo "$c"
}

# The rows r numbered n in the order wanted; json_agg keeps that order with ORDER BY n.
expect_orders() {
  local a=$1 limit
  limit=$(jq '.limit // 10' <<<"$a")
  psql_q "SELECT json_build_object('success', true, 'total', count(*),
         'orders', coalesce(json_agg(r ORDER BY n), '[]'::json))
       FROM (SELECT json_build_object('transaction_id', o.transaction_id, 'customer_name', o.name,
               'product_name', p.name, 'quantity', o.quantity, 'amount', o.amount,
               'status', o.status, 'created_at', $(stamp o.created_at),
               'updated_at', $(stamp o.updated_at)) AS r,
               row_number() OVER (ORDER BY o.created_at DESC NULLS LAST,
                 o.transaction_id COLLATE \"C\" DESC) AS n
             FROM orders o JOIN products p ON p.id = o.product_id
             WHERE $(order_filters "$a") ORDER BY n LIMIT $limit) s"
}

expect_products() {
  local a=$1 limit c="true" v
  limit=$(jq '.limit // 10' <<<"$a")
  v=$(arg "$a" name) && [[ -n $v ]] && c+=$(like p.name "$v")
  v=$(arg "$a" category) && [[ -n $v ]] && c+=$(like p.category "$v")
  v=$(positive "$a" min_price) && [[ -n $v ]] && c+=" AND p.price >= $v"
  v=$(positive "$a" max_price) && [[ -n $v ]] && c+=" AND p.price <= $v"
  v=$(arg "$a" stock_quantity) && [[ -n $v ]] && c+=" AND p.stock_quantity >= $v"
  psql_q "SELECT json_build_object('success', true, 'total', count(*),
         'products', coalesce(json_agg(r ORDER BY n), '[]'::json))
       FROM (SELECT json_build_object('id', p.id, 'name', p.name, 'description', p.description,
               'price', p.price, 'stock_quantity', p.stock_quantity, 'category', p.category,
               'created_at', $(stamp p.created_at), 'updated_at', $(stamp p.updated_at)) AS r,
               row_number() OVER (ORDER BY p.name COLLATE \"C\", p.id) AS n
             FROM products p WHERE $c ORDER BY n LIMIT $limit) s"
}

# Customers: by total spent as shown (rounded to cents), ties by name (byte-wise).
expect_customer_stats() {
  local a=$1 limit where
  limit=$(jq '.limit // 20' <<<"$a")
  where=$(order_filters "$a")
  psql_q "WITH f AS (SELECT o.* FROM orders o JOIN products p ON p.id = o.product_id
                     WHERE $where),
       c AS (SELECT json_build_object('customer_name', name, 'total_orders', count(*),
               'total_spent', round(sum(amount), 2),
               'average_order_amount', round(avg(amount), 2),
               'first_order_date', $(stamp 'min(created_at)'),
               'last_order_date', $(stamp 'max(created_at)')) AS r,
               row_number() OVER (ORDER BY round(sum(amount), 2) DESC, name COLLATE \"C\") AS n
             FROM f GROUP BY name ORDER BY n LIMIT $limit)
       SELECT json_build_object('success', true,
         'overall_statistics', (SELECT json_build_object('unique_customers', count(DISTINCT name),
             'total_orders', count(*), 'total_revenue', round(coalesce(sum(amount), 0), 2),
             'average_order_value', round(coalesce(avg(amount), 0), 2)) FROM f),
         'customer_count', (SELECT count(*) FROM c),
         'customers', (SELECT coalesce(json_agg(r ORDER BY n), '[]'::json) FROM c))"
}

expect_analytics() {
  local a=$1 type limit where rows
  type=$(jq -r '.analytics_type // "daily"' <<<"$a")
  limit=$(jq '.limit // 30' <<<"$a")
  where=$(order_filters "$a")
  local f="SELECT o.*, p.name AS product_name FROM orders o JOIN products p ON p.id = o.product_id
           WHERE $where"
  local money="'order_count', count(*), 'total_revenue', round(sum(amount), 2),
               'average_order_value', round(avg(amount), 2)"
  case $type in
    daily)
      rows="SELECT json_build_object('date', to_char(created_at::date, 'YYYY-MM-DD'), $money,
              'unique_customers', count(DISTINCT name)) AS r,
              row_number() OVER (ORDER BY created_at::date DESC) AS n
            FROM ($f) f GROUP BY created_at::date ORDER BY n LIMIT $limit"
      ;;
    monthly)
      # FMMonth (no TM prefix): English month names whatever the locale.
      rows="SELECT json_build_object('year', extract(year FROM m)::int,
              'month', extract(month FROM m)::int, 'month_name', to_char(m, 'FMMonth'),
              $money, 'unique_customers', count(DISTINCT name)) AS r,
              row_number() OVER (ORDER BY m DESC) AS n
            FROM (SELECT *, date_trunc('month', created_at) AS m FROM ($f) f0) f
            GROUP BY m ORDER BY n LIMIT $limit"
      ;;
    status)
      rows="SELECT json_build_object('status', status, $money,
              'unique_customers', count(DISTINCT name)) AS r,
              row_number() OVER (ORDER BY count(*) DESC, status COLLATE \"C\") AS n
            FROM ($f) f GROUP BY status"
      ;;
    product)
      rows="SELECT json_build_object('product_id', product_id, 'product_name', product_name,
              'order_count', count(*), 'total_quantity', sum(quantity),
              'total_revenue', round(sum(amount), 2),
              'average_order_value', round(avg(amount), 2)) AS r,
              row_number() OVER (ORDER BY sum(quantity) DESC, product_id) AS n
            FROM ($f) f GROUP BY product_id, product_name ORDER BY n LIMIT $limit"
      ;;
  esac
  psql_q "SELECT json_build_object('success', true, 'analytics_type', $(lit "$type"),
         'data', coalesce(json_agg(r ORDER BY n), '[]'::json)) FROM ($rows) s"
}

# check TOOL ARGS: calls the tool and compares its JSON (the text content) with the oracle.
check() {
  local tool=$1 args=$2 expected actual
  LAST=null
  case $tool in
    get_orders) expected=$(expect_orders "$args") ;;
    get_products) expected=$(expect_products "$args") ;;
    get_customer_stats) expected=$(expect_customer_stats "$args") ;;
    get_order_analytics) expected=$(expect_analytics "$args") ;;
  esac
  call_tool "$tool" "$args"
  if [[ $RESP_STATUS != 200 ]] || ! jq -e '(.isError // false) == false' >/dev/null 2>&1 <<<"$RESP_BODY"; then
    fail "$tool $args" "HTTP $RESP_STATUS: ${RESP_BODY:0:400}"
    return
  fi
  actual=$(tool_json)
  assert_same_json "$tool $args = psql" "$expected" "${actual:-null}"
  LAST=$actual
}

# Dates that exist in the data: the 3rd and the 10th most recent order days.
mapfile -t days < <(psql_q "SELECT DISTINCT to_char(created_at, 'YYYY-MM-DD') FROM orders
                            WHERE created_at IS NOT NULL ORDER BY 1 DESC")
((${#days[@]} >= 10)) || t_fatal "expected orders on at least 10 days, got ${#days[@]}"
d_to=${days[2]}
d_from=${days[9]}
d_one=${days[5]}
echo "# PostgreSQL $(psql_q 'SHOW server_version'): $(psql_q 'SELECT count(*) FROM orders') orders on ${#days[@]} days; ranges $d_from..$d_to, $d_one"

echo "# get_orders"
check get_orders '{}'
assert_jq "get_orders: exact keys" '[keys, (.orders[0] | keys)]' \
  '[["orders","success","total"],["amount","created_at","customer_name","product_name","quantity","status","transaction_id","updated_at"]]' \
  "$LAST"
check get_orders '{"limit":100}'
check get_orders '{"limit":1}'
check get_orders '{"status":"completed","limit":50}'
check get_orders '{"status":"refunded","limit":100}'
check get_orders '{"status":"all","limit":25}'
check get_orders '{"customer_name":"陳","limit":100}'
check get_orders '{"customer_name":"大明"}'
check get_orders '{"product_name":"可樂","limit":100}'
check get_orders '{"transaction_id":"txn0001","limit":100}'
assert_json '.total == 100 and all(.orders[]; .transaction_id | startswith("TXN0001"))' \
  "transaction_id is matched case-insensitively: txn0001 finds TXN000100..TXN000199" "$LAST"
check get_orders '{"transaction_id":"TXN000042"}'
check get_orders '{"min_amount":50,"max_amount":100,"limit":100}'
check get_orders '{"min_amount":45,"limit":100}'
check get_orders '{"max_amount":30,"limit":100}'
check get_orders '{"min_amount":0,"max_amount":0,"limit":7}'
check get_orders "{\"date_from\":\"$d_from\",\"date_to\":\"$d_to\",\"limit\":100}"
check get_orders "{\"date_from\":\"$d_one\",\"date_to\":\"$d_one\",\"limit\":100}"
check get_orders "{\"date_from\":\"$d_to\",\"limit\":100}"
check get_orders "{\"date_to\":\"$d_from\",\"limit\":100}"
check get_orders '{"status":"pending","product_name":"薯片","min_amount":20,"limit":100}'
check get_orders '{"customer_name":"nobody-by-this-name"}'
assert_jq "no match: total 0, orders []" '[.total, .orders]' '[0,[]]' "$LAST"

echo "# get_products"
check get_products '{}'
assert_jq "get_products: exact keys" '[keys, (.products[0] | keys)]' \
  '[["products","success","total"],["category","created_at","description","id","name","price","stock_quantity","updated_at"]]' \
  "$LAST"
check get_products '{"limit":100}'
check get_products '{"limit":3}'
check get_products '{"name":"可樂"}'
check get_products '{"category":"飲料"}'
check get_products '{"category":"雪糕","limit":2}'
check get_products '{"min_price":15,"max_price":25}'
check get_products '{"min_price":0,"max_price":0,"limit":100}'
check get_products '{"max_price":14.9}'
check get_products '{"stock_quantity":80}'
check get_products '{"name":"雪糕","stock_quantity":35}'
check get_products '{"name":"no such product"}'

echo "# get_customer_stats"
check get_customer_stats '{}'
assert_jq "get_customer_stats: exact keys" \
  '[keys, (.overall_statistics | keys), (.customers[0] | keys)]' \
  '[["customer_count","customers","overall_statistics","success"],["average_order_value","total_orders","total_revenue","unique_customers"],["average_order_amount","customer_name","first_order_date","last_order_date","total_orders","total_spent"]]' \
  "$LAST"
assert_json '(.customers | length) == .overall_statistics.unique_customers
  and .customer_count == (.customers | length)
  and ([.customers[].total_orders] | add) == .overall_statistics.total_orders
  and (([.customers[].total_spent] | add) - .overall_statistics.total_revenue | fabs) < 0.01 * (.customers | length) + 0.005' \
  "all customers listed: their orders and spending add up to the overall figures" "$LAST"
total_orders=$(psql_q "SELECT count(*) FROM orders")
assert_jq "overall total_orders without filters = every order" '.overall_statistics.total_orders' \
  "$total_orders" "$LAST"
check get_customer_stats '{"limit":5}'
assert_json '.overall_statistics.unique_customers > 5 and .customer_count == 5' \
  "limit 5: five customers listed, the overall figures still count everyone" "$LAST"
check get_customer_stats '{"status":"completed"}'
check get_customer_stats '{"status":"all","limit":100}'
check get_customer_stats '{"customer_name":"志"}'
check get_customer_stats "{\"date_from\":\"$d_from\",\"date_to\":\"$d_to\"}"
assert_json '([.customers[].total_orders] | add) == .overall_statistics.total_orders' \
  "date range: per-customer orders add up to the overall figure" "$LAST"
check get_customer_stats '{"status":"refunded","customer_name":"美","limit":3}'
check get_customer_stats '{"customer_name":"nobody-by-this-name"}'

echo "# get_order_analytics"
check get_order_analytics '{}'
assert_jq "daily: exact keys" '[keys, (.data[0] | keys)]' \
  '[["analytics_type","data","success"],["average_order_value","date","order_count","total_revenue","unique_customers"]]' \
  "$LAST"
check get_order_analytics '{"analytics_type":"daily","limit":100}'
assert_jq "daily, every day: order counts add up to all orders" '[.data[].order_count] | add' \
  "$total_orders" "$LAST"
check get_order_analytics '{"analytics_type":"daily","limit":5,"status":"completed"}'
check get_order_analytics "{\"analytics_type\":\"daily\",\"date_from\":\"$d_from\",\"date_to\":\"$d_to\"}"
check get_order_analytics '{"analytics_type":"monthly"}'
assert_jq "monthly: exact keys" '.data[0] | keys' \
  '["average_order_value","month","month_name","order_count","total_revenue","unique_customers","year"]' \
  "$LAST"
check get_order_analytics '{"analytics_type":"monthly","status":"pending","limit":1}'
check get_order_analytics '{"analytics_type":"status"}'
assert_jq "status: exact keys" '.data[0] | keys' \
  '["average_order_value","order_count","status","total_revenue","unique_customers"]' "$LAST"
assert_jq "status: counts add up to all orders" '[.data[].order_count] | add' "$total_orders" "$LAST"
check get_order_analytics '{"analytics_type":"status","limit":2}'
check get_order_analytics '{"analytics_type":"status","status":"cancelled"}'
check get_order_analytics "{\"analytics_type\":\"status\",\"date_from\":\"$d_one\",\"date_to\":\"$d_one\"}"
check get_order_analytics '{"analytics_type":"product"}'
assert_jq "product: exact keys" '.data[0] | keys' \
  '["average_order_value","order_count","product_id","product_name","total_quantity","total_revenue"]' \
  "$LAST"
assert_jq "product: quantities add up to all units sold" '[.data[].total_quantity] | add' \
  "$(psql_q 'SELECT sum(quantity) FROM orders')" "$LAST"
check get_order_analytics '{"analytics_type":"product","limit":3}'
check get_order_analytics '{"analytics_type":"product","status":"refunded"}'
check get_order_analytics "{\"analytics_type\":\"product\",\"date_from\":\"$d_from\",\"date_to\":\"$d_to\",\"status\":\"all\"}"

echo "# the same answers over JSON-RPC"
expected=$(expect_orders '{"customer_name":"王","limit":20}')
rpc '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_orders","arguments":{"customer_name":"王","limit":20}}}'
assert_same_json "JSON-RPC tools/call get_orders = psql" "$expected" \
  "$(jq -c '.result.content[0].text | fromjson' <<<"$RESP_BODY" 2>/dev/null || echo null)"

assert_healthy
stop_stack
shopmcp_pg_stop "$SHOPMCP_PG_PID"
finish
