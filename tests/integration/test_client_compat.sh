#!/usr/bin/env bash
# What clients this project did not write rely on, checked with curl through a real nginx:
# 2026-07-28 results carry resultType (and the cache hints where the revision requires them), the
# legacy URL /mcp/sse serves Streamable HTTP to Streamable HTTP clients and the seed's answer to
# the seed's clients, 2026-07-28 requests get log messages at the level their _meta asks for, and
# a resumed stream never repeats an event id. tests/integration/test_third_party_clients.sh runs
# the clients themselves.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CONFORMANCE_BIN=${SHOPMCP_CONFORMANCE_BIN:-$SHOPMCP_SOURCE_DIR/build/app/conformance-server/conformance-server}
ACCEPT='Accept: application/json, text/event-stream'
META26='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}'
INIT='{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'

# post26 PATH METHOD PARAMS_JSON [NAME]: one 2026-07-28 request with its headers; PARAMS_JSON is
# the params object without its _meta, which is added.
post26() {
  local path=$1 method=$2 params=$3 name=${4:-}
  local body
  body=$(jq -cn --arg m "$method" --argjson p "$params" --argjson meta "{${META26}}" \
    '{jsonrpc: "2.0", id: 7, method: $m, params: ($p + $meta)}')
  local args=(-H "$ACCEPT" -H 'MCP-Protocol-Version: 2026-07-28' -H "Mcp-Method: $method")
  [[ -z $name ]] || args+=(-H "Mcp-Name: $name")
  post_json "$path" "$body" "${args[@]}"
  RESP_DESC="2026-07-28 $method on $path"
}

start_stack

echo "# 2026-07-28: every result has resultType; list and read results carry their cache hints"
for m in server/discover tools/list prompts/list resources/list resources/templates/list; do
  post26 /mcp "$m" '{}'
  assert_status 200
  assert_jq "$m: resultType, ttlMs, cacheScope" \
    '.result | [.resultType, .ttlMs, .cacheScope]' '["complete",600000,"public"]'
  assert_json '.result._meta["io.modelcontextprotocol/serverInfo"].name == "shop-mcp"' \
    "$m: _meta names the server"
done
post26 /mcp resources/read '{"uri":"shop://products"}' shop://products
assert_status 200
assert_jq "resources/read: live data, not cached, private" \
  '.result | [.resultType, .ttlMs, .cacheScope]' '["complete",0,"private"]'
for m in ping tools/call prompts/get completion/complete; do
  case $m in
    ping) post26 /mcp ping '{}' ;;
    tools/call) post26 /mcp tools/call '{"name":"get_products","arguments":{"limit":1}}' get_products ;;
    prompts/get)
      post26 /mcp prompts/get '{"name":"customer_summary","arguments":{"customer_name":"陳大文"}}' \
        customer_summary ;;
    completion/complete)
      post26 /mcp completion/complete \
        '{"ref":{"type":"ref/resource","uri":"shop://products/{id}"},"argument":{"name":"id","value":"1"}}' ;;
  esac
  assert_status 200
  assert_jq "$m: resultType complete, no cache hint" \
    '.result | [.resultType, has("ttlMs"), has("cacheScope")]' '["complete",false,false]'
done
rpc '{"jsonrpc":"2.0","id":3,"method":"tools/list"}'
RESP_DESC="2025-11-25 tools/list"
assert_jq "earlier revisions' results are as they were (no resultType, no cache hint)" \
  '.result | [has("resultType"), has("ttlMs")]' '[false,false]'
post26 /mcp server/discover '{}'
assert_json '.result.supportedVersions | index("2026-07-28") != null' \
  "server/discover without a session lists 2026-07-28"
rpc '{"jsonrpc":"2.0","id":4,"method":"server/discover"}'
assert_json '(.result.supportedVersions | index("2026-07-28") == null) and
  (.result.supportedVersions | index("2025-11-25") != null)' \
  "server/discover inside a session does not (the stateless revision has no sessions)"

echo "# 2026-07-28: log messages at the level the request's _meta asks for"
call26() {  # call26 LEVEL_OR_EMPTY: tools/call get_products with that _meta logLevel
  local params='{"name":"get_products","arguments":{"limit":1}}'
  [[ -z $1 ]] || params=$(jq -c --arg l "$1" '. + {_meta: {"io.modelcontextprotocol/logLevel": $l}}' <<<"$params")
  local body
  body=$(jq -cn --argjson p "$params" --argjson meta "{${META26}}" \
    '{jsonrpc: "2.0", id: 9, method: "tools/call", params: ($p | ._meta = ((._meta // {}) + $meta._meta))}')
  post_json /mcp "$body" -H "$ACCEPT" -H 'MCP-Protocol-Version: 2026-07-28' \
    -H 'Mcp-Method: tools/call' -H 'Mcp-Name: get_products'
}
logs() { sse_json <<<"$RESP_BODY" | jq -r 'select(.method == "notifications/message") | .params.level' | tr '\n' ' '; }
call26 info
assert_ct text/event-stream "logLevel info: the answer is a stream"
assert_eq "logLevel info: the call's two info messages, then the result" "info info " "$(logs)"
assert_json '.result.resultType == "complete"' "logLevel info: the result comes last" \
  "$(sse_json <<<"$RESP_BODY" | tail -1)"
