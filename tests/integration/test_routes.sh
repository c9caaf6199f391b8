#!/usr/bin/env bash
# Every HTTP route through a real nginx: shapes and Content-Type of the answers, the generic HTTP
# errors (404, 405 + Allow, 415, 400, 413 from nginx and from the app), JSON-RPC 2.0 over POST /mcp
# (-32700, -32600, -32601, -32602, notification -> 202), and the server still healthy after each.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

JSON_CT='^application/json'
TOOLS='["get_customer_stats","get_order_analytics","get_orders","get_products"]'

start_stack

echo "# GET routes"
assert_status 200 GET /mcp/health
assert_ct "$JSON_CT"
assert_json '.status == "ok"'

assert_status 200 GET /mcp/ping
assert_ct "$JSON_CT"
now=$(date +%s)
assert_json ".status == \"ok\" and (.timestamp | type == \"number\") and ((.timestamp - $now) | fabs) < 300" \
  "GET /mcp/ping: status ok, timestamp = now (unix seconds)"

assert_status 200 GET /mcp/info
assert_ct "$JSON_CT"
assert_json '.name == "shop-mcp" and (.version | type == "string" and length > 0)
  and (.description | type == "string" and length > 0) and has("endpoints")' \
  "GET /mcp/info: name shop-mcp, version, description, endpoints"
assert_json '(.tools | type == "array") and all(.tools[]; (.name | type == "string")
  and (.description | type == "string" and length > 0))' "GET /mcp/info: tools are {name, description}"
assert_json "[.tools[].name] | contains($TOOLS)" "GET /mcp/info: lists the four shop tools"

assert_status 200 GET /mcp/stdio
assert_ct "$JSON_CT"
assert_json 'has("protocol") and has("version") and has("capabilities") and has("endpoints")' \
  "GET /mcp/stdio: protocol, version, capabilities, endpoints"

assert_status 200 GET /mcp/tools
assert_ct "$JSON_CT"
assert_json "[.tools[].name] | contains($TOOLS)" "GET /mcp/tools: the four shop tools"
assert_json 'all(.tools[]; (.name | type == "string") and (.description | type == "string" and length > 0)
  and (.inputSchema | type == "object" and .type == "object")
  and (.outputSchema | type == "object" and .type == "object"))' \
  "GET /mcp/tools: every tool has name, description, inputSchema and outputSchema objects"
tools_body=$RESP_BODY

echo "# POST /mcp/initialize"
init='{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"it","version":"1"}}'
post_json /mcp/initialize "$init"
assert_status 200
assert_ct "$JSON_CT"
assert_json '(.protocolVersion | type == "string") and (.capabilities | type == "object")
  and .serverInfo.name == "shop-mcp" and (.serverInfo.version | type == "string")
  and (.instructions | type == "string")' \
  "POST /mcp/initialize: protocolVersion, capabilities, serverInfo{name shop-mcp, version}, instructions"
assert_json '.capabilities | has("tools")' "POST /mcp/initialize: announces the tools capability"
request POST /mcp/initialize
assert_status 200
assert_json '.serverInfo.name == "shop-mcp"' "POST /mcp/initialize without a body (params are optional)"

echo "# POST /mcp/tools/call"
call_tool get_orders '{"limit":2}'
assert_status 200
assert_ct "$JSON_CT"
assert_json '(.isError // false) == false and (.content | length) == 1 and .content[0].type == "text"' \
  "tools/call get_orders: one text content, not an error"
assert_json '(.content[0].text | fromjson) == .structuredContent' \
  "tools/call get_orders: structuredContent equals the JSON in the text"
assert_json '.structuredContent.success == true and .structuredContent.total == 2
  and (.structuredContent.orders | length) == 2' "tools/call get_orders limit 2: two orders"
assert_contains "tool text is pretty-printed (newlines)" "$(jq -r '.content[0].text' <<<"$RESP_BODY")" $'\n'
rest_result=$(jq -c '.structuredContent' <<<"$RESP_BODY")

