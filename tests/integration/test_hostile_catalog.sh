#!/usr/bin/env bash
# A catalogue of hostile inputs, each through every door that parses it: deep nesting, batches,
# Last-Event-ID, invalid UTF-8, NUL bytes, trailing garbage, duplicate keys, integers written as
# 10.0, unsupported protocol versions, the per-client session limit, oversized bodies and wrong
# content types. Each case asserts the HTTP status and the JSON-RPC (or REST) error code, that
# the answer is valid UTF-8 JSON (each data: line of an SSE answer), and that afterwards the app
# is still running and answers /mcp/health within 1 s.
#
# The doors: s11 s06 s03 POST /mcp in a session of protocol 2025-11-25 / 2025-06-18 /
# 2025-03-26; sl POST /mcp stateless (2026-07-28); lg POST /mcp/messages?sessionId= (HTTP+SSE,
# the answer arrives on the GET /mcp/sse stream); rest POST /mcp/tools/call; rinit POST
# /mcp/initialize; seed POST /mcp/sse (the answer is its stream's first frame).
#
# About 300 cases: the helpers below fork as few processes per case as they can (one curl, one
# iconv, one jq, and the health check), so that the test stays quick on a busy machine.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ACCEPT='Accept: application/json, text/event-stream'
BODY=$T_DIR/body         # the request body of the current case
ANS_FILE=$T_DIR/ans.raw  # the raw bytes of its answer (the body, or the stream read so far)
ANS_HEAD=$T_DIR/ans.h    # its header block(s)
TOOL_DOORS=(s11 s06 s03 sl lg rest seed)
RPC_DOORS=(s11 s06 s03 sl lg seed)
ALL_DOORS=(s11 s06 s03 sl lg rest rinit seed)
declare -A SID VER=([s11]=2025-11-25 [s06]=2025-06-18 [s03]=2025-03-26)
# The HTTP status of a -32700/-32600 refusal (the seed route answers everything on its stream),
# and of an answer that is not a refusal (the legacy door answers 202, then on its stream).
declare -A PARSE_ST=([s11]=400 [s06]=400 [s03]=400 [sl]=400 [lg]=400 [rest]=400 [rinit]=400 [seed]=200)
declare -A CALL_ST=([s11]=200 [s06]=200 [s03]=200 [sl]=200 [lg]=202 [rest]=200 [rinit]=200 [seed]=200)
# Levels above a parameter value (body_value): message, params, arguments; {name, arguments} on
# rest; the params object and clientInfo on rinit.
declare -A ABOVE=([s11]=3 [s06]=3 [s03]=3 [sl]=3 [lg]=3 [seed]=3 [rest]=2 [rinit]=2)
NEXT_ID=100
CHINESE=$(printf '陳%.0s' {1..200})  # 600 bytes: a cut at 100 or 57 bytes falls inside a character

# --- checks ------------------------------------------------------------------------------------

# utf8_ok FILE: FILE is valid UTF-8 (glibc's iconv refuses bad bytes, overlongs and surrogates).
utf8_ok() { iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; }

# stream_data FILE: DATA = the stream's data: lines (not the legacy endpoint event's), one per
# line, DATA_N = how many.
stream_data() {
  local line skip=0
  DATA='' DATA_N=0
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%$'\r'}
    case $line in
      'event: endpoint') skip=1 ;;
      '') skip=0 ;;
      data:\ ?*)
        if ((!skip)); then
          DATA+=${line#data: }$'\n'
          DATA_N=$((DATA_N + 1))
        fi
        ;;
    esac
  done <"$1"
}

