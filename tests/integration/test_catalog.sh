#!/usr/bin/env bash
# The shop's resources, prompts and completions through a real nginx, with curl, checked against
# the database (sqlite3): reads by URI, prompts that carry the right figures, completions, and a
# subscription that announces a change made to the database by another program.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# result_of METHOD PARAMS_JSON: rpc within the session; RESP_BODY holds the JSON-RPC answer.
result_of() {
  rpc "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}"
  RESP_DESC="$1 $2"
}
# resource_text URI: the text of the resource (after result_of resources/read).
resource_text() {
  result_of resources/read "{\"uri\":\"$1\"}"
  jq -r '.result.contents[0].text' <<<"$RESP_BODY"
}

start_stack --resource-poll-interval 1

echo "# initialize offers resources (with subscribe), prompts and completions"
rpc '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'
assert_json '.result.capabilities.resources.subscribe == true and (.result.capabilities.prompts | type) == "object" and .result.capabilities.completions == {}' \
  "capabilities: resources.subscribe, prompts, completions"

echo "# resources"
result_of resources/list '{}'
assert_json '[.result.resources[].uri] == ["shop://products"]' "resources/list: the catalogue"
result_of resources/templates/list '{}'
assert_json '[.result.resourceTemplates[].uriTemplate] == ["shop://products/{id}","shop://orders/{transaction_id}"]' \
  "resources/templates/list: product and order templates"
catalogue=$(resource_text shop://products)
assert_eq "shop://products lists every product by name" \
  "$(sql 'SELECT name FROM products ORDER BY name, id')" "$(jq -r '.products[].name' <<<"$catalogue")"
product=$(resource_text shop://products/3)
assert_eq "shop://products/3 is product 3" \
  "$(sql 'SELECT name, stock_quantity FROM products WHERE id = 3' | tr '|' ' ')" \
  "$(jq -r '"\(.name) \(.stock_quantity)"' <<<"$product")"
order=$(resource_text shop://orders/TXN000123)
assert_eq "shop://orders/TXN000123 has the order's customer and category" \
  "$(sql "SELECT o.name, p.category FROM orders o JOIN products p ON p.id = o.product_id WHERE transaction_id = 'TXN000123'" | tr '|' ' ')" \
  "$(jq -r '"\(.customer_name) \(.product_category)"' <<<"$order")"
assert_true "shop://orders/TXN000123 has the order's amount" jq -e \
  --argjson want "$(sql "SELECT amount FROM orders WHERE transaction_id = 'TXN000123'")" \
  '(.amount - $want) | fabs < 0.005' <<<"$order"
result_of resources/read '{"uri":"shop://orders/TXN999999"}'
assert_json '.error.code == -32002 and (.error.message | test("TXN999999"))' "an unknown order: -32002 naming it"
result_of resources/read '{"uri":"shop://nothing"}'
assert_json '.error.code == -32002' "an unknown URI: -32002"

echo "# prompts"
result_of prompts/list '{}'
assert_json '[.result.prompts[].name] == ["sales_report","customer_summary","stock_check"] and all(.result.prompts[]; (.description | length) > 20)' \
  "prompts/list: three prompts with descriptions"
from=$(sql "SELECT substr(MIN(created_at), 1, 10) FROM orders")
to=$(sql "SELECT substr(MAX(created_at), 1, 10) FROM orders")
result_of prompts/get "{\"name\":\"sales_report\",\"arguments\":{\"date_from\":\"$from\",\"date_to\":\"$to\"}}"
orders_in_range=$(sql "SELECT COUNT(*) FROM orders WHERE created_at >= '$from 00:00:00' AND created_at <= '$to 23:59:59'")
assert_json "[.result.messages[].content.text] | join(\"\\n\") | test(\"\\\"total_orders\\\": $orders_in_range\\\\b\")" \
  "sales_report carries the total order count of the range ($orders_in_range)"
result_of prompts/get '{"name":"sales_report","arguments":{"date_from":"2026-02-30","date_to":"2026-03-01"}}'
assert_json '.error.code == -32602 and (.error.message | test("date_from"))' "sales_report: an impossible date is refused, naming it"
result_of prompts/get '{"name":"customer_summary","arguments":{}}'
assert_json '.error.code == -32602 and (.error.message | test("customer_name"))' "customer_summary: the missing argument is named"

echo "# completion"
result_of completion/complete '{"ref":{"type":"ref/prompt","name":"customer_summary"},"argument":{"name":"customer_name","value":"陳"}}'
assert_eq "customer names starting with 陳, from the database" \
  "$(sql "SELECT DISTINCT name FROM orders WHERE substr(name, 1, 1) = '陳' ORDER BY name")" \
  "$(jq -r '.result.completion.values[]' <<<"$RESP_BODY")"
result_of completion/complete '{"ref":{"type":"ref/resource","uri":"shop://orders/{transaction_id}"},"argument":{"name":"transaction_id","value":"txn00049"}}'
assert_json '.result.completion.values == ["TXN000490","TXN000491","TXN000492","TXN000493","TXN000494","TXN000495","TXN000496","TXN000497","TXN000498","TXN000499"]' \
  "transaction ids by prefix, any case"
result_of completion/complete '{"ref":{"type":"ref/prompt","name":"sales_report"},"argument":{"name":"date_from","value":"20"}}'
assert_json '.result.completion.values == [] and .result.completion.hasMore == false' "nothing to suggest: an empty list, not an error"

echo "# a subscription announces a change another program makes to the database"
mcp_session
curl -sN "$(base_url)/mcp" -H 'Accept: text/event-stream' -H "Mcp-Session-Id: $MCP_SESSION" \
  >"$T_DIR/get" 2>/dev/null &
get_pid=$!
t_track "$get_pid"
assert_true "GET stream primed" wait_for "$T_DIR/get" 'retry: '
result_of resources/subscribe '{"uri":"shop://products/3"}'
assert_json '.result == {}' "resources/subscribe answers {}"
sqlite3 -cmd '.timeout 5000' "$(db_path)" "UPDATE products SET stock_quantity = stock_quantity - 1 WHERE id = 4"
sleep 2.5
assert_eq "a change to another product is not announced" 0 \
  "$(grep -c 'notifications/resources/updated' "$T_DIR/get" || true)"
sqlite3 -cmd '.timeout 5000' "$(db_path)" "UPDATE products SET stock_quantity = stock_quantity - 1 WHERE id = 3"
assert_true "notifications/resources/updated for shop://products/3 arrives" \
  wait_for "$T_DIR/get" '"uri":"shop://products/3"' 5
assert_eq "the read shows the new stock" "$(sql 'SELECT stock_quantity FROM products WHERE id = 3')" \
  "$(resource_text shop://products/3 | jq -r .stock_quantity)"
result_of resources/unsubscribe '{"uri":"shop://products/3"}'
assert_json '.result == {}' "resources/unsubscribe answers {}"
sqlite3 -cmd '.timeout 5000' "$(db_path)" "UPDATE products SET stock_quantity = stock_quantity - 1 WHERE id = 3"
sleep 2.5
assert_eq "after unsubscribing, no further notice" 1 \
  "$(grep -c 'notifications/resources/updated' "$T_DIR/get" || true)"
kill "$get_pid" 2>/dev/null || true

stop_stack
finish
