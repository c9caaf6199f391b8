#!/usr/bin/env bash
# The four tools against an independent oracle: for each argument set the expected answer is
# computed here with sqlite3 on the stack's own database file (SQL written for this test, not the
# app's) and compared with the tool's JSON: the rows in order, totals, per-customer figures,
# analytics rows (money within a cent). Also: the exact key sets, and that the parts add up.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_stack

# --- the oracle -------------------------------------------------------------------------------

# arg ARGS NAME: the argument's value as jq -r prints it, or nothing when absent/null.
arg() { jq -r --arg k "$2" '.[$k] // empty' <<<"$1"; }
# positive ARGS NAME: the numeric argument when > 0 (0 means "no bound"), else nothing.
positive() { jq -r --arg k "$2" '.[$k] // 0 | if . > 0 then . else empty end' <<<"$1"; }
# like COLUMN VALUE: case-insensitive substring, % and _ literal.
like() { echo " AND instr(lower($1), lower($(sq "$2"))) > 0"; }

# order_filters ARGS: SQL conditions on orders o (and products p) for the shared order filters.
order_filters() {
  local a=$1 c="1 = 1" v
  v=$(arg "$a" transaction_id) && [[ -n $v ]] && c+=$(like o.transaction_id "$v")
  v=$(arg "$a" customer_name) && [[ -n $v ]] && c+=$(like o.name "$v")
  v=$(arg "$a" product_name) && [[ -n $v ]] && c+=$(like p.name "$v")
  v=$(arg "$a" status) && [[ -n $v && $v != all ]] && c+=" AND o.status = $(sq "$v")"
  v=$(positive "$a" min_amount) && [[ -n $v ]] && c+=" AND o.amount >= $v"
  v=$(positive "$a" max_amount) && [[ -n $v ]] && c+=" AND o.amount <= $v"
  v=$(arg "$a" date_from) && [[ -n $v ]] && c+=" AND substr(o.created_at, 1, 10) >= $(sq "$v")"
  v=$(arg "$a" date_to) && [[ -n $v ]] && c+=" AND substr(o.created_at, 1, 10) <= $(sq "$v")"
  echo "$c"
}

expect_orders() {
  local a=$1 limit
  limit=$(jq '.limit // 10' <<<"$a")
  sql "SELECT json_object('success', json('true'), 'total', count(*),
         'orders', json(coalesce(json_group_array(json(r)), '[]')))
       FROM (SELECT json_object('transaction_id', o.transaction_id, 'customer_name', o.name,
               'product_name', p.name, 'quantity', o.quantity, 'amount', o.amount,
               'status', o.status, 'created_at', o.created_at, 'updated_at', o.updated_at) AS r
             FROM orders o JOIN products p ON p.id = o.product_id
             WHERE $(order_filters "$a")
             ORDER BY o.created_at DESC, o.transaction_id DESC LIMIT $limit)"
}

expect_products() {
  local a=$1 limit c="1 = 1" v
  limit=$(jq '.limit // 10' <<<"$a")
  v=$(arg "$a" name) && [[ -n $v ]] && c+=$(like p.name "$v")
  v=$(arg "$a" category) && [[ -n $v ]] && c+=$(like p.category "$v")
  v=$(positive "$a" min_price) && [[ -n $v ]] && c+=" AND p.price >= $v"
  v=$(positive "$a" max_price) && [[ -n $v ]] && c+=" AND p.price <= $v"
  v=$(arg "$a" stock_quantity) && [[ -n $v ]] && c+=" AND p.stock_quantity >= $v"
  sql "SELECT json_object('success', json('true'), 'total', count(*),
         'products', json(coalesce(json_group_array(json(r)), '[]')))
       FROM (SELECT json_object('id', p.id, 'name', p.name, 'description', p.description,
               'price', p.price, 'stock_quantity', p.stock_quantity, 'category', p.category,
               'created_at', p.created_at, 'updated_at', p.updated_at) AS r
             FROM products p WHERE $c ORDER BY p.name, p.id LIMIT $limit)"
}

