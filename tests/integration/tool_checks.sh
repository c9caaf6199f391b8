# shellcheck shell=bash
# The argument sets and checks that test_tools_vs_sqlite.sh and test_tools_vs_psql.sh share
# (sourced after lib.sh). Each defines its oracle, in its database's own SQL, then calls
# run_tool_checks:
#   ORACLE                      its name in the check lines (sqlite3, psql)
#   oracle_q SQL                prints one query's result (plain SQL both databases take)
#   expect_orders ARGS, expect_products ARGS, expect_customer_stats ARGS, expect_analytics ARGS
#                               the tool's expected JSON for these arguments
#   days                        the days with orders (YYYY-MM-DD), newest first

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
  assert_same_json "$tool $args = $ORACLE" "$expected" "${actual:-null}"
  LAST=$actual
}

# shellcheck disable=SC2154  # days and ORACLE come from the sourcing script
run_tool_checks() {
  # Dates that exist in the data: the 3rd and the 10th most recent order days.
  ((${#days[@]} >= 10)) || t_fatal "expected orders on at least 10 days, got ${#days[@]}"
  local d_to=${days[2]} d_from=${days[9]} d_one=${days[5]} total_orders expected
  echo "# $(oracle_q 'SELECT count(*) FROM orders') orders on ${#days[@]} days; ranges $d_from..$d_to, $d_one"

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
  total_orders=$(oracle_q "SELECT count(*) FROM orders")
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
    "$(oracle_q 'SELECT sum(quantity) FROM orders')" "$LAST"
  check get_order_analytics '{"analytics_type":"product","limit":3}'
  check get_order_analytics '{"analytics_type":"product","status":"refunded"}'
  check get_order_analytics "{\"analytics_type\":\"product\",\"date_from\":\"$d_from\",\"date_to\":\"$d_to\",\"status\":\"all\"}"

  echo "# the same answers over JSON-RPC"
  expected=$(expect_orders '{"customer_name":"王","limit":20}')
  rpc '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_orders","arguments":{"customer_name":"王","limit":20}}}'
  assert_same_json "JSON-RPC tools/call get_orders = $ORACLE" "$expected" \
    "$(jq -c '.result.content[0].text | fromjson' <<<"$RESP_BODY" 2>/dev/null || echo null)"
}
