#!/usr/bin/env bash
# Smoke test of a running shop-mcp behind nginx: health, initialize, the tool list, one tool call
# and an MCP session over POST /mcp with a JSON-RPC ping. One line per check; stops at the first failure with exit 1.
# Usage: deploy/smoke-test.sh [BASE_URL]   (default http://127.0.0.1:8080; a trailing /mcp is fine)
set -euo pipefail

base=${1:-http://127.0.0.1:8080}
base=${base%/}
base=${base%/mcp}
for tool in curl jq; do
  command -v "$tool" >/dev/null || {
    echo "smoke-test: $tool not found: run deploy/install-deps.sh" >&2
    exit 1
  }
done

body_file=$(mktemp)
trap 'rm -f "$body_file" "$body_file.h"' EXIT
status=
body=

session=

# fetch METHOD PATH [JSON BODY]: sets status and body (and session, from Mcp-Session-Id).
fetch() {
  local args=(-sS -m 10 -o "$body_file" -D "$body_file.h" -w '%{http_code}' -X "$1")
  if (($# >= 3)); then
    args+=(-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream'
      --data-binary "$3")
  fi
  [[ -n $session ]] && args+=(-H "Mcp-Session-Id: $session")
  status=$(curl "${args[@]}" "$base$2" 2>&1) || {
    echo "FAIL $1 $2: no HTTP answer from $base ($status)"
    exit 1
  }
  body=$(<"$body_file")
  local sid
  sid=$(tr -d '\r' <"$body_file.h" | awk -F': ' 'tolower($1) == "mcp-session-id" {print $2}')
  [[ -n $sid ]] && session=$sid
  return 0
}

# check NAME METHOD PATH BODY|'' JQ_TEST: 200 and a JSON body for which JQ_TEST is true.
check() {
  local name=$1 method=$2 path=$3 data=$4 test=$5
  if [[ -n $data ]]; then fetch "$method" "$path" "$data"; else fetch "$method" "$path"; fi
  if [[ $status != 200 ]]; then
    echo "FAIL $name: $method $path answered HTTP $status: ${body:0:300}"
    exit 1
  fi
  if ! jq -e "$test" >/dev/null 2>&1 <<<"$body"; then
    echo "FAIL $name: $method $path: expected $test, got: ${body:0:300}"
    exit 1
  fi
  echo "ok   $name"
}

echo "smoke-test: $base/mcp"
check "health" GET /mcp/health '' '.status == "ok"'
check "initialize (serverInfo.name is shop-mcp)" POST /mcp/initialize \
  '{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"smoke-test","version":"1"}}' \
  '.serverInfo.name == "shop-mcp"'
check "tools list (4 or more, get_orders among them)" GET /mcp/tools '' \
  '(.tools | length) >= 4 and any(.tools[]; .name == "get_orders")'
check "tools/call get_orders limit 3 (3 orders, no error)" POST /mcp/tools/call \
  '{"name":"get_orders","arguments":{"limit":3}}' \
  '(.isError // false) == false and (.content[0].text | fromjson | .orders | length) == 3'
check "MCP initialize over POST /mcp (a session id comes back)" POST /mcp \
  '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"smoke-test","version":"1"}}}' \
  '.result.serverInfo.name == "shop-mcp"'
[[ -n $session ]] || { echo "FAIL initialize over POST /mcp: no Mcp-Session-Id header"; exit 1; }
check "JSON-RPC ping in that session (result {})" POST /mcp \
  '{"jsonrpc":"2.0","id":2,"method":"ping"}' '.jsonrpc == "2.0" and .id == 2 and .result == {}'
# page NAME PATH TEXT: nginx serves the static page at PATH as HTML containing TEXT.
page() {
  local name=$1 path=$2 text=$3
  fetch GET "$path"
  local type
  type=$(tr -d '\r' <"$body_file.h" | awk -F': ' 'tolower($1) == "content-type" {print $2}')
  if [[ $status != 200 || $type != text/html* || $body != *"$text"* ]]; then
    echo "FAIL $name: GET $path answered HTTP $status ($type) without '$text': is nginx's root the checkout's nginx/www?"
    exit 1
  fi
  echo "ok   $name"
}
page "the SSE test page" /sse-test.html /assets/sse-test.js
page "the status page" /status /assets/status.js
echo "smoke-test: all 8 checks passed"