# inspect JQ: checks the answer's encoding (PROBLEMS gets what is wrong: not valid UTF-8, not
# exactly one JSON value, a data: line of a stream that is not one JSON value) and reads the
# JSON-RPC answer (the stream's ANS_PICK-th data line, default the last): ANS_CODE,
# ANS_MSG, ANS_OK (JQ on the result: .result on the JSON-RPC doors, the body on REST) and
# ANS_TEXT (the result's first text content).
inspect() {
  local expr=${1:-true} out want=1 n
  PROBLEMS=()
  utf8_ok "$ANS_FILE" ||
    PROBLEMS+=("the answer is not valid UTF-8: $(head -c 120 "$ANS_FILE" | od -An -c | tr -s ' \n' ' ')")
  local prog="length as \$n | .[$ANS_PICK] as \$a
    | (\$a | if type == \"object\" then .result // . else . end) as \$r
    | [\$n, (try \$a.error.code catch null // \"none\"), (try \$a.error.message catch null // \"\"),
       (\$r | try ($expr) catch false), (try \$r.content[0].text catch null // \"\")]
    | map(tostring | gsub(\"\n\"; \" \")) | join(\"\u001f\")"
  if ((ANS_STREAM)); then
    stream_data "$ANS_FILE"
    want=$DATA_N
    out=$(jq -rs "$prog" 2>/dev/null <<<"$DATA") || out=
  else
    out=$(jq -rs "$prog" "$ANS_FILE" 2>/dev/null) || out=
  fi
  IFS=$'\x1f' read -r n ANS_CODE ANS_MSG ANS_OK ANS_TEXT <<<"$out" || true
  if [[ -z $out ]]; then
    PROBLEMS+=("the answer (or a data: line of it) is not JSON")
  elif ((want == 0)); then
    PROBLEMS+=("the stream carries no data: line")
  elif [[ $n != "$want" ]]; then
    PROBLEMS+=("$n JSON values where $want were expected (one per data: line, or one body)")
  fi
}

# verdict DESC: pass when PROBLEMS is empty, else fail listing them with the answer.
verdict() {
  local ans=''
  if ((${#PROBLEMS[@]} == 0)); then
    pass "$1"
  else
    IFS= read -r -d '' ans <"$ANS_FILE" || true
    fail "$1" "${PROBLEMS[@]}" "HTTP $ANS_STATUS: $(_short "$ans")"
  fi
}

# after_case DESC: hostile, then healthy: /mcp/health within 1 s, and the app is still running.
after_case() {
  assert_health_within 1000 "  then /mcp/health within 1 s"
  kill -0 "$STACK_APP_PID" 2>/dev/null || fail "  the app (pid $STACK_APP_PID) is gone after: $1"
}

# expect_error DESC STATUS CODE [MESSAGE_REGEX]: the answer is HTTP STATUS, valid UTF-8 JSON, an
# error with CODE whose message matches MESSAGE_REGEX.
expect_error() {
  local desc=$1 status=$2 code=$3 re=${4:-}
  inspect
  [[ $ANS_STATUS == "$status" ]] || PROBLEMS+=("HTTP $ANS_STATUS, expected $status")
  [[ $ANS_CODE == "$code" ]] || PROBLEMS+=("error code $ANS_CODE, expected $code")
  [[ -z $re || $ANS_MSG =~ $re ]] || PROBLEMS+=("the error message does not match /$re/")
  verdict "$desc -> $status, $code${re:+ /$re/}"
  after_case "$desc"
}

# expect_result DESC STATUS JQ [TEXT_REGEX]: the answer is HTTP STATUS, valid UTF-8 JSON, a tool
# result for which JQ holds, whose first text content matches TEXT_REGEX.
expect_result() {
  local desc=$1 status=$2 expr=$3 re=${4:-}
  inspect "$expr"
  [[ $ANS_STATUS == "$status" ]] || PROBLEMS+=("HTTP $ANS_STATUS, expected $status")
  [[ $ANS_OK == true ]] || PROBLEMS+=("not true: $expr")
  [[ -z $re || $ANS_TEXT =~ $re ]] || PROBLEMS+=("the text does not match /$re/")
  verdict "$desc -> $status, $expr${re:+, text /$re/}"
  after_case "$desc"
}

# chinese_ok WHAT TEXT: TEXT echoes the Chinese argument as whole characters (no U+FFFD from a
# cut inside one).
chinese_ok() {
  if [[ $2 == *陳陳陳* && $2 != *$'\xef\xbf\xbd'* ]]; then
    pass "  $1: the echo is whole characters"
  else
    fail "  $1: the echo is whole characters" "$(_short "$2")"
  fi
}

# --- request bodies: written to $BODY; BODY_METHOD and BODY_NAME feed the stateless door's
# --- headers, BODY_IS_REQUEST says whether the legacy door waits for an answer on its stream

# nest N: N arrays, one inside the other (from the strings made once per depth).
declare -A NESTS
nest() {
  if [[ -z ${NESTS[$1]:-} ]]; then
    NESTS[$1]=$(head -c "$1" /dev/zero | tr '\0' '[')$(head -c "$1" /dev/zero | tr '\0' ']')
  fi
  NEST=${NESTS[$1]}
}

# body_raw TEXT [METHOD [NAME]]: TEXT as it is.
body_raw() {
  printf '%s' "$1" >"$BODY"
  BODY_METHOD=${2:-tools/call} BODY_NAME=${3-get_orders} BODY_IS_REQUEST=1
}

# body_rpc METHOD PARAMS [NAME]: a JSON-RPC request with a new numeric id.
body_rpc() {
  NEXT_ID=$((NEXT_ID + 1))
  printf '{"jsonrpc":"2.0","id":%d,"method":"%s","params":%s}' "$NEXT_ID" "$1" "$2" >"$BODY"
  BODY_METHOD=$1 BODY_NAME=${3-} BODY_IS_REQUEST=1
}

# body_call DOOR ARGS [TOOL]: a call of TOOL (get_orders) with ARGS (JSON text, maybe hostile) as
# DOOR takes it: {name, arguments} on rest, else a JSON-RPC tools/call.
body_call() {
  local door=$1 args=$2 tool=${3:-get_orders}
  if [[ $door == rest ]]; then
    printf '{"name":"%s","arguments":%s}' "$tool" "$args" >"$BODY"
    BODY_METHOD=tools/call BODY_NAME=$tool BODY_IS_REQUEST=1
  else
    body_rpc tools/call "{\"name\":\"$tool\",\"arguments\":$args}" "$tool"
  fi
}

# body_value DOOR VALUE: VALUE (JSON text, maybe hostile) as a parameter value: get_orders'
# customer_name, or on rinit the clientInfo name. ABOVE[DOOR] levels are above it.
body_value() {
  if [[ $1 == rinit ]]; then
    printf '{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":%s,"version":"1"}}' \
      "$2" >"$BODY"
    BODY_METHOD=initialize BODY_NAME='' BODY_IS_REQUEST=1
  else
    body_call "$1" "{\"customer_name\":$2}"
  fi
}

# --- the doors -----------------------------------------------------------------------------------

# hreq METHOD PATH [curl args...]: one request through nginx; the body goes to ANS_FILE, the
# headers to ANS_HEAD. Sets ANS_STATUS, ANS_CT and ANS_STREAM (text/event-stream) with
# ANS_PICK -1 (a stream's answer is its last data: line).
hreq() {
  local method=$1 path=$2 out
  shift 2
  out=$(curl -sS -m 20 -o "$ANS_FILE" -D "$ANS_HEAD" -w '%{http_code} %{content_type}' \
    -X "$method" "$@" "$BASE$path" 2>/dev/null) || true
  ANS_STATUS=${out%% *} ANS_CT=${out#* } ANS_PICK=-1 ANS_STREAM=0
  [[ $ANS_CT != text/event-stream* ]] || ANS_STREAM=1
}

# header NAME: the value of header NAME in the last hreq's answer.
header() {
  local line n
  while IFS= read -r line; do
    line=${line%$'\r'}
    n=${line%%:*}
    if [[ ${n,,} == "${1,,}" ]]; then
      echo "${line#*: }"
      return
    fi
  done <"$ANS_HEAD"
}

# send DOOR [curl args...]: POSTs $BODY through DOOR with Content-Type $CT (application/json).
send() {
  local door=$1 ct=${CT:-application/json} h=()
  shift
  case $door in
    s11 | s06 | s03)
      hreq POST /mcp -H "Content-Type: $ct" -H "$ACCEPT" -H "Mcp-Session-Id: ${SID[$door]}" \
        -H "MCP-Protocol-Version: ${VER[$door]}" --data-binary "@$BODY" "$@"
      ;;
    sl)
      h=(-H 'MCP-Protocol-Version: 2026-07-28' -H "Mcp-Method: $BODY_METHOD")
      [[ -z $BODY_NAME ]] || h+=(-H "Mcp-Name: $BODY_NAME")
      hreq POST /mcp -H "Content-Type: $ct" -H "$ACCEPT" "${h[@]}" --data-binary "@$BODY" "$@"
      ;;
    lg) legacy_post "$ct" "$@" ;;
    rest) hreq POST /mcp/tools/call -H "Content-Type: $ct" --data-binary "@$BODY" "$@" ;;
    rinit) hreq POST /mcp/initialize -H "Content-Type: $ct" --data-binary "@$BODY" "$@" ;;
    seed) seed_post "$ct" "$@" ;;
    *) t_fatal "send: no door $door" ;;
  esac
}

# legacy_open: an initialized HTTP+SSE session (GET /mcp/sse in the background); sets LG_EP.
legacy_open() {
  LG_STREAM=$T_DIR/legacy.stream
  LG_MESSAGES=0
  curl -sN "$BASE/mcp/sse" -H 'Accept: text/event-stream' >"$LG_STREAM" 2>/dev/null &
  LG_PID=$!
  t_track "$LG_PID"
  wait_for "$LG_STREAM" 'sessionId=' || t_fatal "GET /mcp/sse sent no endpoint event"
  LG_EP=$(sed -n 's/^data: \(\/mcp\/messages?sessionId=[0-9a-f]*\)\r\?$/\1/p' "$LG_STREAM" | head -1)
  body_raw '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"hostile","version":"1"}}}'
  legacy_post application/json
  grep -q '"protocolVersion"' "$ANS_FILE" || t_fatal "legacy initialize: no answer on the stream"
  body_raw '{"jsonrpc":"2.0","method":"notifications/initialized"}'
  BODY_IS_REQUEST=0
  legacy_post application/json
}

# legacy_post CT [curl args]: POST $BODY to the legacy endpoint. A request answered 202 is
# answered on the stream: ANS_FILE then holds the next message event's data.
legacy_post() {
  local ct=$1 deadline k
  shift
  hreq POST "$LG_EP" -H "Content-Type: $ct" --data-binary "@$BODY" "$@"
  [[ $ANS_STATUS == 202 && $BODY_IS_REQUEST == 1 ]] || return 0
  k=$((LG_MESSAGES + 1))
  deadline=$((SECONDS + 5))
  while (($(grep -c '^event: message' "$LG_STREAM" || true) < k)); do
    ((SECONDS < deadline)) || break
    sleep 0.01
  done
  sleep 0.02  # the data line is written with its event line; let the whole event land
  awk -v k="$k" '/^event: message/ {n++; next} n == k && /^data: / {print substr($0, 7); exit}' \
    "$LG_STREAM" | tr -d '\r' >"$ANS_FILE"
  LG_MESSAGES=$k
  ANS_STREAM=0
}

# seed_post CT [curl args]: POST $BODY to the seed route /mcp/sse; its stream is read until the
# first data: line (the answer), then dropped. A refusal (not a stream) is read whole.
seed_post() {
  local ct=$1 pid deadline text='' line
  shift
  : >"$ANS_FILE"
  : >"$ANS_HEAD"
  curl -sN -m 10 -D "$ANS_HEAD" -o "$ANS_FILE" -X POST "$BASE/mcp/sse" -H "Content-Type: $ct" \
    --data-binary "@$BODY" "$@" 2>/dev/null &
  pid=$!
  t_track "$pid"
  deadline=$((SECONDS + 5))
  while kill -0 "$pid" 2>/dev/null; do
    IFS= read -r -d '' text <"$ANS_FILE" || true
    [[ $text != *$'\ndata: '* ]] || break
    ((SECONDS < deadline)) || break
    sleep 0.01
  done
  sleep 0.02
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  ANS_STATUS=000 ANS_STREAM=0 ANS_PICK=0
  while IFS= read -r line; do
    line=${line%$'\r'}
    [[ $line != HTTP/* ]] || ANS_STATUS=${line#* } ANS_STATUS=${ANS_STATUS%% *}
    [[ ! ${line,,} =~ ^content-type:\ text/event-stream ]] || ANS_STREAM=1
  done <"$ANS_HEAD"
}

# new_session VERSION: initialize + notifications/initialized over POST /mcp; prints the id.
new_session() {
  local h
  h=$(curl -sS -m 10 -D - -o /dev/null -H 'Content-Type: application/json' -H "$ACCEPT" \
    --data-binary "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"$1\",\"capabilities\":{},\"clientInfo\":{\"name\":\"hostile\",\"version\":\"1\"}}}" \
    "$BASE/mcp" | tr -d '\r' | awk -F': ' 'tolower($1) == "mcp-session-id" {print $2}')
  [[ -n $h ]] || return 1
  curl -sS -m 10 -o /dev/null -H 'Content-Type: application/json' -H "$ACCEPT" \
    -H "Mcp-Session-Id: $h" --data-binary '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
    "$BASE/mcp"
  echo "$h"
}

# ping_session ID: POST ping in session ID; prints the HTTP status.
ping_session() {
  curl -sS -m 10 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -H "$ACCEPT" \
    -H "Mcp-Session-Id: $1" --data-binary '{"jsonrpc":"2.0","id":"p","method":"ping"}' \
    "$BASE/mcp" || true
}

# batch N ITEM: a JSON array of N copies of ITEM, whose "ID" becomes 1..N.
batch() {
  local i out='['
  for ((i = 1; i <= $1; i++)); do out+=${2//ID/$i},; done
  printf '%s' "${out%,}]" >"$BODY"
  BODY_METHOD=ping BODY_NAME='' BODY_IS_REQUEST=1
}

# ==================================================================================================
echo "# the checker itself refuses invalid UTF-8"
printf '{"a":"\xff\xfe"}' >"$T_DIR/bad1"
printf '{"a":"\xed\xa0\x80"}' >"$T_DIR/bad2"
printf '{"a":"\xc0\xaf"}' >"$T_DIR/bad3"
printf '{"a":"%s"}' "$CHINESE" >"$T_DIR/good"
refuses_bad_utf8() {
  ! utf8_ok "$T_DIR/bad1" && ! utf8_ok "$T_DIR/bad2" && ! utf8_ok "$T_DIR/bad3" && utf8_ok "$T_DIR/good"
}
assert_true "0xff 0xfe, a UTF-16 surrogate and an overlong '/' are refused; Chinese passes" \
  refuses_bad_utf8

# The body limit is raised so that an 80,000-deep body (160 KB) reaches the parser; nginx lets
# bodies through up to 1 MiB so that the app itself answers 413 beyond its limit.
BODY_LIMIT=262144
STACK_NGINX_BODY_MAX=1m start_stack --body-limit "$BODY_LIMIT"
BASE=$(base_url)
for d in s11 s06 s03; do
  SID[$d]=$(new_session "${VER[$d]}") || t_fatal "initialize ${VER[$d]} gave no session"
done
# With log messages on, s06's tool calls that run are answered as SSE streams (logs, then the
# result): its answers are checked data line by data line.
body_rpc logging/setLevel '{"level":"debug"}'
send s06
assert_eq "s06: logging/setLevel debug" 200 "$ANS_STATUS"
legacy_open

echo "# 1. deep nesting: depth 65 and 80,000 at every position, through every door"
for depth in 65 80000; do
  for door in "${ALL_DOORS[@]}"; do
    nest "$depth"
    body_raw "$NEST"
    send "$door"
    expect_error "depth $depth, the whole body, via $door" "${PARSE_ST[$door]}" -32700 \
      'deeper than 64 levels'

    nest $((depth - ABOVE[$door]))
    body_value "$door" "$NEST"
    send "$door"
    expect_error "depth $depth, a parameter value, via $door" "${PARSE_ST[$door]}" -32700 \
      'deeper than 64 levels'
  done
  for door in "${RPC_DOORS[@]}"; do
    nest $((depth - 1))
    body_raw "{\"jsonrpc\":\"2.0\",\"id\":$NEST,\"method\":\"ping\"}" ping ''
    send "$door"
    expect_error "depth $depth, the request id, via $door" "${PARSE_ST[$door]}" -32700 \
      'deeper than 64 levels'

    body_raw "{\"jsonrpc\":\"2.0\",\"id\":$NEST,\"result\":{}}" ping ''
    send "$door"
    expect_error "depth $depth, the id of a response to the server, via $door" \
      "${PARSE_ST[$door]}" -32700 'deeper than 64 levels'

    nest $((depth - 2))
    body_raw "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":$NEST}}" \
      notifications/cancelled ''
    send "$door"
    expect_error "depth $depth, notifications/cancelled requestId, via $door" \
      "${PARSE_ST[$door]}" -32700 'deeper than 64 levels'
  done
done
echo "# ... depth 64, the limit, is parsed: the value is refused for its type, not its depth"
for door in "${ALL_DOORS[@]}"; do
  nest $((64 - ABOVE[$door]))
  body_value "$door" "$NEST"
  send "$door"
  if [[ $door == rinit ]]; then
    expect_result "depth 64 via rinit" 200 '.protocolVersion == "2025-11-25"'
  else
    expect_result "depth 64 via $door" "${CALL_ST[$door]}" '.isError == true' customer_name
  fi
done
NESTS=()

echo "# 2. batches"
batch 101 '{"jsonrpc":"2.0","id":ID,"method":"ping"}'
send s03
expect_error "101 messages in a 2025-03-26 batch: refused whole" 400 -32600 'at most 100 messages'
batch 100 '{"jsonrpc":"2.0","id":ID,"method":"ping"}'
send s03
expect_result "100 messages in a 2025-03-26 batch: all answered" 200 \
  'type == "array" and length == 100 and all(.[]; .result == {}) and [.[].id] == [range(1; 101)]'
batch 2 '{"jsonrpc":"2.0","id":ID,"method":"ping"}'
for door in s11 s06 sl lg seed; do
  send "$door"
  expect_error "a batch via $door (batches are for 2025-03-26 only)" "${PARSE_ST[$door]}" \
    -32600 '[Bb]atch'
done
for door in rest rinit; do
  send "$door"
  expect_error "an array body via $door" 400 -32600 'JSON object'
done

echo "# 3. Last-Event-ID on GET /mcp"
# A session with a few events of its own: its ids mean nothing in another session.
other=$(new_session 2025-11-25)
for i in 1 2 3; do
  hreq POST /mcp -H 'Content-Type: application/json' -H "$ACCEPT" -H "Mcp-Session-Id: $other" \
    --data-binary "{\"jsonrpc\":\"2.0\",\"id\":$i,\"method\":\"tools/call\",\"params\":{\"name\":\"get_products\",\"arguments\":{\"limit\":1},\"_meta\":{\"progressToken\":$i}}}"
done
other_id=$(sed -n 's/^id: \([^\r]*\)\r\?$/\1/p' "$ANS_FILE" | tail -n 1)
is_count() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }
is_session_id() { [[ $1 =~ ^[0-9a-f]{32}$ ]]; }
is_event_id() { [[ $1 =~ ^[0-9]+-[0-9]+$ ]]; }
assert_true "the other session's last event id ($other_id) is STREAM-SEQ" is_event_id "$other_id"
hreq GET /mcp -H 'Accept: text/event-stream' -H "Mcp-Session-Id: $other" -H "Last-Event-ID: $other_id" -m 5
assert_eq "control: in its own session, $other_id resumes (200)" 200 "$ANS_STATUS"
declare -A LEI=(
  [malformed]='abc'
  [three-parts]='1-2-3'
  [overflowing]='99999999999999999999999-1'
  [never-issued]='1-999999'
  [from-another-session]=$other_id
  [invalid-utf8]=$'1-\xff\xfe'
  [long-chinese]=$CHINESE
)
for door in s11 s03; do  # neither has opened a stream: the other session's ids are not theirs
  for what in malformed three-parts overflowing never-issued from-another-session invalid-utf8 \
    long-chinese; do
    hreq GET /mcp -H 'Accept: text/event-stream' -H "Mcp-Session-Id: ${SID[$door]}" \
      -H "Last-Event-ID: ${LEI[$what]}" -m 5
    expect_error "Last-Event-ID $what in session $door" 400 -32600 'Last-Event-ID'
  done
done

echo "# 4. invalid UTF-8"
for door in "${ALL_DOORS[@]}"; do
  body_value "$door" $'"ab\xff\xfecd"'
  send "$door"
  expect_error "bytes 0xff 0xfe in a JSON string via $door" "${PARSE_ST[$door]}" -32700 'ncoding'
done
for door in "${RPC_DOORS[@]}"; do
  body_raw $'{"jsonrpc":"2.0","id":"\xff\xfe","method":"ping"}' ping ''
  send "$door"
  expect_error "bytes 0xff 0xfe in the request id via $door" "${PARSE_ST[$door]}" -32700 'ncoding'
done
for door in "${ALL_DOORS[@]}"; do
  body_value "$door" '"x"'
  CT=$'application/\xff\xfejson' send "$door"
  if [[ $door == seed ]]; then
    # The seed route's contract (the system it replaces) reads the body whatever its type.
    expect_result "a Content-Type with bytes 0xff 0xfe via seed: the body is read" 200 \
      '(.isError // false) == false'
    continue
  fi
  if [[ $door == rest || $door == rinit ]]; then code=415; else code=-32600; fi
  expect_error "a Content-Type with bytes 0xff 0xfe via $door" 415 "$code" 'Content-Type'
done
echo "# ... a long Chinese string, echoed back in an error: cut at a character, valid UTF-8"
for door in "${TOOL_DOORS[@]}"; do
  body_call "$door" '{}' "$CHINESE"
  send "$door"
  if [[ $door == rest ]]; then st=404; else st=${CALL_ST[$door]}; fi
  expect_error "an unknown tool named 陳×200 via $door" "$st" -32602 'Unknown tool'
  chinese_ok "unknown tool via $door" "$ANS_MSG"

  body_call "$door" "{\"status\":\"x$CHINESE\"}"
  send "$door"
  expect_result "get_orders status x陳×200 via $door" "${CALL_ST[$door]}" '.isError == true' status
  chinese_ok "status via $door" "$ANS_TEXT"
done
body_call sl '{}' get_orders
BODY_NAME=$CHINESE send sl
expect_error "stateless: an Mcp-Name of 陳×200 that is not the body's" 400 -32020 'Mcp-Name'
chinese_ok "Mcp-Name mismatch" "$ANS_MSG"
body_rpc "$CHINESE" '{}'
send sl
expect_error "stateless: an unknown method 陳×200" 404 -32601 'Method not found'
chinese_ok "unknown method (stateless)" "$ANS_MSG"
for door in s11 s03 lg seed; do
  body_rpc "$CHINESE" '{}'
  send "$door"
  expect_error "an unknown method 陳×200 via $door" "${CALL_ST[$door]}" -32601 'Method not found'
  chinese_ok "unknown method via $door" "$ANS_MSG"
done
body_rpc ping '{}'
send s11 -H "MCP-Protocol-Version: $CHINESE"
expect_error "an MCP-Protocol-Version of 陳×200" 400 -32022 'unsupported MCP-Protocol-Version'
chinese_ok "unsupported version" "$ANS_MSG"

echo "# 5. a NUL byte, trailing garbage, a key given twice"
for door in "${ALL_DOORS[@]}"; do
  body_value "$door" '"a@NUL@b"'
  sed -i 's/@NUL@/\x00/' "$BODY"
  send "$door"
  expect_error "a NUL byte inside a string via $door" "${PARSE_ST[$door]}" -32700 'NUL'

  body_value "$door" '"x"'
  printf ' garbage' >>"$BODY"
  send "$door"
  expect_error "trailing garbage after the JSON value via $door" "${PARSE_ST[$door]}" -32700 \
    'must not be followed'

  body_value "$door" '"x"'
  printf '{"jsonrpc":"2.0","id":1,"method":"ping"}' >>"$BODY"
  send "$door"
  expect_error "a second JSON value after the first via $door" "${PARSE_ST[$door]}" -32700 \
    'must not be followed'

  if [[ $door == rinit ]]; then
    body_raw '{"protocolVersion":"2025-11-25","capabilities":{},"capabilities":{"x":1}}' initialize ''
    key=capabilities
  else
    body_call "$door" '{"limit":5,"limit":"abc"}'
    key=limit
  fi
  send "$door"
  expect_error "the key $key twice via $door" "${PARSE_ST[$door]}" -32700 "'$key' appears twice"
done
for door in "${RPC_DOORS[@]}"; do
  body_raw '{"jsonrpc":"2.0","id":7,"method":"ping","method":"tools/list"}' ping ''
  send "$door"
  expect_error "the key method twice via $door" "${PARSE_ST[$door]}" -32700 "'method' appears twice"
done

echo "# 6. integers written as 10.0 (accepted as 10) and 10.5 (a tool error naming limit)"
for door in "${TOOL_DOORS[@]}"; do
  body_call "$door" '{"limit":10.0}'
  send "$door"
  expect_result "get_orders limit 10.0 via $door" "${CALL_ST[$door]}" \
    '(.isError // false) == false and (.structuredContent.orders | length) == 10'
  if [[ $door == s06 || $door == seed ]]; then
    assert_eq "  ... answered on an SSE stream, every data: line checked ($DATA_N)" 1 "$ANS_STREAM"
  fi
  body_call "$door" '{"limit":10.5}'
  send "$door"
  expect_result "get_orders limit 10.5 via $door" "${CALL_ST[$door]}" '.isError == true' limit
done

echo "# 7. an unsupported MCP-Protocol-Version on DELETE and GET /mcp"
for v in 2030-01-01 $'\xff\xfe' "$CHINESE"; do
  shown=$(printf '%q' "${v:0:12}")
  hreq DELETE /mcp -H "Mcp-Session-Id: ${SID[s11]}" -H "MCP-Protocol-Version: $v"
  expect_error "DELETE /mcp, MCP-Protocol-Version $shown" 400 -32022 'unsupported'
  hreq GET /mcp -H 'Accept: text/event-stream' -H "Mcp-Session-Id: ${SID[s11]}" \
    -H "MCP-Protocol-Version: $v" -m 5
  expect_error "GET /mcp, MCP-Protocol-Version $shown" 400 -32022 'unsupported'
done
hreq DELETE /mcp -H 'MCP-Protocol-Version: 2030-01-01'
expect_error "DELETE /mcp without a session, unsupported version" 400 -32022 'unsupported'
assert_eq "the session survives the refused DELETEs" 200 "$(ping_session "${SID[s11]}")"

echo "# 9. a body over --body-limit ($BODY_LIMIT) on every POST door"
big=$(head -c 300000 /dev/zero | tr '\0' a)
for door in "${ALL_DOORS[@]}"; do
  body_value "$door" "\"$big\""
  send "$door"
  expect_error "a 300 KB body via $door" 413 413 'larger than the limit'
done

echo "# 10. a wrong Content-Type on every POST door, a wrong Accept on the GET streams"
for door in "${ALL_DOORS[@]}"; do
  for ct in text/plain application/x-www-form-urlencoded; do
    body_value "$door" '"x"'
    CT=$ct send "$door"
    if [[ $door == seed ]]; then
      expect_result "Content-Type $ct via seed: the seed route's contract reads the body" 200 \
        '(.isError // false) == false'
      continue
    fi
    if [[ $door == rest || $door == rinit ]]; then code=415; else code=-32600; fi
    expect_error "Content-Type $ct via $door" 415 "$code" 'Content-Type must be application/json'
  done
done
hreq GET /mcp -H 'Accept: application/json' -H "Mcp-Session-Id: ${SID[s11]}" -m 5
expect_error "GET /mcp with Accept: application/json" 406 -32600 'Not Acceptable'
sessions_before=$(metric shopmcp_sessions_open)
hreq GET /mcp/sse -H 'Accept: application/json' -m 5
expect_error "GET /mcp/sse with Accept: application/json" 406 -32600 'Not Acceptable'
assert_eq "  ... and it opened no session" "$sessions_before" "$(metric shopmcp_sessions_open)"
body_rpc ping '{}'
send s11 -H 'Accept: text/html'
expect_error "POST /mcp with Accept: text/html" 406 -32600 'Not Acceptable'

echo "# every frame the legacy stream carried is valid UTF-8 JSON"
cp "$LG_STREAM" "$ANS_FILE"
ANS_STREAM=1 ANS_STATUS=200 ANS_PICK=-1
inspect
verdict "the legacy stream: $DATA_N messages, valid UTF-8, each one JSON value"
kill "$LG_PID" 2>/dev/null || true
stop_stack

# ==================================================================================================
echo "# 2b. a batch whose answers pass --max-batch-answer-bytes"
start_stack --max-batch-answer-bytes 65536 --max-sessions-per-client 3
BASE=$(base_url)
SID[s03]=$(new_session 2025-03-26) || t_fatal "initialize 2025-03-26 gave no session"
batch 100 '{"jsonrpc":"2.0","id":ID,"method":"tools/call","params":{"name":"get_orders","arguments":{"limit":100}}}'
send s03
# k: the index of the first answer not run. Every answer before it is a result, every one from it
# on is -32000 "Not run"; the answers run before the last one stayed within the limit, and all of
# them together passed it (which is why the rest was not run).
# shellcheck disable=SC2016  # a jq program
expect_result "100 x get_orders limit 100 in one batch: early answers present, later ones not run" 200 '
  type == "array" and length == 100 and [.[].id] == [range(1; 101)]
  and ([.[] | has("result")] | index(false)) as $k
  | $k != null and $k >= 1
  and all(.[:$k][]; .result.structuredContent.orders | length == 100)
  and all(.[$k:][]; .error.code == -32000 and (.error.message | test("^Not run: .*65536 bytes.*send it again")))
  and ([.[:$k - 1][] | tojson | utf8bytelength] | add // 0) <= 65536
  and ([.[:$k][] | tojson | utf8bytelength] | add) > 65536'
echo "#   $(jq '[.[] | has("result")] | index(false)' "$ANS_FILE") of the 100 were run"
hreq DELETE /mcp -H "Mcp-Session-Id: ${SID[s03]}"
assert_eq "DELETE the 2025-03-26 session: 204" 204 "$ANS_STATUS"

echo "# 8. sessions per client (--max-sessions-per-client 3)"

gets=()
sids=()
for i in 1 2 3; do
  sid=$(new_session 2025-11-25) || t_fatal "initialize $i gave no session"
  sids+=("$sid")
  curl -sN "$BASE/mcp" -H 'Accept: text/event-stream' -H "Mcp-Session-Id: $sid" \
    >"$T_DIR/get$i" 2>/dev/null &
  gets+=($!)
  t_track "$!"
  wait_for "$T_DIR/get$i" 'retry: ' || fail "GET stream $i not primed"
done
body_raw '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"fourth","version":"1"}}}' \
  initialize ''
hreq POST /mcp -H 'Content-Type: application/json' -H "$ACCEPT" --data-binary "@$BODY"
expect_error "a 4th initialize while the client's 3 sessions are busy" 503 -32000 \
  'holds 3 MCP sessions'
retry_after=$(header Retry-After)
assert_true "  ... with Retry-After ($retry_after s)" is_count "$retry_after"
assert_eq "  ... answering the initialize's id" 0 "$(jq -r .id "$ANS_FILE")"
hreq GET /mcp/sse -H 'Accept: text/event-stream' -m 5
expect_error "a legacy GET /mcp/sse while the client's 3 sessions are busy" 503 -32000 \
  'holds 3 MCP sessions'
retry_after=$(header Retry-After)
assert_true "  ... with Retry-After ($retry_after s)" is_count "$retry_after"

kill "${gets[@]}" 2>/dev/null || true
deadline=$((SECONDS + 5))
while (($(metric shopmcp_streams_open) > 0)) && ((SECONDS < deadline)); do sleep 0.05; done
assert_eq "the three GET streams are closed" 0 "$(metric shopmcp_streams_open)"
for sid in "${sids[@]}"; do  # the first session is the least recently active
  ping_session "$sid" >/dev/null
  sleep 0.05
done
hreq POST /mcp -H 'Content-Type: application/json' -H "$ACCEPT" --data-binary "@$BODY"
expect_result "a 4th initialize with the 3 sessions idle: succeeds" 200 \
  '.protocolVersion == "2025-11-25"'
sid4=$(header Mcp-Session-Id)
assert_true "  ... with a new session id ($sid4)" is_session_id "$sid4"
assert_eq "the client's least recently active session was reclaimed (404); the others live" \
  "404 200 200 200" "$(ping_session "${sids[0]}") $(ping_session "${sids[1]}") $(ping_session "${sids[2]}") $(ping_session "$sid4")"
after_case "reclaiming"
stop_stack

finish