for t in get_products get_customer_stats get_order_analytics; do
  call_tool "$t" '{}'
  assert_status 200
  assert_json '(.isError // false) == false and .structuredContent.success == true
    and (.content[0].text | fromjson) == .structuredContent' "tools/call $t {}: success"
done

post_json /mcp/tools/call '{"arguments":{}}'
assert_status 400
assert_ct "$JSON_CT"
assert_json '.error.code == -32602 and (.error.message | type == "string")' \
  "tools/call without a name: error -32602"
assert_healthy

call_tool no_such_tool '{}'
assert_status 404
assert_ct "$JSON_CT"
assert_json '(.error.code | type == "number") and (.error.message | type == "string")' \
  "tools/call of an unknown tool: JSON error"
assert_healthy

echo "# generic HTTP errors"
for path in /mcp/nope /mcp/tools/nope /mcp/health/x; do
  assert_status 404 GET "$path"
  assert_ct "$JSON_CT"
  assert_json '.error.code == 404 and (.error.message | type == "string")'
done
assert_healthy

assert_status 405 POST /mcp/health -H 'Content-Type: application/json' --data-binary '{}'
assert_ct "$JSON_CT"
assert_header Allow 'GET'
assert_json '.error.code == 405'
assert_status 405 GET /mcp/tools/call
assert_header Allow 'POST'
assert_status 405 PUT /mcp/tools -H 'Content-Type: application/json' --data-binary '{}'
assert_header Allow 'GET'
assert_status 405 GET /mcp/initialize
assert_header Allow 'POST'
assert_healthy

assert_status 415 POST /mcp/tools/call -H 'Content-Type: text/plain' \
  --data-binary '{"name":"get_orders","arguments":{}}'
assert_ct "$JSON_CT"
assert_json '.error.code == 415'
assert_status 415 POST /mcp -H 'Content-Type: application/x-www-form-urlencoded' \
  --data-binary '{"jsonrpc":"2.0","id":1,"method":"ping"}'
assert_healthy

for body in '[1,2]' '"text"' '42' 'null'; do
  post_json /mcp/tools/call "$body"
  RESP_DESC="POST /mcp/tools/call body $body"
  assert_status 400
  assert_ct "$JSON_CT"
  assert_json '.error.code | type == "number"'
done
assert_healthy

echo "# 413: nginx's limit (client_max_body_size 1m)"
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$T_DIR/2mib.json"
request POST /mcp/tools/call -H 'Content-Type: application/json' --data-binary "@$T_DIR/2mib.json"
assert_status 413
assert_ct "$JSON_CT"
assert_json '.error.code == 413 and (.error.message | test("too large"))' \
  "2 MiB body: nginx's own 413 in the JSON error shape"
assert_healthy

# A body just under the limit still passes (1 MiB minus a little, valid JSON).
big_name=$(head -c $((1024 * 1024 - 4096)) /dev/zero | tr '\0' 'x')
printf '{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"%s","version":"1"}}' \
  "$big_name" >"$T_DIR/almost-1mib.json"
request POST /mcp/initialize -H 'Content-Type: application/json' --data-binary "@$T_DIR/almost-1mib.json"
assert_status 200
assert_healthy

echo "# JSON-RPC 2.0 over POST /mcp"
rpc '{"jsonrpc":"2.0","id":1,"method":"ping"}'
assert_status 200
assert_ct "$JSON_CT"
assert_jq "ping: result is exactly {} and id 1 echoed" '{jsonrpc, id, result}' \
  '{"jsonrpc":"2.0","id":1,"result":{}}'
rpc '{"jsonrpc":"2.0","id":"abc-7","method":"ping"}'
assert_jq "ping: string id echoed" '.id' '"abc-7"'

rpc "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"initialize\",\"params\":$init}"
assert_status 200
assert_json '.id == 2 and .result.serverInfo.name == "shop-mcp" and (.result.protocolVersion | type == "string")' \
  "JSON-RPC initialize: result.serverInfo.name shop-mcp"

