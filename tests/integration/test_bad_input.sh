#!/usr/bin/env bash
# Bad tool arguments give a tool error (isError: true) whose text names the field; text filters
# match literally (%, _ and SQL are plain characters), checked against sqlite3 with instr; unknown
# tools are protocol errors; the server answers /mcp/health after every one of them.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_stack

# bad TOOL ARGS FIELD_REGEX: a tool error whose text matches FIELD_REGEX.
bad() {
  local tool=$1 args=$2 field=$3 text
  call_tool "$tool" "$args"
  text=$(jq -r '.content[0].text // empty' 2>/dev/null <<<"$RESP_BODY" || true)
  if [[ $RESP_STATUS == 200 ]] && jq -e '.isError == true' >/dev/null 2>&1 <<<"$RESP_BODY" &&
    [[ $text =~ $field ]]; then
    pass "$tool $args -> isError, names $field"
  else
    fail "$tool $args -> isError naming $field" "HTTP $RESP_STATUS: ${RESP_BODY:0:400}"
  fi
  assert_healthy "  still healthy after $tool $args"
}

# good TOOL ARGS: a success (the valid edge cases next to the bad ones).
good() {
  call_tool "$1" "$2"
  assert_json '(.isError // false) == false and .structuredContent.success == true' "$1 $2 -> success"
}

echo "# get_orders"
bad get_orders '{"limit":0}' limit
bad get_orders '{"limit":101}' limit
bad get_orders '{"limit":-1}' limit
bad get_orders '{"limit":"abc"}' limit
bad get_orders '{"limit":"10"}' limit
bad get_orders '{"limit":2.5}' limit
bad get_orders '{"limit":true}' limit
bad get_orders '{"limit":null}' limit
good get_orders '{"limit":1}'
good get_orders '{"limit":100}'
bad get_orders '{"customer_name":5}' customer_name
bad get_orders '{"transaction_id":["TXN000001"]}' transaction_id
bad get_orders '{"product_name":{"like":"x"}}' product_name
bad get_orders '{"status":"shipped"}' status
bad get_orders '{"status":"COMPLETED"}' status
bad get_orders '{"status":1}' status
for s in pending processing completed cancelled refunded all; do good get_orders "{\"status\":\"$s\"}"; done
bad get_orders '{"date_from":"2025-02-30"}' date_from
bad get_orders '{"date_from":"2025-13-01"}' date_from
bad get_orders '{"date_from":"2023-02-29"}' date_from
bad get_orders '{"date_from":"2025-04-31"}' date_from
bad get_orders '{"date_from":"2025-00-10"}' date_from
bad get_orders '{"date_from":"2025-1-5"}' date_from
bad get_orders '{"date_from":"2025-01-05T00:00:00"}' date_from
bad get_orders '{"date_to":"yesterday"}' date_to
bad get_orders '{"date_to":""}' date_to
bad get_orders '{"date_to":20250101}' date_to
bad get_orders '{"date_from":"2025-03-10","date_to":"2025-03-01"}' 'date_(to|from)'
good get_orders '{"date_from":"2024-02-29","date_to":"2024-02-29"}'
good get_orders '{"date_from":"2025-03-01","date_to":"2025-03-01"}'
bad get_orders '{"min_amount":-1}' min_amount
bad get_orders '{"max_amount":-0.5}' max_amount
bad get_orders '{"min_amount":"10"}' min_amount
bad get_orders '{"max_amount":false}' max_amount
bad get_orders '{"min_amount":100,"max_amount":50}' '(min|max)_amount'
good get_orders '{"min_amount":50,"max_amount":50}'
bad get_orders '{"colour":"red"}' colour
bad get_orders '{"limit":5,"customer":"陳"}' customer

echo "# get_products"
bad get_products '{"limit":0}' limit
bad get_products '{"limit":101}' limit
bad get_products '{"limit":"abc"}' limit
bad get_products '{"limit":2.5}' limit
bad get_products '{"min_price":-1}' min_price
bad get_products '{"max_price":-0.5}' max_price
bad get_products '{"min_price":"cheap"}' min_price
bad get_products '{"min_price":30,"max_price":10}' '(min|max)_price'
bad get_products '{"stock_quantity":-1}' stock_quantity
bad get_products '{"stock_quantity":1.5}' stock_quantity
bad get_products '{"stock_quantity":"many"}' stock_quantity
bad get_products '{"name":7}' name
bad get_products '{"category":[]}' category
bad get_products '{"price":10}' price
good get_products '{"stock_quantity":0}'

echo "# get_customer_stats"
bad get_customer_stats '{"limit":0}' limit
bad get_customer_stats '{"limit":101}' limit
bad get_customer_stats '{"limit":"abc"}' limit
bad get_customer_stats '{"status":"done"}' status
bad get_customer_stats '{"customer_name":1}' customer_name
bad get_customer_stats '{"date_from":"2025-02-30"}' date_from
bad get_customer_stats '{"date_to":"2025-13-01"}' date_to
bad get_customer_stats '{"date_from":"2025-05-02","date_to":"2025-05-01"}' 'date_(to|from)'
bad get_customer_stats '{"unknown_arg":1}' unknown_arg