call26 debug
assert_eq "logLevel debug: the info messages pass" "info info " "$(logs)"
call26 warning
assert_eq "logLevel warning: no info message" "" "$(logs)"
call26 ""
assert_ct application/json "no logLevel: a plain JSON answer"
assert_eq "no logLevel: no log message (the revision forbids them)" "" "$(logs)"
call26 loud
assert_status 200
assert_json '.error.code == -32602 and (.error.message | test("logLevel"))' \
  "an unknown logLevel: -32602 naming the field"

echo "# the legacy URL /mcp/sse: Streamable HTTP for Streamable HTTP clients"
post_json /mcp/sse "$INIT" -H "$ACCEPT"
RESP_DESC="initialize POST /mcp/sse with Accept: application/json, text/event-stream"
assert_status 200
assert_ct application/json
assert_json '.result.protocolVersion == "2025-11-25"' "initialize answered as on /mcp"
SID=$(header_value Mcp-Session-Id)
assert_true "a session id is issued" test -n "$SID"
post_json /mcp/sse '{"jsonrpc":"2.0","method":"notifications/initialized"}' -H "$ACCEPT" -H "Mcp-Session-Id: $SID"
assert_status 202
post_json /mcp/sse '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_products","arguments":{"limit":2}}}' \
  -H "$ACCEPT" -H "Mcp-Session-Id: $SID" -H 'MCP-Protocol-Version: 2025-11-25'
RESP_DESC="tools/call on /mcp/sse in that session"
assert_status 200
assert_json '.result.structuredContent.total == 2' "tools/call answered as on /mcp"
post_json /mcp '{"jsonrpc":"2.0","id":3,"method":"ping"}' -H "$ACCEPT" -H "Mcp-Session-Id: $SID"
RESP_DESC="the same session on /mcp"
assert_status 200
curl -sN -m 3 "$(base_url)/mcp/sse" -H 'Accept: text/event-stream' -H "Mcp-Session-Id: $SID" \
  >"$T_DIR/get" 2>/dev/null || true
assert_true "GET /mcp/sse with Mcp-Session-Id opens the session's stream (a priming event)" \
  grep -q '^id: [0-9]*-[0-9]*' "$T_DIR/get"
assert_eq "  and no endpoint event" 0 "$(grep -c '^event: endpoint' "$T_DIR/get" || true)"
request DELETE /mcp/sse -H "Mcp-Session-Id: $SID"
assert_status 204
post_json /mcp/sse '{"jsonrpc":"2.0","id":4,"method":"ping"}' -H "$ACCEPT" -H "Mcp-Session-Id: $SID"
RESP_DESC="the deleted session"
assert_status 404
post26 /mcp/sse tools/list '{}'
assert_status 200
assert_json '.result.resultType == "complete" and (.result.tools | length) == 5' \
  "a 2026-07-28 request on /mcp/sse is answered statelessly"

echo "# the legacy URL /mcp/sse: the seed's answer for the seed's clients, legacy GET unchanged"
request POST /mcp/sse -H 'Content-Type: application/json' -H 'Accept: text/event-stream' -m 2 \
  --data-binary '{"jsonrpc":"2.0","method":"ping","params":{},"id":"test"}'
assert_contains "the seed's curl example: event: response" "$RESP_BODY" 'event: response'
assert_contains "  with the seed's answer" "$RESP_BODY" '"id":"test"'
request POST /mcp/sse -H 'Content-Type: application/json' -m 2 --data-binary ''
assert_contains "no Accept, empty body: welcome" "$RESP_BODY" 'event: welcome'
curl -sN -m 2 "$(base_url)/mcp/sse" -H 'Accept: text/event-stream' >"$T_DIR/legacy" 2>/dev/null || true
assert_eq "GET /mcp/sse without a session header: the legacy endpoint event" "event: endpoint" \
  "$(head -1 "$T_DIR/legacy" | tr -d '\r')"
stop_stack

echo "# a resumed stream never repeats an event id"
SHOPMCP_BIN=$CONFORMANCE_BIN
start_stack
post_json /mcp "$INIT" -H "$ACCEPT"
SID=$(header_value Mcp-Session-Id)
post_json /mcp '{"jsonrpc":"2.0","method":"notifications/initialized"}' -H "$ACCEPT" -H "Mcp-Session-Id: $SID"
post_json /mcp '{"jsonrpc":"2.0","id":21,"method":"tools/call","params":{"name":"test_reconnection","arguments":{}}}' \
  -H "$ACCEPT" -H "Mcp-Session-Id: $SID"
ids_before=$(sed -n 's/^id: \(.*\)\r\?$/\1/p' <<<"$RESP_BODY")
last_id=$(tail -1 <<<"$ids_before")
request GET /mcp -H 'Accept: text/event-stream' -H "Mcp-Session-Id: $SID" -H "Last-Event-ID: $last_id" -m 5
RESP_DESC="GET with Last-Event-ID $last_id"
assert_status 200
assert_eq "the resumed stream starts with the retry hint alone" "retry:" \
  "$(head -1 <<<"$RESP_BODY" | cut -d' ' -f1)"
assert_json '.id == 21' "the result is replayed" "$(sse_json <<<"$RESP_BODY" | tail -1)"
all_ids=$(printf '%s\n%s\n' "$ids_before" "$(sed -n 's/^id: \(.*\)\r\?$/\1/p' <<<"$RESP_BODY")")
assert_eq "every event id of the session is unique ($(wc -l <<<"$all_ids") ids)" "" \
  "$(sort <<<"$all_ids" | uniq -d)"
stop_stack

finish
