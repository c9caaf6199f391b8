#!/usr/bin/env bash
# Streamable HTTP (/mcp) and the legacy HTTP+SSE transport (/mcp/sse + /mcp/messages) through a
# real nginx, with curl: the session lifecycle, protocol-version checks, JSON vs SSE answers with
# priming events and event ids, the standalone GET stream (409, DELETE, keepalive comments),
# resumption by Last-Event-ID, batches, the stateless 2026-07-28 revision, the legacy endpoint
# event and answers, and the Host/Origin and bearer-token checks.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CONFORMANCE_BIN=${SHOPMCP_CONFORMANCE_BIN:-$SHOPMCP_SOURCE_DIR/build/app/conformance-server/conformance-server}
ACCEPT='Accept: application/json, text/event-stream'
INIT='{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"VERSION","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'

# new_session [VERSION]: initialize over POST /mcp; sets SID.
new_session() {
  post_json /mcp "${INIT/VERSION/${1:-2025-11-25}}" -H "$ACCEPT"
  SID=$(header_value Mcp-Session-Id)
}
# in_session JSON [curl args]: POST /mcp with the session header.
in_session() {
  local body=$1
  shift
  post_json /mcp "$body" -H "$ACCEPT" -H "Mcp-Session-Id: $SID" "$@"
}
# open_get OUTFILE [curl args]: a background curl on GET /mcp; sets GET_PID.
open_get() {
  local out=$1
  shift
  curl -sN -D "$out.h" "$(base_url)/mcp" -H 'Accept: text/event-stream' "$@" >"$out" 2>/dev/null &
  GET_PID=$!
  t_track "$GET_PID"
}
gone_within() {  # gone_within PID SECONDS
  local deadline=$((SECONDS + $2))
  while kill -0 "$1" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.02
  done
}

start_stack --ping-interval 1

echo "# sessions"
new_session
RESP_DESC="initialize over POST /mcp"
assert_status 200
assert_ct application/json
assert_header Mcp-Session-Id '^[0-9a-f]{32}$'
assert_json '.result.protocolVersion == "2025-11-25" and .result.capabilities.logging == {}' \
  "initialize: negotiated 2025-11-25, logging offered"
post_json /mcp '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' -H "$ACCEPT"
RESP_DESC="POST /mcp without Mcp-Session-Id"
assert_status 400
assert_json '.error.message | test("Mcp-Session-Id")' "400 names the missing header"
post_json /mcp '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' -H "$ACCEPT" -H 'Mcp-Session-Id: 00ff'
RESP_DESC="unknown session"
assert_status 404
assert_json '.error.code == -32001' "unknown session: -32001"
in_session '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' -H 'MCP-Protocol-Version: 2025-03-26'
RESP_DESC="an older supported MCP-Protocol-Version"
assert_status 200
in_session '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' -H 'MCP-Protocol-Version: 2030-01-01'
RESP_DESC="unsupported MCP-Protocol-Version"
assert_status 400
assert_json '.error.code == -32022 and (.error.data.supported | index("2025-06-18") != null)' \
  "unsupported version: -32022 listing the supported ones"
in_session '{"jsonrpc":"2.0","method":"notifications/initialized"}'
RESP_DESC="notifications/initialized"
assert_status 202
assert_eq "202 has no body" "" "$RESP_BODY"

echo "# JSON answer, then an SSE answer once the call sends progress first"
in_session '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_products","arguments":{"limit":2}}}'
RESP_DESC="tools/call without a progress token"
assert_status 200
assert_ct application/json
in_session '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_products","arguments":{"limit":2},"_meta":{"progressToken":"p-3"}}}'
RESP_DESC="tools/call with a progress token"
assert_status 200
assert_ct text/event-stream
assert_header Mcp-Session-Id "^$SID\$"
first_event=$(awk 'BEGIN{RS=""} NR==1' <<<"$RESP_BODY")
is_priming() { [[ $1 =~ ^id:\ [0-9]+-[0-9]+$'\n'retry:\ [0-9]+$'\n'data:\ ?$'\n'?$ ]]; }
assert_true "the stream starts with a priming event (id, retry, empty data)" is_priming "$first_event"
events=$(sse_json <<<"$RESP_BODY")
assert_eq "progress, progress, result" "notifications/progress notifications/progress 3" \
  "$(jq -r '.method // .id' <<<"$events" | tr '\n' ' ' | sed 's/ $//')"
assert_json '.[0].params.progressToken == "p-3" and .[1].params.progress == 1
  and .[2].result.structuredContent.total == 2' "the token is echoed; the result comes last" \
  "$(jq -sc . <<<"$events")"
ids=$(grep -c '^id: ' <<<"$RESP_BODY")
uniq_ids=$(grep '^id: ' <<<"$RESP_BODY" | sort -u | wc -l)
assert_eq "every event has an id (4), all different" "4 4" "$ids $uniq_ids"