echo "# get_order_analytics"
bad get_order_analytics '{"analytics_type":"weekly"}' analytics_type
bad get_order_analytics '{"analytics_type":5}' analytics_type
bad get_order_analytics '{"analytics_type":"DAILY"}' analytics_type
bad get_order_analytics '{"limit":0}' limit
bad get_order_analytics '{"limit":101}' limit
bad get_order_analytics '{"limit":2.5}' limit
bad get_order_analytics '{"status":"lost"}' status
bad get_order_analytics '{"date_from":"yesterday"}' date_from
bad get_order_analytics '{"date_to":"2025-02-30"}' date_to
bad get_order_analytics '{"date_from":"2025-05-02","date_to":"2025-05-01"}' 'date_(to|from)'
bad get_order_analytics '{"extra":true}' extra
for t in daily monthly status product; do good get_order_analytics "{\"analytics_type\":\"$t\"}"; done

echo "# arguments themselves"
post_json /mcp/tools/call '{"name":"get_orders"}'
assert_json '(.isError // false) == false and .structuredContent.total == 10' \
  "tools/call without arguments: the defaults"
for a in '[1]' '"limit=5"' '5'; do
  post_json /mcp/tools/call "{\"name\":\"get_orders\",\"arguments\":$a}"
  if [[ $RESP_STATUS == 400 ]] && jq -e '.error.code == -32602' >/dev/null 2>&1 <<<"$RESP_BODY" ||
    { [[ $RESP_STATUS == 200 ]] && jq -e '.isError == true' >/dev/null 2>&1 <<<"$RESP_BODY"; }; then
    pass "arguments $a (not an object) -> refused (HTTP $RESP_STATUS)"
  else
    fail "arguments $a (not an object) -> 400 -32602 or isError" "HTTP $RESP_STATUS: ${RESP_BODY:0:300}"
  fi
  assert_healthy
done
rpc '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_orders","arguments":{"limit":0}}}'
assert_json '.id == 1 and .result.isError == true and (.result.content[0].text | test("limit"))' \
  "JSON-RPC: bad arguments are a tool result with isError, not a protocol error"

echo "# unknown tools"
call_tool no_such_tool '{}'
assert_status 404
assert_json '.error | (.code | type == "number") and (.message | type == "string")' \
  "REST: unknown tool -> 404 with a JSON error"
rpc '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}'
assert_json '.id == 2 and .error.code == -32602' "JSON-RPC: unknown tool -> -32602"
assert_healthy

echo "# text filters match literally (compared with sqlite3 instr)"
# literal TOOL FIELD VALUE COUNT_SQL TOTAL_JQ
literal() {
  local tool=$1 field=$2 value=$3 count_sql=$4 total_jq=$5 expected got
  expected=$(sql "$count_sql")
  call_tool "$tool" "$(jq -cn --arg f "$field" --arg v "$value" '{($f): $v, limit: 100}')"
  got=$(jq -r "if (.isError // false) then \"isError\" else (.structuredContent | $total_jq) end" \
    2>/dev/null <<<"$RESP_BODY" || echo "HTTP $RESP_STATUS")
  assert_eq "$tool $field=$value: $expected row(s), as sqlite3 instr counts" "$expected" "$got"
}
# count_orders COLUMN VALUE: orders whose COLUMN contains VALUE (case-insensitive, literal).
count_orders() {
  echo "SELECT min(100, count(*)) FROM orders o JOIN products p ON p.id = o.product_id
        WHERE instr(lower($1), lower($(sq "$2"))) > 0"
}
probes=("' OR 1=1 --" "%" "_" "%%" "\\" "*" "' OR '1'='1" "陳%" "_明" "TXN00000_")
for v in "${probes[@]}"; do
  literal get_orders customer_name "$v" "$(count_orders o.name "$v")" .total
  literal get_orders product_name "$v" "$(count_orders p.name "$v")" .total
  literal get_orders transaction_id "$v" "$(count_orders o.transaction_id "$v")" .total
done
for v in "%" "_" "' OR 1=1 --"; do
  literal get_products name "$v" \
    "SELECT count(*) FROM products WHERE instr(lower(name), lower($(sq "$v"))) > 0" .total
  literal get_products category "$v" \
    "SELECT count(*) FROM products WHERE instr(lower(category), lower($(sq "$v"))) > 0" .total
  literal get_customer_stats customer_name "$v" \
    "SELECT count(DISTINCT name) FROM orders WHERE instr(lower(name), lower($(sq "$v"))) > 0" \
    .customer_count
done

# Now a customer whose name holds % and _: the literal characters must find it, and patterns
# that would match only as LIKE wildcards must not.
sql "INSERT INTO orders (transaction_id, name, amount, status, product_id, quantity, created_at,
       updated_at)
     VALUES ('TXN900001', 'Sale 50%_Off Ltd', 15.5, 'pending', 1, 1,
       strftime('%Y-%m-%d %H:%M:%S', 'now'), strftime('%Y-%m-%d %H:%M:%S', 'now'))"
for v in "%_" "50%_off" "SALE 50%" "%" "_" "50_" "5%off" "Sale%Ltd" "0%_O"; do
  literal get_orders customer_name "$v" "$(count_orders o.name "$v")" .total
  literal get_customer_stats customer_name "$v" \
    "SELECT count(DISTINCT name) FROM orders WHERE instr(lower(name), lower($(sq "$v"))) > 0" \
    .customer_count
done
call_tool get_orders '{"customer_name":"50%_off"}'
assert_json '.structuredContent.orders[0].transaction_id == "TXN900001"' \
  "customer_name 50%_off finds the order of 'Sale 50%_Off Ltd'"

assert_healthy
finish