rpc '{"jsonrpc":"2.0","id":3,"method":"tools/list"}'
assert_status 200
assert_json "[.result.tools[].name] | contains($TOOLS)" "JSON-RPC tools/list: the four shop tools"
assert_same_json "JSON-RPC tools/list equals GET /mcp/tools" "$(jq -c '.tools' <<<"$tools_body")" \
  "$(jq -c '.result.tools' <<<"$RESP_BODY")" 0

rpc '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get_orders","arguments":{"limit":2}}}'
assert_status 200
assert_json '.id == 4 and (.result.isError // false) == false
  and (.result.content[0].text | fromjson) == .result.structuredContent' \
  "JSON-RPC tools/call get_orders: text and structuredContent agree"
assert_same_json "JSON-RPC tools/call answers what REST does" "$rest_result" \
  "$(jq -c '.result.structuredContent' <<<"$RESP_BODY")" 0

# rpc_error DESC BODY CODE: a JSON-RPC error answer with that code and a null or echoed id; HTTP
# 400 when the message itself is unusable (-32700, -32600), else 200.
rpc_error() {
  local desc=$1 body=$2 code=$3 http=200
  ((code == -32700 || code == -32600)) && http=400
  rpc "$body"
  RESP_DESC="JSON-RPC $desc"
  assert_status "$http"
  assert_ct "$JSON_CT"
  assert_json ".jsonrpc == \"2.0\" and .error.code == $code and (.error.message | type == \"string\")
    and has(\"id\") and (has(\"result\") | not)" "$RESP_DESC: error $code"
  assert_healthy
}
rpc_error "malformed JSON" '{"jsonrpc":"2.0","id":1,"method":' -32700
assert_json '.id == null' "-32700 carries id null"
rpc_error "not JSON at all" 'hello' -32700
rpc_error "missing jsonrpc" '{"id":5,"method":"ping"}' -32600
rpc_error "jsonrpc 1.0" '{"jsonrpc":"1.0","id":5,"method":"ping"}' -32600
rpc_error "method not a string" '{"jsonrpc":"2.0","id":6,"method":5}' -32600
assert_json '.id == 6' "-32600 echoes the id when it is readable"
rpc_error "missing method" '{"jsonrpc":"2.0","id":6}' -32600
rpc_error "unknown method" '{"jsonrpc":"2.0","id":7,"method":"no/such/method"}' -32601
assert_json '.id == 7' "-32601 echoes the id"
rpc_error "tools/call of an unknown tool" \
  '{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}' -32602
rpc_error "tools/call without a name" '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{}}' -32602

rpc '{"jsonrpc":"2.0","method":"notifications/initialized"}'
RESP_DESC="JSON-RPC notification"
assert_status 202
assert_eq "notification: empty body" "" "$RESP_BODY"
rpc '{"jsonrpc":"2.0","method":"no/such/notification"}'
RESP_DESC="JSON-RPC unknown notification"
assert_status 202
assert_eq "unknown notification: still no body" "" "$RESP_BODY"
assert_healthy

echo "# 413 from the app itself: --body-limit below nginx's limit"
stop_stack
start_stack --body-limit 65536
head -c $((100 * 1024)) /dev/zero | tr '\0' 'a' >"$T_DIR/100k.json"
request POST /mcp/tools/call -H 'Content-Type: application/json' --data-binary "@$T_DIR/100k.json"
assert_status 413
assert_ct "$JSON_CT"
assert_json '.error.code == 413' "100 KiB body over --body-limit 65536: the app's JSON 413"
assert_healthy
call_tool get_orders '{"limit":1}'
assert_status 200
stop_stack

echo "# 413 from the app itself: nginx's limit raised to 8m, the app's 1 MiB default"
STACK_NGINX_BODY_MAX=8m start_stack
request POST /mcp/tools/call -H 'Content-Type: application/json' --data-binary "@$T_DIR/2mib.json"
assert_status 413
assert_ct "$JSON_CT"
assert_json '.error.code == 413' "2 MiB body past nginx: the app's JSON 413"
assert_healthy
stop_stack

finish
