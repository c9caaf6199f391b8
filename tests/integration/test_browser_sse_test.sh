#!/usr/bin/env bash
# /sse-test.html in a real browser: Debian's chromium driven by playwright-core
# (tests/clients/browser_sse_test.mjs) loads the page through nginx and clicks through it: the SSE
# route (welcome, a ping's response frame, keepalives folded, get_products shown as a table of the
# database's product names, disconnect and the server's open-stream count falling), MCP Streamable
# HTTP (session, standalone stream, get_orders, a tool error, DELETE), and, against a server with
# a bearer token and a 2 s stream lifetime, the 401 without the token and the close frame's reason.
# Every request the page makes must go to the stack's own origin. Screenshots go to
# $SHOPMCP_ARTIFACTS (ctest: BUILD/test-artifacts).
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_browser

start_stack --ping-interval 1
browser_run 120 browser_sse_test.mjs --scenario main --db "$(db_path)"
assert_json '.streams.open == 0' "no stream left open" "$(curl -sS "$(base_url)/mcp/stats")"
assert_healthy
stop_stack

TOKEN=$(random_token)
start_stack "SHOP_MCP_AUTH_TOKEN=$TOKEN" --max-connection-time 2 --ping-interval 1
browser_run 120 browser_sse_test.mjs --scenario token-timeout --token "$TOKEN"
# (the harness's own "=== start_stack ..." lines name it; the app's lines must not)
assert_eq "the token never appears in the app's log" 0 \
  "$(grep -v '^=== start_stack' "$(app_log)" | grep -cF "$TOKEN" || true)"
stop_stack
finish