# Customers: by total spent as shown (rounded to cents), ties by name.
expect_customer_stats() {
  local a=$1 limit where
  limit=$(jq '.limit // 20' <<<"$a")
  where=$(order_filters "$a")
  sql "WITH f AS (SELECT o.* FROM orders o JOIN products p ON p.id = o.product_id WHERE $where),
       c AS (SELECT json_object('customer_name', name, 'total_orders', count(*),
               'total_spent', round(sum(amount), 2), 'average_order_amount', round(avg(amount), 2),
               'first_order_date', min(created_at), 'last_order_date', max(created_at)) AS r
             FROM f GROUP BY name ORDER BY round(sum(amount), 2) DESC, name LIMIT $limit)
       SELECT json_object('success', json('true'),
         'overall_statistics', (SELECT json_object('unique_customers', count(DISTINCT name),
             'total_orders', count(*), 'total_revenue', round(coalesce(sum(amount), 0), 2),
             'average_order_value', round(coalesce(avg(amount), 0), 2)) FROM f),
         'customer_count', (SELECT count(*) FROM c),
         'customers', json((SELECT coalesce(json_group_array(json(r)), '[]') FROM c)))"
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
      rows="SELECT json_object('date', substr(created_at, 1, 10), $money,
              'unique_customers', count(DISTINCT name)) AS r
            FROM ($f) GROUP BY substr(created_at, 1, 10)
            ORDER BY substr(created_at, 1, 10) DESC LIMIT $limit"
      ;;
    monthly)
      rows="SELECT json_object('year', CAST(substr(created_at, 1, 4) AS INTEGER),
              'month', CAST(substr(created_at, 6, 2) AS INTEGER),
              'month_name', CASE CAST(substr(created_at, 6, 2) AS INTEGER)
                WHEN 1 THEN 'January' WHEN 2 THEN 'February' WHEN 3 THEN 'March'
                WHEN 4 THEN 'April' WHEN 5 THEN 'May' WHEN 6 THEN 'June' WHEN 7 THEN 'July'
                WHEN 8 THEN 'August' WHEN 9 THEN 'September' WHEN 10 THEN 'October'
                WHEN 11 THEN 'November' ELSE 'December' END,
              $money, 'unique_customers', count(DISTINCT name)) AS r
            FROM ($f) GROUP BY substr(created_at, 1, 7)
            ORDER BY substr(created_at, 1, 7) DESC LIMIT $limit"
      ;;
    status)
      rows="SELECT json_object('status', status, $money,
              'unique_customers', count(DISTINCT name)) AS r
            FROM ($f) GROUP BY status ORDER BY count(*) DESC, status"
      ;;
    product)
      rows="SELECT json_object('product_id', product_id, 'product_name', product_name,
              'order_count', count(*), 'total_quantity', sum(quantity),
              'total_revenue', round(sum(amount), 2), 'average_order_value', round(avg(amount), 2)) AS r
            FROM ($f) GROUP BY product_id ORDER BY sum(quantity) DESC, product_id LIMIT $limit"
      ;;
  esac
  sql "SELECT json_object('success', json('true'), 'analytics_type', $(sq "$type"),
         'data', json(coalesce(json_group_array(json(r)), '[]'))) FROM ($rows)"
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
  assert_same_json "$tool $args = sqlite3" "$expected" "${actual:-null}"
  LAST=$actual
}

# Dates that exist in the data: the 3rd and the 10th most recent order days.
mapfile -t days < <(sql "SELECT DISTINCT substr(created_at, 1, 10) FROM orders ORDER BY 1 DESC")
((${#days[@]} >= 10)) || t_fatal "expected orders on at least 10 days, got ${#days[@]}"
d_to=${days[2]}
d_from=${days[9]}
d_one=${days[5]}
echo "# $(sql 'SELECT count(*) FROM orders') orders on ${#days[@]} days; ranges $d_from..$d_to, $d_one"

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
total_orders=$(sql "SELECT count(*) FROM orders")
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
  "$(sql 'SELECT sum(quantity) FROM orders')" "$LAST"
check get_order_analytics '{"analytics_type":"product","limit":3}'
check get_order_analytics '{"analytics_type":"product","status":"refunded"}'
check get_order_analytics "{\"analytics_type\":\"product\",\"date_from\":\"$d_from\",\"date_to\":\"$d_to\",\"status\":\"all\"}"

echo "# the same answers over JSON-RPC"
expected=$(expect_orders '{"customer_name":"王","limit":20}')
rpc '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_orders","arguments":{"customer_name":"王","limit":20}}}'
assert_same_json "JSON-RPC tools/call get_orders = sqlite3" "$expected" \
  "$(jq -c '.result.content[0].text | fromjson' <<<"$RESP_BODY" 2>/dev/null || echo null)"

assert_healthy
finish
