#!/usr/bin/env bash
# /status in a real browser: Debian's chromium driven by playwright-core
# (tests/clients/browser_status.mjs) loads the page through nginx; the open-streams chart must rise
# when the test opens five SSE streams and fall when it closes them, agreeing with GET /mcp/stats,
# and tool calls must show as requests per second, latency and table rows. Then, against a server
# with a bearer token, the page shows the 401 (and keeps retrying) until the token is typed in.
# Every request the page makes must go to the stack's own origin. Screenshots (status.png,
# status-401.png) go to $SHOPMCP_ARTIFACTS (ctest: BUILD/test-artifacts).
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_browser

start_stack --ping-interval 1
browser_run 120 browser_status.mjs
assert_json '.streams.open == 0' "no stream left open" "$(curl -sS "$(base_url)/mcp/stats")"
assert_healthy
stop_stack

TOKEN=$(random_token)
start_stack "SHOP_MCP_AUTH_TOKEN=$TOKEN" --ping-interval 1
browser_run 120 browser_status.mjs --token "$TOKEN"
assert_healthy
stop_stack
finish