echo "# logging/setLevel, then log messages on the call's stream"
in_session '{"jsonrpc":"2.0","id":4,"method":"logging/setLevel","params":{"level":"info"}}'
assert_json '.result == {}' "logging/setLevel answers exactly {}"
in_session '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"get_orders","arguments":{"limit":1}}}'
assert_ct text/event-stream
assert_eq "two info log messages, then the result" "info info 5" \
  "$(sse_json <<<"$RESP_BODY" | jq -r '.params.level // .id' | tr '\n' ' ' | sed 's/ $//')"

echo "# the standalone GET stream: one per session, keepalive comments, DELETE closes it"
open_get "$T_DIR/get1" -H "Mcp-Session-Id: $SID"
get1=$GET_PID
assert_true "GET stream primed" wait_for "$T_DIR/get1" 'retry: '
request GET /mcp -H 'Accept: text/event-stream' -H "Mcp-Session-Id: $SID" -m 3
RESP_DESC="a second GET stream in the same session"
assert_status 409
assert_true "keepalive comments every ping interval (1 s)" wait_for "$T_DIR/get1" ': keepalive' 3
deleted_before=$(metric 'shopmcp_streams_closed_total{reason="session_deleted"}')
request DELETE /mcp -H "Mcp-Session-Id: $SID"
RESP_DESC="DELETE /mcp"
assert_status 204
assert_true "the GET stream ends after DELETE" gone_within "$get1" 3
assert_eq "closed as session_deleted" "$((deleted_before + 1))" \
  "$(metric 'shopmcp_streams_closed_total{reason="session_deleted"}')"
in_session '{"jsonrpc":"2.0","id":6,"method":"ping"}'
RESP_DESC="the deleted session"
assert_status 404

echo "# batches: 2025-03-26 only"
new_session 2025-03-26
in_session '[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"tools/list"}]'
RESP_DESC="a batch in a 2025-03-26 session"
assert_status 200
assert_json 'type == "array" and length == 2 and .[0].result == {} and (.[1].result.tools | length) == 5' \
  "batch: both answers in an array"
new_session 2025-06-18
in_session '[{"jsonrpc":"2.0","id":1,"method":"ping"}]'
RESP_DESC="a batch in a 2025-06-18 session"
assert_status 400
assert_json '.error.code == -32600' "batch refused with -32600"

echo "# 2026-07-28: stateless, POST only, headers checked against the body"
H26=(-H 'MCP-Protocol-Version: 2026-07-28')
post_json /mcp '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' -H "$ACCEPT" "${H26[@]}" -H 'Mcp-Method: tools/list'
RESP_DESC="2026-07-28 tools/list"
assert_status 200
assert_eq "no session id issued" "" "$(header_value Mcp-Session-Id)"
post_json /mcp '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' -H "$ACCEPT" "${H26[@]}"
RESP_DESC="2026-07-28 without Mcp-Method"
assert_status 400
assert_json '.error.code == -32020' "missing Mcp-Method: HeaderMismatch -32020"
post_json /mcp '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_products","arguments":{"limit":1}}}' \
  -H "$ACCEPT" "${H26[@]}" -H 'Mcp-Method: tools/call' -H 'Mcp-Name: get_orders'
RESP_DESC="2026-07-28 with a Mcp-Name that is not the body's"
assert_status 400
post_json /mcp '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_products","arguments":{"limit":1},"_meta":{"progressToken":9}}}' \
  -H "$ACCEPT" "${H26[@]}" -H 'Mcp-Method: tools/call' -H 'Mcp-Name: get_products'
RESP_DESC="2026-07-28 tools/call with progress"
assert_status 200
assert_ct text/event-stream
assert_eq "progress, progress, result" "9 9 3" \
  "$(sse_json <<<"$RESP_BODY" | jq -r '.params.progressToken // .id' | tr '\n' ' ' | sed 's/ $//')"
request GET /mcp -H 'Accept: text/event-stream' "${H26[@]}"
RESP_DESC="2026-07-28 GET"
assert_status 405
request DELETE /mcp "${H26[@]}"
RESP_DESC="2026-07-28 DELETE"
assert_status 405

echo "# legacy HTTP+SSE: endpoint event, 202, the answer on the stream"
curl -sN "$(base_url)/mcp/sse" -H 'Accept: text/event-stream' >"$T_DIR/legacy" 2>/dev/null &
legacy=$!
t_track "$legacy"
assert_true "GET /mcp/sse sends the endpoint event first" wait_for "$T_DIR/legacy" 'sessionId='
endpoint=$(sed -n 's/^data: \(\/mcp\/messages?sessionId=[0-9a-f]*\)\r\?$/\1/p' "$T_DIR/legacy" | head -1)
assert_eq "the first event is 'endpoint' with a relative URL" "event: endpoint" "$(head -1 "$T_DIR/legacy")"
post_json "$endpoint" '{"jsonrpc":"2.0","id":11,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'
RESP_DESC="POST to the endpoint"
assert_status 202
post_json "$endpoint" '{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"get_products","arguments":{"limit":3}}}'
assert_status 202
assert_true "the answer arrives on the stream as a message event" wait_for "$T_DIR/legacy" '"id":12'
assert_eq "two message events (initialize, tools/call)" 2 "$(grep -c '^event: message' "$T_DIR/legacy")"
assert_json '.result.structuredContent.total == 3' "legacy tools/call result" \
  "$(sed -n 's/^data: \({.*"id":12.*\)$/\1/p' "$T_DIR/legacy")"
assert_true "keepalive comments on the legacy stream" wait_for "$T_DIR/legacy" ': keepalive' 3
post_json "/mcp/messages?sessionId=ffff" '{"jsonrpc":"2.0","id":1,"method":"ping"}'
RESP_DESC="POST to an unknown legacy session"
assert_status 404
sessions_before=$(metric shopmcp_sessions_open)
kill "$legacy"
sleep 0.3
assert_eq "the legacy session ends with its stream" "$((sessions_before - 1))" "$(metric shopmcp_sessions_open)"
post_json "$endpoint" '{"jsonrpc":"2.0","id":13,"method":"ping"}'
RESP_DESC="POST after the stream closed"
assert_status 404

echo "# the seed's POST /mcp/sse still answers as before"
request POST /mcp/sse -H 'Content-Type: application/json' -m 2 --data-binary ''
assert_contains "POST /mcp/sse: welcome frame" "$RESP_BODY" 'event: welcome'

echo "# Host and Origin"
request POST /mcp -H 'Host: evil.example.com' -H 'Content-Type: application/json' -H "$ACCEPT" \
  --data-binary "${INIT/VERSION/2025-11-25}"
RESP_DESC="Host evil.example.com"
assert_status 403
assert_json '.jsonrpc == "2.0" and (.error.message | test("evil.example.com"))' "403 with a JSON-RPC error"
request POST /mcp -H 'Origin: http://evil.example.com' -H 'Content-Type: application/json' -H "$ACCEPT" \
  --data-binary "${INIT/VERSION/2025-11-25}"
RESP_DESC="Origin http://evil.example.com"
assert_status 403
request POST /mcp -H "Origin: http://localhost:$STACK_PORT" -H "Host: localhost:$STACK_PORT" \
  -H 'Content-Type: application/json' -H "$ACCEPT" --data-binary "${INIT/VERSION/2025-11-25}"
RESP_DESC="Origin and Host localhost"
assert_status 200
stop_stack

echo "# an allow-listed host"
start_stack --allowed-hosts shop.example.com
request GET /mcp/health -H 'Host: shop.example.com'
RESP_DESC="allow-listed Host"
assert_status 200
request GET /mcp/health -H 'Host: other.example.com'
RESP_DESC="Host not on the list"
assert_status 403
stop_stack

echo "# bearer token"
token=$(random_token)
start_stack "SHOP_MCP_AUTH_TOKEN=$token"
post_json /mcp "${INIT/VERSION/2025-11-25}" -H "$ACCEPT"
RESP_DESC="no token"
assert_status 401
assert_header WWW-Authenticate '^Bearer'
post_json /mcp "${INIT/VERSION/2025-11-25}" -H "$ACCEPT" -H "Authorization: Bearer ${token}x"
RESP_DESC="a wrong token"
assert_status 401
post_json /mcp "${INIT/VERSION/2025-11-25}" -H "$ACCEPT" -H "Authorization: Bearer $token"
RESP_DESC="the right token"
assert_status 200
get /mcp/health
RESP_DESC="health without a token"
assert_status 200
request GET /mcp/sse -H 'Accept: text/event-stream' -m 2
RESP_DESC="legacy stream without a token"
assert_status 401
# (The harness's own "=== start_stack" lines name the environment it passed; the app's do not.)
assert_eq "the token never reaches the app's log" 0 \
  "$(grep -v '^=== start_stack' "$(app_log)" | grep -c "$token" || true)"
stop_stack

echo "# resumption: a stream closed before its result; GET with Last-Event-ID delivers it"
SHOPMCP_BIN=$CONFORMANCE_BIN
start_stack
new_session
in_session '{"jsonrpc":"2.0","method":"notifications/initialized"}'
in_session '{"jsonrpc":"2.0","id":21,"method":"tools/call","params":{"name":"test_reconnection","arguments":{}}}' \
  -H 'MCP-Protocol-Version: 2025-03-26'
RESP_DESC="test_reconnection"
assert_status 200
assert_ct text/event-stream
last_id=$(sed -n 's/^id: \(.*\)\r\?$/\1/p' <<<"$RESP_BODY" | tail -1)
assert_eq "the stream ended after its priming event, without the result" "" \
  "$(sse_json <<<"$RESP_BODY")"
request GET /mcp -H 'Accept: text/event-stream' -H "Mcp-Session-Id: $SID" -H "Last-Event-ID: $last_id" -m 5
RESP_DESC="GET with Last-Event-ID $last_id"
assert_status 200
assert_json '.id == 21 and (.result.content[0].text | test("Reconnection"))' \
  "the result is replayed on the resumed stream" "$(sse_json <<<"$RESP_BODY" | tail -1)"
stop_stack

finish
